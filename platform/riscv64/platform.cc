// platform/riscv64/platform.cc: boot hand-over from OpenSBI, harts, time, interrupts, trap
// dispatch and shutdown: the machine-facing half of platform.h.
#include "asm_offsets.h"
#include "csr.h"
#include "machine.h"
#include "sbi.h"

extern "C" char __image_start[], __image_end[], __text_start[], __text_end[];
extern "C" char __rodata_start[], __rodata_end[], __data_start[], __bss_end[];
extern "C" char __boot_stack_bottom[], __boot_stack_top[];
extern "C" void kernel_trap_vector();
extern "C" void secondary_entry();
extern "C" void platform_thread_trampoline();

namespace platform {

BootInfo g_boot_info;
u32 g_boot_cpu;

namespace {

// QEMU virt's test device, used only when the device tree itself is unusable: without it a
// failed boot could not report a failure status (SBI SRST exits QEMU with 0).
constexpr u64 kFallbackTestDevice = 0x100000;
constexpr u64 kMaxDeviceTreeBytes = 2ull << 20;

void early_print(const char* s) {
  for (; *s; ++s) {
    if (*s == '\n') uart_putc('\r');
    uart_putc(*s);
  }
}

koios::u32 be32(const void* p) {
  auto b = static_cast<const koios::u8*>(p);
  return u32(b[0]) << 24 | u32(b[1]) << 16 | u32(b[2]) << 8 | u32(b[3]);
}

}  // namespace

const BootInfo& boot_info() { return g_boot_info; }

void fail_boot_device_tree(const char* why) {
  early_print("KOIOS boot failed: ");
  early_print(why != nullptr ? why : "device tree: unreadable");
  early_print("\n");
  shutdown(kExitDeviceTree);
}

u32 this_cpu_index() {
  auto* hart = static_cast<const koios::u8*>(this_hart());
  if (hart == nullptr) return g_boot_cpu;
  return *reinterpret_cast<const u32*>(hart + PER_HART_CPU);
}

// ---- Time ----
u64 time_ticks() { return csr::read_time(); }
u64 ticks_to_ns(u64 ticks) {
  u64 hz = g_boot_info.timebase_hz;
  return (ticks / hz) * 1'000'000'000ull + (ticks % hz) * 1'000'000'000ull / hz;
}
u64 ns_to_ticks(u64 ns) {
  u64 hz = g_boot_info.timebase_hz;
  return (ns / 1'000'000'000ull) * hz + (ns % 1'000'000'000ull) * hz / 1'000'000'000ull;
}
void timer_arm(u64 deadline_ticks) {
  if (deadline_ticks == ~0ull) {
    // Disarm by masking rather than by a far-future deadline: under -icount with sleep=off,
    // QEMU warps an idle machine's clock straight to the next deadline, however far away.
    csr::clear_sie(csr::kSieStie);
    return;
  }
  sbi::set_timer(deadline_ticks);
  csr::set_sie(csr::kSieStie);
}

// ---- Harts ----
u32 cpu_count() { return g_boot_info.cpu_count; }
u64 hart_id_of(u32 cpu) { return cpu < g_boot_info.cpu_count ? g_boot_info.hart_ids[cpu] : ~0ull; }
u32 boot_cpu() { return g_boot_cpu; }

Status start_cpu(u32 cpu, void* arg) {
  if (cpu >= g_boot_info.cpu_count || cpu == g_boot_cpu) return Status::InvalidArgs;
  auto ret = sbi::hart_start(g_boot_info.hart_ids[cpu], reinterpret_cast<u64>(&secondary_entry),
                             reinterpret_cast<u64>(arg));
  return ret.error == 0 ? Status::Ok : Status::IoError;
}

bool cpu_stopped(u32 cpu) {
  if (cpu >= g_boot_info.cpu_count) return false;
  auto ret = sbi::hart_status(g_boot_info.hart_ids[cpu]);
  return ret.error == 0 && ret.value == 1;  // SBI HSM: 1 = STOPPED
}

void send_ipi(u32 cpu) {
  if (cpu < g_boot_info.cpu_count) sbi::send_ipi(1, g_boot_info.hart_ids[cpu]);
}
void clear_ipi() { csr::clear_sip(csr::kSieSsie); }

Context Context::for_new_thread(u64 stack_top, void (*start)(void*), void* arg) {
  Context c{};
  c.ra = reinterpret_cast<u64>(&platform_thread_trampoline);
  c.sp = stack_top;
  c.s[1] = reinterpret_cast<u64>(start);
  c.s[2] = reinterpret_cast<u64>(arg);
  return c;
}

void flush_tlb_all_harts(u64 va, u64 size) {
  // One RFENCE per call with a mask over all harts: hart ids may be sparse, so a mask word is
  // built from the lowest id upward (ids more than 63 above it are fenced one by one).
  u64 base = ~0ull;
  for (u32 c = 0; c < g_boot_info.cpu_count; ++c) base = g_boot_info.hart_ids[c] < base ? g_boot_info.hart_ids[c] : base;
  u64 mask = 0;
  for (u32 c = 0; c < g_boot_info.cpu_count; ++c) {
    u64 id = g_boot_info.hart_ids[c];
    if (id - base < 64) mask |= 1ull << (id - base);
    else sbi::remote_sfence_vma(1, id, va, size);
  }
  sbi::remote_sfence_vma(mask, base, va, size);
}

void set_this_hart(void* per_hart) { asm volatile("mv tp, %0" ::"r"(per_hart)); }

// ---- Interrupts ----
static_assert(csr::kSstatusSie == 2, "platform.h's inline interrupt control uses bit 1");

void trap_init_this_hart(bool route_console_irq_here) {
  csr::write_stvec(reinterpret_cast<u64>(&kernel_trap_vector));
  csr::clear_sstatus(csr::kSstatusFs);  // the kernel uses no FP: any use traps
  plic_init_this_hart(route_console_irq_here);
  if (route_console_irq_here) uart_enable_rx_irq();
  csr::write_sie(csr::kSieSsie | csr::kSieSeie);  // timer: enabled by timer_arm when a deadline exists
}

// ---- Shutdown ----
void shutdown(u32 code) {
  interrupts_disable();
  u64 device = g_boot_info.test_device_base != 0 ? g_boot_info.test_device_base : kFallbackTestDevice;
  // sifive,test0: 0x5555 = pass (exit 0); (code << 16) | 0x3333 = fail with that exit code.
  *mmio32(device) = code == 0 ? 0x5555u : ((code & 0xffffu) << 16) | 0x3333u;
  for (;;) wait_for_interrupt();
}

// ---- Linker-provided layout ----
u64 kernel_image_start() { return reinterpret_cast<u64>(__image_start); }
u64 kernel_image_end() { return reinterpret_cast<u64>(__image_end); }
ImageSection kernel_text() { return {u64(__text_start), u64(__text_end)}; }
ImageSection kernel_rodata() { return {u64(__rodata_start), u64(__rodata_end)}; }
ImageSection kernel_data() { return {u64(__data_start), u64(__image_end)}; }
u64 boot_stack_bottom() { return reinterpret_cast<u64>(__boot_stack_bottom); }
u64 boot_stack_top() { return reinterpret_cast<u64>(__boot_stack_top); }

const char* trap_cause_name(u64 scause) {
  if (scause & csr::kInterruptBit) {
    switch (scause & 0xff) {
      case 1: return "supervisor software interrupt";
      case 5: return "supervisor timer interrupt";
      case 9: return "supervisor external interrupt";
      default: return "unknown interrupt";
    }
  }
  switch (scause) {
    case 0: return "instruction address misaligned";
    case 1: return "instruction access fault";
    case 2: return "illegal instruction";
    case 3: return "breakpoint";
    case 4: return "load address misaligned";
    case 5: return "load access fault";
    case 6: return "store/AMO address misaligned";
    case 7: return "store/AMO access fault";
    case 8: return "environment call from U-mode";
    case 9: return "environment call from S-mode";
    case 12: return "instruction page fault";
    case 13: return "load page fault";
    case 15: return "store/AMO page fault";
    default: return "unknown exception";
  }
}

}  // namespace platform

using namespace platform;

extern "C" void platform_trap(TrapFrame* frame, bool stack_overflow) {
  if (stack_overflow) kernel::on_kernel_fault(*frame, true);
  if (frame->scause & csr::kInterruptBit) {
    switch (frame->scause & 0xff) {
      case 1:
        clear_ipi();
        kernel::on_ipi();
        kernel::on_interrupt_exit();
        return;
      case 5:
        timer_arm(~0ull);  // one-shot: the kernel re-arms for its next deadline
        kernel::on_cpu_sample(false);
        kernel::on_timer_interrupt();
        kernel::on_interrupt_exit();
        return;
      case 9:
        plic_handle_irq();
        kernel::on_console_input();
        kernel::on_interrupt_exit();
        return;
      default:
        break;
    }
  }
  kernel::on_kernel_fault(*frame, false);
}

TrapFrame platform::make_user_frame(u64 entry, u64 user_sp, u64 arg) {
  TrapFrame f{};
  f.sepc = entry;
  f.x[2] = user_sp;
  f.x[10] = arg;
  // U-mode (SPP = 0), interrupts on there (SPIE), FP on with clean registers (FS = Initial: the
  // scheduler zeroes them before the thread first runs), no kernel access to user pages (SUM = 0).
  u64 s = csr::read_sstatus();
  s &= ~(csr::kSstatusSpp | csr::kSstatusSie | csr::kSstatusFs | csr::kSstatusSum);
  s |= csr::kSstatusSpie | (1ull << 13);
  f.sstatus = s;
  return f;
}

// Every trap taken in user mode, from trap.S on the thread's kernel stack.
extern "C" void platform_user_trap(TrapFrame* frame) {
  if (frame->scause & csr::kInterruptBit) {
    switch (frame->scause & 0xff) {
      case 1:
        clear_ipi();
        kernel::on_ipi();
        break;
      case 5:
        timer_arm(~0ull);
        kernel::on_cpu_sample(true);
        kernel::on_timer_interrupt();
        break;
      case 9:
        plic_handle_irq();
        kernel::on_console_input();
        break;
      default:
        break;
    }
    kernel::on_interrupt_exit();
  } else if (frame->scause == 8) {  // ecall from U-mode
    frame->sepc += 4;
    interrupts_enable();     // a syscall may block or take long: stay preemptible
    kernel::on_syscall(*frame);
    interrupts_disable();
  } else {
    kernel::on_user_fault(*frame);
  }
  kernel::on_return_to_user(*frame);
}

// The boot hart, from entry.S: a0 = hart id, a1 = device tree.
extern "C" [[noreturn]] void platform_boot(u64 hart_id, const void* dtb) {
  csr::write_stvec(reinterpret_cast<u64>(&kernel_trap_vector));
  const char* why = nullptr;
  usize available = 0;
  if (dtb != nullptr && (reinterpret_cast<koios::uptr>(dtb) & 3) == 0) {
    available = be32(static_cast<const koios::u8*>(dtb) + 4);
    if (available > kMaxDeviceTreeBytes) available = kMaxDeviceTreeBytes;
  }
  auto parsed = parse_device_tree(dtb, available, &why);
  if (!parsed.ok()) fail_boot_device_tree(why);
  g_boot_info = parsed.value();
  g_boot_cpu = ~0u;
  for (u32 c = 0; c < g_boot_info.cpu_count; ++c)
    if (g_boot_info.hart_ids[c] == hart_id) g_boot_cpu = c;
  if (g_boot_cpu == ~0u) fail_boot_device_tree("device tree: the boot hart is not among the enabled cpus");
  uart_init();
  plic_init();
  kernel::kernel_main();
}

extern "C" [[noreturn]] void platform_secondary_boot(void* per_hart) {
  csr::write_stvec(reinterpret_cast<u64>(&kernel_trap_vector));
  kernel::secondary_main(per_hart);
}
