// kernel/sched/timer_queue.h: one hart's pending deadlines, earliest first. The hardware timer is
// one-shot and always armed for the head, so an idle hart takes no periodic ticks (tickless).
// Owned by its PerHart; touched only by that hart, with interrupts off.
#pragma once

#include "koios/types.h"

namespace kernel {

struct TimerEvent {
  koios::u64 deadline_ticks = 0;
  void (*fire)(TimerEvent* event) = nullptr;  // runs in the timer interrupt
  void* context = nullptr;
  koios::u64 fired_at_ticks = 0;
  TimerEvent* next = nullptr;
  bool queued = false;
};

class TimerQueue {
 public:
  // Queues an event on the calling hart (which must own this queue) and re-arms the hardware.
  void add(TimerEvent* event);
  // Removes a queued event; false when it already fired or was never queued.
  bool cancel(TimerEvent* event);
  // From the timer interrupt: fires every due event, then arms for the next one.
  void on_interrupt();
  koios::u64 next_deadline() const { return head_ != nullptr ? head_->deadline_ticks : ~0ull; }

 private:
  void rearm();
  TimerEvent* head_ = nullptr;
};

}  // namespace kernel
