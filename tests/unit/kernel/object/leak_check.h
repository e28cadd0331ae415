// tests/unit/kernel/object/leak_check.h: declare one at the top of a test case; when the case
// ends, as many kernel objects are alive as when it began.
#pragma once

#include <catch2/catch.hpp>

#include "kernel/object/object.h"

struct LeakCheck {
  koios::u64 start = kernel::KernelObject::live_count();
  ~LeakCheck() { CHECK(kernel::KernelObject::live_count() == start); }
};
