// kernel/sched/timer_queue.cc
#include "kernel/sched/timer_queue.h"

#include "platform/platform.h"

namespace kernel {

void TimerQueue::add(TimerEvent* event) {
  bool irq = platform::interrupts_disable();
  if (event->queued) cancel(event);
  TimerEvent** link = &head_;
  while (*link != nullptr && (*link)->deadline_ticks <= event->deadline_ticks) link = &(*link)->next;
  event->next = *link;
  event->queued = true;
  event->fired_at_ticks = 0;
  *link = event;
  rearm();
  platform::interrupts_restore(irq);
}

bool TimerQueue::cancel(TimerEvent* event) {
  bool irq = platform::interrupts_disable();
  bool found = false;
  for (TimerEvent** link = &head_; *link != nullptr; link = &(*link)->next) {
    if (*link == event) {
      *link = event->next;
      event->queued = false;
      found = true;
      break;
    }
  }
  rearm();
  platform::interrupts_restore(irq);
  return found;
}

void TimerQueue::on_interrupt() {
  koios::u64 now = platform::time_ticks();
  while (head_ != nullptr && head_->deadline_ticks <= now) {
    TimerEvent* event = head_;
    head_ = event->next;
    event->queued = false;
    event->fired_at_ticks = now;
    if (event->fire != nullptr) event->fire(event);
    now = platform::time_ticks();
  }
  rearm();
}

void TimerQueue::rearm() { platform::timer_arm(next_deadline()); }

}  // namespace kernel
