// kernel/sched/wait.h: waiting for a condition another hart (or an interrupt) will make true,
// before threads exist. The hart sleeps in wfi between checks, woken by a poll timer, an IPI or
// a device, so a waiting hart burns no host CPU and, under -icount, lets the other harts run.
#pragma once

#include "kernel/sched/per_hart.h"
#include "platform/platform.h"

namespace kernel {

// Returns true once pred() holds, false if timeout_ns passes first. Needs interrupts enabled.
// For code that does not schedule (boot, per-hart self-tests); threads use Scheduler::block_until.
template <typename Pred>
bool wait_until(Pred pred, koios::u64 timeout_ns, koios::u64 poll_ns = 200'000) {
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  TimerEvent poll;
  while (!pred()) {
    koios::u64 now = platform::now_ns();
    if (now >= deadline) return false;
    poll.deadline_ticks = platform::ns_to_ticks(now + (deadline - now < poll_ns ? deadline - now : poll_ns));
    // Interrupts stay off from the add to the cancel, so the caller cannot be preempted (and moved
    // to another hart) while its poll timer is armed here.
    bool irq = platform::interrupts_disable();
    this_hart().timers.add(&poll);
    if (!pred()) platform::wait_for_interrupt();
    TimerQueue::cancel(&poll);
    platform::interrupts_restore(irq);
  }
  return true;
}

}  // namespace kernel
