// kernel/lib/panic.h: stopping the machine on a kernel bug. Prints the message, the registers,
// scause/stval/sepc and a symbolized backtrace, then exits QEMU with kExitPanic. Never reachable
// from user space: user faults become exception messages (kernel-objects issue).
#pragma once

#include "koios/types.h"
#include "platform/trap_frame.h"

namespace kernel {

inline constexpr koios::u32 kExitSelftestFailed = 1;
inline constexpr koios::u32 kExitPanic = 3;

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Name and offset of the function containing pc, from the symbol table linked into the image.
// False when pc is outside every known function.
bool symbolize(koios::u64 pc, const char** name, koios::u64* offset);
// Prints "backtrace:" and one line per frame, walking frame pointers from (pc, fp).
void print_backtrace(koios::u64 pc, koios::u64 fp);

#define KERNEL_ASSERT(cond)                                                             \
  do {                                                                                  \
    if (!(cond)) ::kernel::panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
  } while (0)

}  // namespace kernel
