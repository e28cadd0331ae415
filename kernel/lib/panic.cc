// kernel/lib/panic.cc
#include "kernel/lib/panic.h"

#include <atomic>
#include <cstdarg>

#include "kernel/lib/ksyms.h"
#include "kernel/lib/log.h"
#include "kernel/sched/per_hart.h"
#include "platform/platform.h"

namespace kernel {
namespace {

using koios::u64;

std::atomic<int> g_panicking{0};
constexpr int kMaxFrames = 24;

const char* const kRegNames[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                                   "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                   "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

// A frame-pointer walk must only read memory that is certainly mapped: one of the stacks below.
bool on_known_stack(u64 lo_addr, u64 hi_addr) {
  auto inside = [&](u64 lo, u64 hi) { return lo < hi && lo_addr >= lo && hi_addr <= hi; };
  if (inside(platform::boot_stack_bottom(), platform::boot_stack_top())) return true;
  for (koios::u32 c = 0; c < platform::cpu_count(); ++c) {
    PerHart& h = hart(c);
    if (inside(h.stack_low, h.stack_top)) return true;
    if (inside(h.emergency_low, h.emergency_top)) return true;
    if (h.boot_stack_top != 0 && inside(h.boot_stack_top - 8192, h.boot_stack_top)) return true;
  }
  return false;
}

void print_frame(int index, u64 pc) {
  const char* name;
  u64 offset;
  if (symbolize(pc, &name, &offset))
    print("  #%d 0x%016lx %s+0x%lx\n", index, pc, name, offset);
  else
    print("  #%d 0x%016lx ?\n", index, pc);
}

[[noreturn]] void stop_other_report() {
  // Another hart is already reporting a panic; let it finish and shut the machine down.
  platform::interrupts_disable();
  for (;;) platform::wait_for_interrupt();
}

void vpanic_header(const char* fmt, va_list args) {
  print("\nKERNEL PANIC: ");
  vprint(fmt, args);
  print("\n  on hart %lu at %lu ns since reset\n", static_cast<unsigned long>(current_hart_id()),
        static_cast<unsigned long>(platform::now_ns()));
}

void print_registers(const platform::TrapFrame& frame) {
  print("scause=0x%016lx stval=0x%016lx sepc=0x%016lx sstatus=0x%016lx\n", frame.scause, frame.stval,
        frame.sepc, frame.sstatus);
  for (int i = 1; i < 32; ++i)
    print("%4s=%016lx%s", kRegNames[i], frame.x[i], (i % 4 == 0 || i == 31) ? "\n" : "  ");
}

// The registers at the call, for a panic that no trap caused; the CSRs are whatever the last
// trap on this hart left in them, and sepc is set to the panic site.
[[gnu::noinline]] void capture_registers(platform::TrapFrame* f) {
  asm volatile(
      "sd x1, 8(%0)\n sd x2, 16(%0)\n sd x3, 24(%0)\n sd x4, 32(%0)\n sd x5, 40(%0)\n"
      "sd x6, 48(%0)\n sd x7, 56(%0)\n sd x8, 64(%0)\n sd x9, 72(%0)\n sd x10, 80(%0)\n"
      "sd x11, 88(%0)\n sd x12, 96(%0)\n sd x13, 104(%0)\n sd x14, 112(%0)\n sd x15, 120(%0)\n"
      "sd x16, 128(%0)\n sd x17, 136(%0)\n sd x18, 144(%0)\n sd x19, 152(%0)\n sd x20, 160(%0)\n"
      "sd x21, 168(%0)\n sd x22, 176(%0)\n sd x23, 184(%0)\n sd x24, 192(%0)\n sd x25, 200(%0)\n"
      "sd x26, 208(%0)\n sd x27, 216(%0)\n sd x28, 224(%0)\n sd x29, 232(%0)\n sd x30, 240(%0)\n"
      "sd x31, 248(%0)\n"
      "csrr t0, scause\n sd t0, 272(%0)\n csrr t0, stval\n sd t0, 280(%0)\n"
      "csrr t0, sstatus\n sd t0, 264(%0)\n"
      :
      : "r"(f)
      : "t0", "memory");
  f->x[0] = 0;
}

}  // namespace

bool symbolize(u64 pc, const char** name, u64* offset) {
  u64 lo = 0, hi = ksyms_count;
  while (lo < hi) {  // last symbol whose address <= pc
    u64 mid = (lo + hi) / 2;
    if (ksyms_table[mid].address <= pc) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return false;
  const KernelSymbol& s = ksyms_table[lo - 1];
  if (s.size != 0 && pc >= s.address + s.size) return false;
  *name = ksyms_names + s.name_offset;
  *offset = pc - s.address;
  return true;
}

void print_backtrace(u64 pc, u64 fp) {
  print("backtrace:\n");
  print_frame(0, pc);
  // RISC-V frame layout with -fno-omit-frame-pointer: fp is the caller's sp at entry; the return
  // address is at fp-8 and the caller's fp at fp-16.
  for (int i = 1; i < kMaxFrames; ++i) {
    if (fp == 0 || (fp & 7) != 0 || !on_known_stack(fp - 16, fp)) return;
    u64 ra = *reinterpret_cast<u64*>(fp - 8);
    u64 next = *reinterpret_cast<u64*>(fp - 16);
    if (ra == 0) return;
    print_frame(i, ra - 4);  // the call instruction, not the one after it
    if (next <= fp) {
      if (next != 0) print("  (frame chain ends: fp does not grow)\n");
      return;
    }
    fp = next;
  }
  print("  ... (more frames)\n");
}

void panic(const char* fmt, ...) {
  platform::interrupts_disable();
  if (g_panicking.fetch_add(1) != 0) stop_other_report();
  va_list args;
  va_start(args, fmt);
  vpanic_header(fmt, args);
  va_end(args);
  u64 pc;
  asm volatile("auipc %0, 0" : "=r"(pc));
  platform::TrapFrame frame;
  capture_registers(&frame);
  frame.sepc = pc;
  print_registers(frame);
  print_backtrace(pc, reinterpret_cast<u64>(__builtin_frame_address(0)));
  platform::shutdown(kExitPanic);
}

void on_kernel_fault(platform::TrapFrame& frame, bool stack_overflow) {
  platform::interrupts_disable();
  if (g_panicking.fetch_add(1) != 0) stop_other_report();
  if (stack_overflow) {
    PerHart& h = this_hart();
    print("\nKERNEL PANIC: kernel stack overflow on hart %lu (sp=0x%lx, stack 0x%lx-0x%lx, guard page below)\n",
          static_cast<unsigned long>(h.hart_id), static_cast<unsigned long>(h.fault_sp),
          static_cast<unsigned long>(h.stack_low), static_cast<unsigned long>(h.stack_top));
  } else {
    print("\nKERNEL PANIC: unexpected %s in the kernel on hart %lu\n", platform::trap_cause_name(frame.scause),
          static_cast<unsigned long>(current_hart_id()));
  }
  print_registers(frame);
  print_backtrace(frame.sepc, frame.fp());
  platform::shutdown(kExitPanic);
}

}  // namespace kernel
