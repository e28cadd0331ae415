// platform/riscv64/include/platform/platform.h: the only platform header kernel/ includes.
// Everything the kernel needs from the machine (console, time, harts, interrupts, page tables,
// shutdown) is declared here; kernel/ never touches a CSR, an MMIO register or the SBI itself.
#pragma once

#include <atomic>

#include "koios/result.h"
#include "koios/types.h"
#include "platform/boot_info.h"
#include "platform/trap_frame.h"

namespace platform {

using koios::Result;
using koios::Status;
using koios::u32;
using koios::u64;
using koios::usize;

// The machine as the device tree describes it (valid from kernel_main on).
const BootInfo& boot_info();

// ---- Console (ns16550 UART; SBI legacy console before the UART is known) ----
void console_write(const char* text, usize length);
// Next received byte, or -1 when none is buffered. Never blocks.
int console_read_byte();
// Whether a byte is buffered (console_read_byte would return one).
bool console_input_pending();
// The interrupt character (^C, as a terminal's ISIG takes it): whether one is buffered and not
// read yet, so a shell can notice it while a program it waits for owns the terminal.
inline constexpr char kConsoleInterruptChar = 0x03;
bool console_interrupt_pending();

// ---- Time ----
u64 time_ticks();                    // the time CSR: counts from machine reset
u64 ticks_to_ns(u64 ticks);
u64 ns_to_ticks(u64 ns);
inline u64 now_ns() { return ticks_to_ns(time_ticks()); }
// One-shot timer for the calling hart: interrupt when time_ticks() >= deadline; ~0 disarms.
void timer_arm(u64 deadline_ticks);

// ---- Harts ----
u32 cpu_count();                     // harts the device tree lists (and that we support)
u64 hart_id_of(u32 cpu);             // cpu indices are dense 0..cpu_count()-1; hart ids need not be
u32 boot_cpu();                      // the cpu index OpenSBI booted us on
// Starts cpu on secondary_entry() with `arg`; fails with IoError if the SBI refuses.
Status start_cpu(u32 cpu, void* arg);
// Whether the firmware reports cpu as stopped (never started, or its start was lost).
bool cpu_stopped(u32 cpu);
void send_ipi(u32 cpu);
void clear_ipi();

// ---- Interrupts on the calling hart ----
// Inline: every spinlock takes these, so they sit on every hot path.
inline bool interrupts_disable() {  // returns whether they were enabled
  u64 old;
  asm volatile("csrrci %0, sstatus, 2" : "=r"(old)::"memory");
  return (old & 2) != 0;  // sstatus.SIE
}
inline void interrupts_restore(bool were_enabled) {
  if (were_enabled) asm volatile("csrsi sstatus, 2" ::: "memory");
}
inline void interrupts_enable() { asm volatile("csrsi sstatus, 2" ::: "memory"); }
inline void wait_for_interrupt() { asm volatile("wfi" ::: "memory"); }  // returns on any pending enabled interrupt
// Per-hart trap setup: vector, interrupt enables (timer, software, external when routed here).
void trap_init_this_hart(bool route_console_irq_here);

// A spinlock that keeps interrupts off on this hart while held, so an interrupt handler that
// takes the same lock can never spin on its own hart. Not recursive.
class SpinLock {
 public:
  void lock() {
    bool irq = interrupts_disable();
    while (locked_.exchange(1, std::memory_order_acquire) != 0) {
      while (locked_.load(std::memory_order_relaxed) != 0) {
      }
    }
    saved_irq_ = irq;
  }
  void unlock() {
    bool irq = saved_irq_;
    locked_.store(0, std::memory_order_release);
    interrupts_restore(irq);
  }
  bool is_locked() const { return locked_.load(std::memory_order_relaxed) != 0; }

 private:
  std::atomic<u32> locked_{0};  // a word, not a bool: rv64 has no byte-wide AMO swap
  bool saved_irq_ = false;
};

class SpinLockGuard {
 public:
  explicit SpinLockGuard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
  ~SpinLockGuard() { lock_.unlock(); }
  SpinLockGuard(const SpinLockGuard&) = delete;
  SpinLockGuard& operator=(const SpinLockGuard&) = delete;

 private:
  SpinLock& lock_;
};

// ---- Kernel thread contexts ----
// The registers a kernel thread keeps across a switch (context.S relies on this layout).
struct Context {
  u64 ra, sp, s[12];
  // A context that starts `start(arg)` on a fresh stack whose top is stack_top.
  static Context for_new_thread(u64 stack_top, void (*start)(void*), void* arg);
};
static_assert(sizeof(Context) == 14 * 8);
// Saves the caller's registers in *from and resumes *to. Returns when something switches back.
extern "C" void platform_context_switch(Context* from, const Context* to);

// ---- Per-hart pointer (held in tp) ----
void set_this_hart(void* per_hart);
inline void* this_hart() {
  void* p;
  asm volatile("mv %0, tp" : "=r"(p));
  return p;
}

// ---- Address spaces (Sv39) ----
inline constexpr usize kPageSize = 4096;
enum class Perm : u32 { Read = 1, Write = 2, Execute = 4, User = 8, Global = 16 };
constexpr Perm operator|(Perm a, Perm b) { return Perm(u32(a) | u32(b)); }
constexpr bool has(Perm set, Perm p) { return (u32(set) & u32(p)) != 0; }

// Page-table pages come from the kernel's page allocator through these two functions.
struct PageSource {
  u64 (*alloc_zeroed)(void* ctx);    // physical address of a zeroed page, 0 when out of memory
  void (*free)(void* ctx, u64 pa);
  void* ctx;
};

// A Sv39 page table rooted at one page. Physical memory is identity mapped, so a page-table
// page's physical address is also where the kernel reads it.
class PageTable {
 public:
  static Result<PageTable> create(const PageSource& source);
  // Maps [va, va+size) to [pa, pa+size); page aligned. W without R, or W with X, is refused.
  Status map(u64 va, u64 pa, u64 size, Perm perm);
  Status unmap(u64 va, u64 size);
  // Points a present 4 KiB mapping at another page in one store (NotFound if absent); the caller
  // fences, as after unmap.
  Status remap(u64 va, u64 pa, Perm perm);
  Result<u64> translate(u64 va) const;  // physical address, NotFound when unmapped
  // Physical address of va if it is mapped with at least `perm` (User included), else
  // AccessDenied (mapped without it) or NotFound.
  Result<u64> translate_checked(u64 va, Perm perm) const;
  // Makes this table share the kernel's mappings outside [kUserBase, kUserTop) (top-level entries).
  void share_kernel_mappings(const PageTable& kernel);
  // Frees every table under [kUserBase, kUserTop), every page mapped there, and the root.
  void destroy_user();
  void activate() const;                // this hart: satp + sfence.vma
  u64 root() const { return root_; }

 private:
  PageTable(u64 root, const PageSource& source) : root_(root), source_(source) {}
  Result<u64*> walk(u64 va, bool create, u32 level) const;
  u64 root_;
  PageSource source_;
};
void flush_tlb_this_hart();
// Flushes [va, va+size) from every started hart's TLB (SBI RFENCE), this one included. Synchronous:
// when it returns, no hart translates through an entry removed before the call.
void flush_tlb_all_harts(u64 va, u64 size);
// The access a trap's page fault was (the address is frame.stval); None for any other trap.
enum class FaultAccess : u32 { None, Read, Write, Execute };
FaultAccess page_fault_access(const TrapFrame& frame);

// ---- User mode ----
// User addresses are [kUserBase, kUserTop): above the identity map and devices (which share the
// low 4 GiB of every address space, unreachable from U-mode), below Sv39's upper half.
inline constexpr u64 kUserBase = 0x1'0000'0000ull;
inline constexpr u64 kUserTop = 0x40'0000'0000ull;
// A frame that enters user mode at `entry` with sp = user_sp and a0 = arg (interrupts on there).
TrapFrame make_user_frame(u64 entry, u64 user_sp, u64 arg);
// Leaves the kernel for user mode; frame must be at the top of the running thread's kernel stack.
extern "C" [[noreturn]] void platform_return_to_user(TrapFrame* frame);
// A user thread's FP registers (f0-f31, fcsr), saved and restored by the scheduler. The frame's
// sstatus.FS says whether the hart's registers hold changes not yet saved (Dirty).
inline constexpr usize kFpStateWords = 33;
inline constexpr u64 kSstatusFsMask = 3ull << 13;
inline constexpr u64 kSstatusFsClean = 2ull << 13;
inline constexpr u64 kSstatusFsDirty = 3ull << 13;
extern "C" void platform_fp_save(u64* area);
extern "C" void platform_fp_restore(const u64* area);

// ---- Shutdown through the virt test device; QEMU exits with `code` ----
[[noreturn]] void shutdown(u32 code);
inline constexpr u32 kExitDeviceTree = 4;   // the status of a boot stopped by a bad device tree
// Reports an unusable device tree on the console and shuts down with kExitDeviceTree.
[[noreturn]] void fail_boot_device_tree(const char* why);

// ---- Stacks and symbols laid out by the linker ----
u64 kernel_image_start();
u64 kernel_image_end();
struct ImageSection { u64 start; u64 end; };
ImageSection kernel_text();
ImageSection kernel_rodata();
ImageSection kernel_data();       // .data, .ksyms and .bss
u64 boot_stack_bottom();
u64 boot_stack_top();

}  // namespace platform

// ---- Implemented by the kernel, called by the platform ----
namespace kernel {
// Entry of the boot hart, on its boot stack with the MMU off, after the device tree was read.
[[noreturn]] void kernel_main();
void on_timer_interrupt();
void on_ipi();
void on_console_input();
// After any interrupt's handler, still in the trap with interrupts off: a preemption point.
void on_interrupt_exit();
// A trap the platform cannot handle itself (an exception in kernel mode). Does not return.
[[noreturn]] void on_kernel_fault(platform::TrapFrame& frame, bool stack_overflow);
// An ecall from user mode; frame.sepc already points past it. Sets the result in frame.x[10].
void on_syscall(platform::TrapFrame& frame);
// A fault in user mode (bad access, illegal instruction, ...): resolved, handed to an exception
// handler, or the process is killed. Returns (to user mode) only if the thread goes on.
void on_user_fault(platform::TrapFrame& frame);
// At a timer interrupt, before its handlers: whether it came from user mode (CPU-time sampling).
void on_cpu_sample(bool from_user);
// Last thing before any return to user mode, interrupts off: a stopped thread stops here.
void on_return_to_user(platform::TrapFrame& frame);
// Entry of every secondary hart, on its boot stack with the MMU off; `arg` as given to start_cpu.
[[noreturn]] void secondary_main(void* arg);
}  // namespace kernel
