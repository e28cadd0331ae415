// kernel/sched/blocking.h: the one shape of a blocking syscall's wait. A syscall registers
// something that will Scheduler::wake() it (an observer, a port waiter, a futex entry), then loops
// here: done() is re-checked after every wake-up, because wakes may be spurious or early.
#pragma once

#include "kernel/sched/scheduler.h"
#include "koios/signals.h"
#include "platform/platform.h"

namespace kernel {

// A deadline argument (absolute monotonic ns; kDeadlineInfinite; anything <= 0 is "now") as the
// scheduler's block_until() takes it.
inline koios::u64 deadline_ns(koios::i64 deadline) {
  if (deadline == koios::kDeadlineInfinite) return Scheduler::kForever;
  return deadline <= 0 ? 0 : static_cast<koios::u64>(deadline);
}

// Ok once done() holds; Interrupted when the thread has been asked to stop (task_suspend or
// task_kill, Thread::interrupted); TimedOut once `until` has passed. done() is tried first, so a
// condition that already holds wins over both.
template <typename Done>
koios::Status block_while_not(koios::u64 until, Done&& done) {
  for (;;) {
    if (done()) return koios::Status::Ok;
    if (Scheduler::current()->interrupted()) return koios::Status::Interrupted;
    if (until != Scheduler::kForever && platform::now_ns() >= until) return koios::Status::TimedOut;
    Scheduler::block_until(until);
  }
}

}  // namespace kernel
