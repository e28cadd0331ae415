// kernel/sched/timer_queue.cc
#include "kernel/sched/timer_queue.h"

#include "kernel/sched/per_hart.h"

namespace kernel {

void TimerQueue::add(TimerEvent* event) {
  if (event->queued) cancel(event);
  platform::SpinLockGuard guard(lock_);
  cpu_ = this_hart().cpu;
  TimerEvent** link = &head_;
  while (*link != nullptr && (*link)->deadline_ticks <= event->deadline_ticks) link = &(*link)->next;
  event->next = *link;
  event->queued = true;
  event->owner = this;
  event->fired_at_ticks = 0;
  *link = event;
  rearm_if_mine();
}

bool TimerQueue::cancel_locked(TimerEvent* event) {
  for (TimerEvent** link = &head_; *link != nullptr; link = &(*link)->next) {
    if (*link == event) {
      *link = event->next;
      event->queued = false;
      return true;
    }
  }
  return false;
}

bool TimerQueue::cancel(TimerEvent* event) {
  TimerQueue* q = event->owner;
  if (q == nullptr) return false;
  bool found;
  {
    platform::SpinLockGuard guard(q->lock_);
    found = event->queued && q->cancel_locked(event);
    q->rearm_if_mine();
  }
  while (event->firing.load(std::memory_order_acquire)) {
  }
  return found;
}

void TimerQueue::on_interrupt() {
  {
    platform::SpinLockGuard guard(lock_);
    armed_ = ~0ull;  // the platform disarmed the timer to deliver this interrupt
  }
  for (;;) {
    TimerEvent* due = nullptr;
    koios::u64 now = platform::time_ticks();
    {
      platform::SpinLockGuard guard(lock_);
      if (head_ != nullptr && head_->deadline_ticks <= now) {
        due = head_;
        head_ = due->next;
        due->queued = false;
        due->fired_at_ticks = now;
        due->firing.store(true, std::memory_order_relaxed);
      } else {
        rearm_if_mine();
        return;
      }
    }
    // Outside the lock: fire() may take the scheduler's lock, which is taken before ours.
    if (due->fire != nullptr) due->fire(due);
    due->firing.store(false, std::memory_order_release);
  }
}

// The hardware timer is per hart: only the owner may program it. Another hart cancelling an event
// here leaves the owner's timer armed early, which costs one spurious interrupt, nothing more.
void TimerQueue::rearm_if_mine() {
  if (!per_hart_ready() || this_hart().cpu != cpu_) return;
  koios::u64 next = next_deadline();
  if (next >= armed_) return;  // an interrupt at or before `next` is already coming
  armed_ = next;
  platform::timer_arm(next);
}

}  // namespace kernel
