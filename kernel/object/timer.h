// kernel/object/timer.h: an object that asserts Signaled at a deadline (after Zircon's timer).
// timer_set arms (or re-arms) it, timer_cancel disarms it; both clear Signaled first. Dies with its
// last handle and reference, disarming itself if still armed. Not pure logic: it queues a
// TimerEvent on the per-hart timer queue of the hart that armed it (kernel/sched/timer_queue.h),
// so it is not part of the host build.
//
// Locking: arm_lock_ serialises set and cancel (and keeps the arming thread on its hart, since a
// SpinLock keeps interrupts off); under it the event is cancelled synchronously (waiting out a
// fire() in progress), then the object lock is taken to change the signals. fire() runs in the
// timer interrupt with no queue lock and takes only the object lock, so the order is
// arm_lock_, then a timer queue's lock or the object's lock, never the other way round.
#pragma once

#include "kernel/object/object.h"
#include "kernel/sched/timer_queue.h"

namespace kernel {

class Timer final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Timer;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Write | koios::Rights::Signal;

  static koios::Result<RefPtr<Timer>> create();  // fails only with NoMemory
  Timer() : KernelObject(kType, koios::Signals::None) {}
  ~Timer() override;

  // Clears Signaled and arms for `deadline_ns` (monotonic; Scheduler::kForever never fires; a
  // deadline already past asserts Signaled at once). Replaces any earlier deadline.
  void set(koios::u64 deadline_ns);
  // Disarms and clears Signaled.
  void cancel();
  bool armed() const;

 private:
  static void fire(TimerEvent* event);  // in the timer interrupt
  void disarm_locked();             // the caller holds arm_lock_

  SpinLock arm_lock_;
  TimerEvent event_;
};

}  // namespace kernel
