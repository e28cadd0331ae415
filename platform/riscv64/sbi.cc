// platform/riscv64/sbi.cc: the ecall wrappers. a7 = extension, a6 = function, a0..a5 = arguments.
#include "sbi.h"

namespace platform::sbi {
namespace {

using koios::u64;

constexpr u64 kExtBase = 0x10;
constexpr u64 kExtTime = 0x54494D45;
constexpr u64 kExtIpi = 0x735049;
constexpr u64 kExtRfence = 0x52464E43;
constexpr u64 kExtHsm = 0x48534D;
constexpr u64 kExtSrst = 0x53525354;

Ret call(u64 ext, u64 fid, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) {
  register u64 r_a0 asm("a0") = a0;
  register u64 r_a1 asm("a1") = a1;
  register u64 r_a2 asm("a2") = a2;
  register u64 r_a3 asm("a3") = a3;
  register u64 r_a6 asm("a6") = fid;
  register u64 r_a7 asm("a7") = ext;
  asm volatile("ecall"
               : "+r"(r_a0), "+r"(r_a1)
               : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
               : "memory");
  return Ret{koios::i64(r_a0), koios::i64(r_a1)};
}

}  // namespace

void console_putchar(char c) {
  register u64 a0 asm("a0") = u64(koios::u8(c));
  register u64 a7 asm("a7") = 0x01;
  asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory", "a1");
}

bool probe(u64 extension) { return call(kExtBase, 3, extension).value != 0; }
Ret set_timer(u64 deadline) { return call(kExtTime, 0, deadline); }
Ret send_ipi(u64 mask, u64 base) { return call(kExtIpi, 0, mask, base); }
Ret remote_sfence_vma(u64 mask, u64 base, u64 start, u64 size) {
  return call(kExtRfence, 1, mask, base, start, size);
}
Ret hart_start(u64 hart_id, u64 start_addr, u64 opaque) {
  return call(kExtHsm, 0, hart_id, start_addr, opaque);
}
Ret hart_status(u64 hart_id) { return call(kExtHsm, 2, hart_id); }

void system_reset_shutdown(bool failure) {
  call(kExtSrst, 0, /*shutdown*/ 0, failure ? 1 : 0);
  for (;;) asm volatile("wfi");
}

}  // namespace platform::sbi
