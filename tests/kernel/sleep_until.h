// tests/kernel/sleep_until.h: what the scheduler's self-tests wait with: sleeping (so that other
// threads run) until pred() holds or timeout_ns passes. The timeouts only catch hangs.
#pragma once

#include "kernel/sched/scheduler.h"
#include "platform/platform.h"

namespace kernel::selftest {

template <typename Pred>
bool sleep_until(Pred pred, koios::u64 timeout_ns) {
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  while (!pred()) {
    if (platform::now_ns() > deadline) return false;
    Scheduler::sleep_ns(200'000);
  }
  return true;
}

}  // namespace kernel::selftest
