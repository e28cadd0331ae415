// tests/unit/kernel/format_test.cc: kernel::format against the C library's snprintf.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "kernel/lib/format.h"

namespace {
template <typename... Args>
void same_as_libc(const char* fmt, Args... args) {
  char ours[128], theirs[128];
  auto n = kernel::format(ours, sizeof ours, fmt, args...);
  int m = std::snprintf(theirs, sizeof theirs, fmt, args...);
  INFO(fmt);
  CHECK(std::string(ours) == std::string(theirs));
  CHECK(n == static_cast<std::size_t>(m));
}
}  // namespace

TEST_CASE("integers match printf", "[format]") {
  same_as_libc("%d %i %u", -5, 0, 42u);
  same_as_libc("%ld %lu %lld %llu", -1234567890123L, 99UL, -1LL, ~0ULL);
  same_as_libc("%x %X %o %#x %#o", 0xbeefu, 0xbeefu, 8u, 255u, 8u);
  same_as_libc("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
  same_as_libc("%016lx %zu %hhu %hd", 0x1234UL, std::size_t(77), 300, 70000);
  same_as_libc("%d", -2147483647 - 1);
  same_as_libc("%lld", -9223372036854775807LL - 1);
}

TEST_CASE("strings, characters and percent match printf", "[format]") {
  same_as_libc("%s|%10s|%-10s|%.3s|%c|%%", "abc", "right", "left", "truncate", 'q');
  same_as_libc("%*d|%-*d", 6, 1, 6, 2);
}

TEST_CASE("output is cut to the buffer but the full length is returned", "[format]") {
  char buf[8];
  CHECK(kernel::format(buf, sizeof buf, "%s", "0123456789") == 10);
  CHECK(std::string(buf) == "0123456");
  CHECK(kernel::format(nullptr, 0, "%d", 12345) == 5);
  char one[1];
  CHECK(kernel::format(one, 1, "abc") == 3);
  CHECK(one[0] == 0);
}

TEST_CASE("a null string prints (null) and unknown conversions print verbatim", "[format]") {
  char buf[32];
  kernel::format(buf, sizeof buf, "%s", static_cast<const char*>(nullptr));
  CHECK(std::string(buf) == "(null)");
  // %q is not a conversion: it is echoed so the mistake is visible, and the varargs stay in step.
  // The formats are not literals so that the compiler's own format check lets them through.
  const char* unknown = "a%qb%d";
  const char* dangling = "end%";
  kernel::format(buf, sizeof buf, unknown, 7);
  CHECK(std::string(buf) == "a%qb7");
  kernel::format(buf, sizeof buf, dangling, 0);  // an argument: -Wformat-security wants one
  CHECK(std::string(buf) == "end%");
}
