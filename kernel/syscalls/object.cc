// kernel/syscalls/object.cc: the object_* handlers (object_get_info is in object_info.cc).
#include "kernel/object/object.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Signals;
using koios::Status;

namespace {

// Wakes a thread blocked in object_wait_one when a watched signal is asserted.
class WaitOneObserver final : public SignalObserver {
 public:
  WaitOneObserver(Signals watched, Thread* thread) : SignalObserver(watched), thread_(thread) {}
  Action on_signals(Signals current) override {
    observed_.store(static_cast<koios::u32>(current), std::memory_order_relaxed);
    if ((current & watched()) == Signals::None) return Action::Keep;
    satisfied_.store(true, std::memory_order_release);
    Scheduler::wake(thread_);
    return Action::Remove;
  }
  bool satisfied() const { return satisfied_.load(std::memory_order_acquire); }
  Signals observed() const { return static_cast<Signals>(observed_.load(std::memory_order_relaxed)); }

 private:
  Thread* thread_;
  std::atomic<bool> satisfied_{false};
  std::atomic<koios::u32> observed_{0};
};

}  // namespace

Status sys_object_signal(Handle handle, Signals clear, Signals set) {
  auto entry = TRY(current_handles().lookup_any(handle, Rights::Signal));
  return entry.object->user_signal(clear, set);
}

Status sys_object_signal_peer(Handle handle, Signals clear, Signals set) {
  auto entry = TRY(current_handles().lookup_any(handle, Rights::SignalPeer));
  return entry.object->user_signal_peer(clear, set);
}

Status sys_object_wait_one(Handle handle, Signals signals, koios::i64 deadline, UserPtr<Signals> observed) {
  if (!observed.is_null()) TRY(observed.check_writable());
  auto entry = TRY(current_handles().lookup_any(handle, Rights::Wait));
  WaitOneObserver waiter(signals, Scheduler::current());
  entry.object->add_observer(&waiter);  // reports the current signals at once
  koios::u64 until = deadline == koios::kDeadlineInfinite ? Scheduler::kForever
                     : deadline <= 0                     ? 0
                                                         : static_cast<koios::u64>(deadline);
  Status result = Status::Ok;
  while (!waiter.satisfied()) {
    if (until != Scheduler::kForever && platform::now_ns() >= until) {
      result = Status::TimedOut;
      break;
    }
    if (Scheduler::current()->interrupted()) {
      result = Status::Interrupted;
      break;
    }
    Scheduler::block_until(until);
  }
  entry.object->remove_observer(&waiter);  // if it has not removed itself
  Signals seen = waiter.satisfied() ? waiter.observed() : entry.object->signals();
  if (!observed.is_null()) TRY(observed.copy_out(&seen));
  return waiter.satisfied() ? Status::Ok : result;
}

}  // namespace kernel
