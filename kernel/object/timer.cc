// kernel/object/timer.cc
#include "kernel/object/timer.h"

#include "kernel/sched/per_hart.h"
#include "platform/platform.h"

namespace kernel {

using koios::Signals;

koios::Result<RefPtr<Timer>> Timer::create() { return make_ref<Timer>(); }

Timer::~Timer() {
  // Nobody else can call set() now, but a fire() may be running on another hart: cancel waits.
  TimerQueue::cancel(&event_);
}

void Timer::fire(TimerEvent* event) {
  auto* timer = static_cast<Timer*>(event->context);
  Guard guard(timer->lock());
  timer->update_signals_locked(Signals::None, Signals::Signaled);
}

void Timer::disarm_locked() {
  TimerQueue::cancel(&event_);  // afterwards no fire() of the old deadline runs or will run
  Guard guard(lock());
  update_signals_locked(Signals::Signaled, Signals::None);
}

void Timer::set(koios::u64 deadline_ns) {
  Guard arm(arm_lock_);
  disarm_locked();
  if (deadline_ns == ~0ull) return;
  if (platform::now_ns() >= deadline_ns) {
    Guard guard(lock());
    update_signals_locked(Signals::None, Signals::Signaled);
    return;
  }
  event_.deadline_ticks = platform::ns_to_ticks(deadline_ns);
  event_.fire = &Timer::fire;
  event_.context = this;
  this_hart().timers.add(&event_);  // interrupts are off (arm_lock_): still this hart's queue
}

void Timer::cancel() {
  Guard arm(arm_lock_);
  disarm_locked();
}

bool Timer::armed() const {
  // `queued` changes under the queue's lock; a racy read is fine for a report.
  return reinterpret_cast<const volatile bool&>(event_.queued);
}

}  // namespace kernel
