// tests/user/clock_ns.cc: prints the monotonic clock in ns (clock_get(0)) and a newline: the shell
// benchmarks (bench_shell.scn) take it before and after a loop, `t0=$(clock_ns)`.
#include <cstdio>

#include "syscalls.h"

int main() {
  koios::i64 now = 0;
  if (koios::clock_get(0, &now) != koios::Status::Ok) return 1;
  std::printf("%lld\n", static_cast<long long>(now));
  return 0;
}
