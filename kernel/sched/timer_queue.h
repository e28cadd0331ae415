// kernel/sched/timer_queue.h: one hart's pending deadlines, earliest first. The hardware timer is
// one-shot and always armed for the head, so an idle hart takes no periodic ticks (tickless).
// Owned by its PerHart. Events are added on the hart that owns the queue; any hart may cancel one
// (a thread woken early may resume elsewhere), so the queue has a lock.
#pragma once

#include <atomic>

#include "koios/types.h"
#include "platform/platform.h"

namespace kernel {

class TimerQueue;

struct TimerEvent {
  koios::u64 deadline_ticks = 0;
  void (*fire)(TimerEvent* event) = nullptr;  // runs in the timer interrupt, no queue lock held
  void* context = nullptr;
  koios::u64 fired_at_ticks = 0;
  TimerEvent* next = nullptr;
  bool queued = false;
  TimerQueue* owner = nullptr;                // the queue it is (or was last) on
  std::atomic<bool> firing{false};            // taken off the queue, fire() not yet returned
};

class TimerQueue {
 public:
  // Queues an event on the calling hart (which must own this queue) and re-arms the hardware.
  void add(TimerEvent* event);
  // Removes a queued event from whichever queue holds it, on any hart; false when it already
  // fired or was never queued. Waits for a fire() in progress, so afterwards the event's memory
  // may be reused or freed.
  static bool cancel(TimerEvent* event);
  // From the timer interrupt: fires every due event, then arms for the next one.
  void on_interrupt();
  koios::u64 next_deadline() const { return head_ != nullptr ? head_->deadline_ticks : ~0ull; }

 private:
  bool cancel_locked(TimerEvent* event);
  void rearm_if_mine();
  platform::SpinLock lock_;
  TimerEvent* head_ = nullptr;
  koios::u32 cpu_ = ~0u;  // the hart that owns this queue (learned on first add)
  // The deadline the hardware is armed for (~0: disarmed). Re-programming costs an SBI call into
  // M-mode, so it is done only when the head becomes earlier than this; an interrupt that comes
  // early finds nothing due and arms for the real head.
  koios::u64 armed_ = ~0ull;
};

}  // namespace kernel
