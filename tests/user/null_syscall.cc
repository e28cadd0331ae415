// tests/user/null_syscall.cc: the null_syscall benchmark: the cost of entering and leaving the
// kernel for a syscall that does nothing (Linux's reference uses getpid).
#include "user_lib.h"

extern "C" int main(koios::u64 iterations) {
  if (iterations == 0) iterations = 100000;
  koios::i64 start = 0, end = 0;
  koios::clock_get(0, &start);
  for (koios::u64 i = 0; i < iterations; ++i) koios::debug_null();
  koios::clock_get(0, &end);
  char line[96], number[32];
  koios::usize n = 0;
  for (const char* p = "BENCH null_syscall "; *p; ++p) line[n++] = *p;
  for (const char* p = user::with_number(number, "", koios::i64(iterations)); *p; ++p) line[n++] = *p;
  line[n++] = ' ';
  // ns per op with one decimal, as the Linux reference prints it
  koios::i64 tenths = (end - start) * 10 / koios::i64(iterations);
  for (const char* p = user::with_number(number, "", tenths / 10); *p; ++p) line[n++] = *p;
  line[n++] = '.';
  line[n++] = char('0' + tenths % 10);
  koios::debug_write(line, n);
  return 0;
}
