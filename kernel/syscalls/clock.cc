// kernel/syscalls/clock.cc: the clock_* handlers.
#include "kernel/sched/blocking.h"
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

// Sleeps on the thread's own timer; nothing else wakes it but task_suspend/kill (Interrupted).
koios::Status sys_clock_nanosleep(koios::i64 deadline) {
  return block_while_not(deadline_ns(deadline), [] { return false; }) == koios::Status::TimedOut
             ? koios::Status::Ok
             : koios::Status::Interrupted;
}

}  // namespace kernel
