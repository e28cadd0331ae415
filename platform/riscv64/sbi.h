// platform/riscv64/sbi.h: calls into OpenSBI (SBI spec v1.0). Private to platform/riscv64.
#pragma once

#include "koios/types.h"

namespace platform::sbi {

struct Ret {
  koios::i64 error;   // 0 = SBI_SUCCESS; negative SBI error codes otherwise
  koios::i64 value;
};

void console_putchar(char c);                       // legacy extension 0x01: before the UART is known
bool probe(koios::u64 extension);
Ret set_timer(koios::u64 deadline);                 // TIME
Ret send_ipi(koios::u64 hart_mask, koios::u64 hart_mask_base);          // IPI
Ret remote_sfence_vma(koios::u64 hart_mask, koios::u64 hart_mask_base,  // RFENCE
                      koios::u64 start, koios::u64 size);
Ret hart_start(koios::u64 hart_id, koios::u64 start_addr, koios::u64 opaque);  // HSM
Ret hart_status(koios::u64 hart_id);
[[noreturn]] void system_reset_shutdown(bool failure);                 // SRST

}  // namespace platform::sbi
