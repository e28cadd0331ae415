// platform/riscv64/plic.cc: the RISC-V PLIC. Only the console UART's interrupt is routed so far,
// to the S-mode context of the hart that reads the console.
#include "machine.h"

namespace platform {
namespace {

constexpr u64 kPriorityBase = 0x0;
constexpr u64 kEnableBase = 0x2000, kEnableStride = 0x80;
constexpr u64 kContextBase = 0x200000, kContextStride = 0x1000;
constexpr u64 kThreshold = 0x0, kClaim = 0x4;

u64 base() { return g_boot_info.plic_base; }

u32 my_context() {
  u32 cpu = this_cpu_index();
  return cpu < kMaxCpus ? g_boot_info.plic_s_context[cpu] : ~0u;
}

}  // namespace

void plic_init() {
  if (base() == 0 || g_boot_info.uart_irq == 0) return;
  *mmio32(base() + kPriorityBase + 4 * g_boot_info.uart_irq) = 1;
}

void plic_init_this_hart(bool route_console_irq_here) {
  u32 ctx = my_context();
  if (base() == 0 || ctx == ~0u) return;
  u32 irq = g_boot_info.uart_irq;
  volatile u32* enable = mmio32(base() + kEnableBase + kEnableStride * ctx + 4 * (irq / 32));
  if (route_console_irq_here)
    *enable = *enable | (1u << (irq % 32));
  else
    *enable = *enable & ~(1u << (irq % 32));
  *mmio32(base() + kContextBase + kContextStride * ctx + kThreshold) = 0;
}

void plic_handle_irq() {
  u32 ctx = my_context();
  if (base() == 0 || ctx == ~0u) return;
  volatile u32* claim = mmio32(base() + kContextBase + kContextStride * ctx + kClaim);
  for (;;) {
    u32 irq = *claim;
    if (irq == 0) break;
    if (irq == g_boot_info.uart_irq) uart_handle_irq();
    *claim = irq;  // complete
  }
}

}  // namespace platform
