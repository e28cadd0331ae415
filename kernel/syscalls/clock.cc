// kernel/syscalls/clock.cc: the clock_* handlers.
#include "kernel/syscalls/dispatch.h"
#include "platform/platform.h"

namespace kernel {

namespace {
constexpr koios::u32 kClockMonotonic = 0;
}

koios::Status sys_clock_get(koios::u32 clock_id, UserPtr<koios::i64> out) {
  if (clock_id != kClockMonotonic) return koios::Status::InvalidArgs;
  koios::i64 now = static_cast<koios::i64>(platform::now_ns());
  return out.copy_out(&now);
}

}  // namespace kernel
