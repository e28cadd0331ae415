// tests/user/null_syscall.cc: the null_syscall benchmark: the cost of entering and leaving the
// kernel for a syscall that does nothing (Linux's reference uses getpid).
#include "user_lib.h"

extern "C" int main(koios::u64 iterations) {
  if (iterations == 0) iterations = 100000;
  koios::i64 start = 0, end = 0;
  koios::clock_get(0, &start);
  for (koios::u64 i = 0; i < iterations; ++i) koios::debug_null();
  koios::clock_get(0, &end);
  user::report_bench("null_syscall", iterations, end - start);
  return 0;
}
