// tests/unit/kernel/bootargs_test.cc: the kernel command line.
#include <catch2/catch.hpp>

#include <string>

#include "kernel/lib/bootargs.h"

TEST_CASE("key=value words are found by key", "[bootargs]") {
  kernel::BootArgs args("  fault=panic selftest.break=pmm,heap quiet ");
  char out[32];
  REQUIRE(args.get("selftest.break", out, sizeof out));
  CHECK(std::string(out) == "pmm,heap");
  CHECK(args.has("fault", "panic"));
  CHECK_FALSE(args.has("fault", "pan"));
  CHECK(args.has("quiet"));
  CHECK_FALSE(args.has("fault"));  // not a bare word
  CHECK_FALSE(args.get("faul", out, sizeof out));
}

TEST_CASE("a value too long for the buffer is not returned", "[bootargs]") {
  kernel::BootArgs args("name=0123456789");
  char small[5];
  CHECK_FALSE(args.get("name", small, sizeof small));
  char exact[11];
  CHECK(args.get("name", exact, sizeof exact));
}

TEST_CASE("an empty command line has nothing", "[bootargs]") {
  kernel::BootArgs args("");
  char out[8];
  CHECK_FALSE(args.get("a", out, sizeof out));
  CHECK_FALSE(args.has("a"));
}
