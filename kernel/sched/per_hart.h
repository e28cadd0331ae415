// kernel/sched/per_hart.h: the state each hart keeps for itself, reached through tp.
// One PerHart per cpu index, statically allocated; lives for the whole boot. The first fields are
// read by trap.S and entry.S at the offsets in platform/riscv64/asm_offsets.h.
#pragma once

#include <atomic>
#include <cstddef>

#include "koios/types.h"
#include "kernel/sched/timer_queue.h"
#include "platform/platform.h"

namespace kernel {

class Thread;  // the scheduler's, from the kernel-objects issue

struct PerHart {
  // ---- read by assembly: keep in step with asm_offsets.h ----
  koios::u64 boot_stack_top = 0;  // identity-mapped stack the hart enters on
  koios::u64 stack_low = 0;       // lowest usable address of the stack it runs on now
  koios::u64 emergency_top = 0;   // trap.S switches here when a trap would overflow the stack
  koios::u64 scratch = 0;
  koios::u64 fault_sp = 0;        // sp at the overflowing trap, for the panic message
  koios::u32 cpu = 0;             // dense index 0..cpu_count-1
  koios::u32 reserved = 0;
  koios::u64 kernel_sp = 0;       // top of the running thread's kernel stack: where user traps land
  // ---- C++ only ----
  koios::u64 hart_id = 0;
  koios::u64 stack_top = 0;       // the guarded kernel stack: [stack_low, stack_top)
  koios::u64 emergency_low = 0;
  Thread* current_thread = nullptr;   // null until the hart joins the scheduler
  Thread* idle_thread = nullptr;
  Thread* switched_from = nullptr;    // the thread just switched away from (reaped if dead)
  std::atomic<bool> need_resched{false};
  std::atomic<bool> idle{false};      // running its idle thread: a candidate for an IPI kick
  TimerEvent slice;                   // ends the current thread's turn (see end_slice)
  koios::u64 slice_end_ticks = 0;     // when the current thread's turn ends
  koios::u64 slice_ticks = 0;         // Scheduler::kSliceNs in timer ticks
  bool fp_zero = false;               // this hart's FP registers (and fcsr) are all zero
  koios::u64 context_switches = 0;
  koios::u32 interrupt_nesting = 0;
  TimerQueue timers;
  std::atomic<koios::u64> timer_interrupts{0};
  std::atomic<koios::u64> ipis_received{0};
  std::atomic<bool> online{false};
  std::atomic<bool> selftests_done{false};
  std::atomic<koios::u32> selftests_failed{0};
  std::atomic<koios::u32> selftests_passed{0};
};

static_assert(offsetof(PerHart, boot_stack_top) == 0);
static_assert(offsetof(PerHart, stack_low) == 8);
static_assert(offsetof(PerHart, emergency_top) == 16);
static_assert(offsetof(PerHart, scratch) == 24);
static_assert(offsetof(PerHart, fault_sp) == 32);
static_assert(offsetof(PerHart, cpu) == 40);
static_assert(offsetof(PerHart, kernel_sp) == 48);

PerHart& hart(koios::u32 cpu);
// The calling hart's state. Valid once kernel_main or secondary_main has set tp.
inline PerHart& this_hart() { return *static_cast<PerHart*>(platform::this_hart()); }
inline bool per_hart_ready() { return platform::this_hart() != nullptr; }
// The calling hart's id, also before per-hart state exists (for early log lines).
koios::u64 current_hart_id();

// Marks the calling hart as handling an interrupt for the scope's lifetime, so code can tell
// interrupt context from thread context (the scheduler must not block in the former).
class InterruptScope {
 public:
  InterruptScope() { ++this_hart().interrupt_nesting; }
  ~InterruptScope() { --this_hart().interrupt_nesting; }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};
inline bool in_interrupt() { return per_hart_ready() && this_hart().interrupt_nesting != 0; }

}  // namespace kernel
