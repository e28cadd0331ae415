// tests/user/hello.cc: the first user program: prints through picolibc's printf, reads the clock,
// and checks that bad pointers are refused with a status (the kernel must not fault on them).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "syscalls.h"

extern "C" int main() {
  std::printf("hello from user space\n");
  // Formatting, malloc and a string function, all picolibc's.
  char* copy = static_cast<char*>(std::malloc(16));
  if (copy == nullptr) return 9;
  std::strcpy(copy, "koios");
  std::printf("hello: printf %d %s %x %05u %-3c|\n", -42, copy, 0xbeefu, 7u, 'k');
  std::printf("hello: floating point %.3f %g\n", 3.14159, 0.5e-3);
  std::free(copy);
  koios::i64 t0 = 0, t1 = 0;
  if (koios::clock_get(0, &t0) != koios::Status::Ok || koios::clock_get(0, &t1) != koios::Status::Ok || t1 < t0)
    return 1;
  if (koios::clock_get(99, &t0) != koios::Status::InvalidArgs) return 2;
  // Kernel addresses, unmapped user addresses and read-only pages as buffers: statuses, not faults.
  if (koios::debug_write(reinterpret_cast<const char*>(0x80200000), 4) != koios::Status::InvalidArgs) return 3;
  if (koios::debug_write(reinterpret_cast<const char*>(0x2000000000), 4) != koios::Status::NotFound) return 4;
  if (koios::clock_get(0, reinterpret_cast<koios::i64*>(&main)) != koios::Status::AccessDenied) return 5;
  if (koios::debug_write("x", 100000) != koios::Status::OutOfRange) return 6;
  if (koios::debug_null() != koios::Status::Ok) return 8;
  std::printf("bad pointers refused\n");
  return 7;
}
