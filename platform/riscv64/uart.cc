// platform/riscv64/uart.cc: the ns16550a console. Output is polled; input is interrupt driven
// into a ring buffer. When the ring is full we stop taking bytes from the UART (receive interrupt
// off) rather than drop them: QEMU then stops reading its own input, so nothing piped in is lost.
#include <atomic>

#include "csr.h"
#include "machine.h"
#include "sbi.h"

namespace platform {
namespace {

constexpr u64 kRbr = 0, kThr = 0, kIer = 1, kLcr = 3, kMcr = 4, kLsr = 5;
constexpr koios::u8 kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kIerRxAvailable = 0x01;
constexpr usize kRxCapacity = 4096;  // a power of two

struct RxRing {
  char bytes[kRxCapacity];
  usize head = 0;  // next to read
  usize tail = 0;  // next to write
  bool paused = false;
  usize interrupts = 0;  // kConsoleInterruptChar bytes between head and tail
  usize size() const { return tail - head; }
};

RxRing g_rx;
// Serialises output lines across harts at the byte level; the kernel log holds its own lock.
std::atomic<u32> g_tx_lock{0};
SpinLock g_rx_lock;

u64 uart_base() { return g_boot_info.uart_base; }

}  // namespace

void uart_init() {
  if (uart_base() == 0) return;
  *mmio8(uart_base() + kIer) = 0;
  // FCR is left as the firmware set it: QEMU empties its FIFOs whenever the enable bit changes,
  // and bytes typed or piped in before boot must survive.
  *mmio8(uart_base() + kLcr) = 0x03;  // 8 data bits, no parity, 1 stop bit
  *mmio8(uart_base() + kMcr) = 0x0b;  // DTR, RTS, OUT2 (gates the interrupt on real 16550s)
}

void uart_enable_rx_irq() {
  if (uart_base() != 0) *mmio8(uart_base() + kIer) = kIerRxAvailable;
}

void uart_putc(char c) {
  if (uart_base() == 0) {
    sbi::console_putchar(c);
    return;
  }
  while ((*mmio8(uart_base() + kLsr) & kLsrThrEmpty) == 0) {
  }
  *mmio8(uart_base() + kThr) = koios::u8(c);
}

void console_write(const char* text, usize length) {
  bool irq = interrupts_disable();
  while (g_tx_lock.exchange(1, std::memory_order_acquire) != 0) {
  }
  for (usize i = 0; i < length; ++i) {
    if (text[i] == '\n') uart_putc('\r');
    uart_putc(text[i]);
  }
  g_tx_lock.store(0, std::memory_order_release);
  interrupts_restore(irq);
}

void uart_handle_irq() {
  SpinLockGuard guard(g_rx_lock);
  while (g_rx.size() < kRxCapacity && (*mmio8(uart_base() + kLsr) & kLsrDataReady) != 0) {
    char c = char(*mmio8(uart_base() + kRbr));
    g_rx.bytes[g_rx.tail % kRxCapacity] = c;
    ++g_rx.tail;
    if (c == kConsoleInterruptChar) ++g_rx.interrupts;
  }
  if (g_rx.size() == kRxCapacity && !g_rx.paused) {
    // Full: leave further bytes in the UART (and in QEMU) until the reader catches up.
    g_rx.paused = true;
    *mmio8(uart_base() + kIer) = 0;
  }
}

int console_read_byte() {
  SpinLockGuard guard(g_rx_lock);
  if (g_rx.size() == 0) return -1;
  char c = g_rx.bytes[g_rx.head % kRxCapacity];
  ++g_rx.head;
  if (c == kConsoleInterruptChar) --g_rx.interrupts;
  if (g_rx.paused && g_rx.size() <= kRxCapacity / 2) {
    g_rx.paused = false;
    *mmio8(uart_base() + kIer) = kIerRxAvailable;  // raises the interrupt again if bytes wait
  }
  return koios::u8(c);
}

bool console_input_pending() {
  SpinLockGuard guard(g_rx_lock);
  return g_rx.size() != 0;
}

bool console_interrupt_pending() {
  SpinLockGuard guard(g_rx_lock);
  return g_rx.interrupts != 0;
}

}  // namespace platform
