// platform/riscv64/csr.h: CSR access and bit names; private to platform/riscv64.
#pragma once

#include "koios/types.h"

namespace platform::csr {

#define KOIOS_CSR_READ(name)                          \
  inline koios::u64 read_##name() {                   \
    koios::u64 v;                                     \
    asm volatile("csrr %0, " #name : "=r"(v));        \
    return v;                                         \
  }                                                   \
  inline void write_##name(koios::u64 v) { asm volatile("csrw " #name ", %0" ::"r"(v)); } \
  inline void set_##name(koios::u64 v) { asm volatile("csrs " #name ", %0" ::"r"(v)); }   \
  inline void clear_##name(koios::u64 v) { asm volatile("csrc " #name ", %0" ::"r"(v)); }
KOIOS_CSR_READ(sstatus)
KOIOS_CSR_READ(sie)
KOIOS_CSR_READ(sip)
KOIOS_CSR_READ(stvec)
KOIOS_CSR_READ(satp)
KOIOS_CSR_READ(sscratch)
#undef KOIOS_CSR_READ

inline koios::u64 read_time() {
  koios::u64 v;
  asm volatile("rdtime %0" : "=r"(v));
  return v;
}

inline constexpr koios::u64 kSstatusSie = 1ull << 1;
inline constexpr koios::u64 kSstatusSpie = 1ull << 5;
inline constexpr koios::u64 kSstatusSpp = 1ull << 8;
inline constexpr koios::u64 kSstatusFs = 3ull << 13;
inline constexpr koios::u64 kSstatusSum = 1ull << 18;
inline constexpr koios::u64 kSieSsie = 1ull << 1;   // software (IPI)
inline constexpr koios::u64 kSieStie = 1ull << 5;   // timer
inline constexpr koios::u64 kSieSeie = 1ull << 9;   // external (PLIC)
inline constexpr koios::u64 kInterruptBit = 1ull << 63;

}  // namespace platform::csr
