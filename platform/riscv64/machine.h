// platform/riscv64/machine.h: state and helpers shared by the files of platform/riscv64 only.
#pragma once

#include "platform/platform.h"

namespace platform {

// The machine as the device tree described it; written once by platform_boot on the boot hart
// before any other hart starts, read-only afterwards.
extern BootInfo g_boot_info;
extern u32 g_boot_cpu;

inline volatile koios::u8* mmio8(u64 addr) { return reinterpret_cast<volatile koios::u8*>(addr); }
inline volatile u32* mmio32(u64 addr) { return reinterpret_cast<volatile u32*>(addr); }

u32 this_cpu_index();               // from the hart id the kernel stored at start-up
void uart_init();
void uart_putc(char c);
void uart_handle_irq();
void uart_enable_rx_irq();
void plic_init();
void plic_init_this_hart(bool route_console_irq_here);
void plic_handle_irq();

}  // namespace platform
