// kernel/syscalls/object.cc: the object_* handlers (object_get_info is in object_info.cc).
#include <atomic>
#include <new>

#include "kernel/object/object.h"
#include "kernel/object/port.h"
#include "kernel/sched/blocking.h"
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
  Status status = block_while_not(deadline_ns(deadline), [&] { return waiter.satisfied(); });
  entry.object->remove_observer(&waiter);  // if it has not removed itself
  Signals seen = waiter.satisfied() ? waiter.observed() : entry.object->signals();
  if (!observed.is_null()) TRY(observed.copy_out(&seen));
  return status;
}

namespace {

// One item of object_wait_many: records the object's signals on every change and, once a watched
// one is asserted, marks the whole wait satisfied and wakes the thread.
class WaitManyObserver final : public SignalObserver {
 public:
  WaitManyObserver(Signals watched, Thread* thread, std::atomic<bool>* satisfied)
      : SignalObserver(watched), thread_(thread), satisfied_(satisfied) {}
  Action on_signals(Signals current) override {
    observed_.store(static_cast<koios::u32>(current), std::memory_order_relaxed);
    if ((current & watched()) == Signals::None) return Action::Keep;
    satisfied_->store(true, std::memory_order_release);
    Scheduler::wake(thread_);
    return Action::Remove;
  }
  Signals observed() const { return static_cast<Signals>(observed_.load(std::memory_order_relaxed)); }

 private:
  Thread* thread_;
  std::atomic<bool>* satisfied_;
  std::atomic<koios::u32> observed_{0};
};

}  // namespace

// Every handle is looked up (BadHandle, AccessDenied without Wait) before any observer is added;
// the references taken keep the objects alive if another thread closes the handles meanwhile.
// Each item's pending gets the object's signals as last observed, whatever the outcome.
Status sys_object_wait_many(UserPtr<koios::WaitItem> items, koios::u32 count, koios::i64 deadline) {
  if (count > koios::kMaxWaitManyItems) return Status::OutOfRange;
  koios::WaitItem local[koios::kMaxWaitManyItems];
  TRY(items.copy_in(local, count));
  TRY(items.check_writable(count));
  RefPtr<KernelObject> objects[koios::kMaxWaitManyItems];
  for (koios::u32 i = 0; i < count; ++i) {
    auto entry = TRY(current_handles().lookup_any(local[i].handle, Rights::Wait));
    objects[i] = std::move(entry.object);
  }
  std::atomic<bool> satisfied{false};
  alignas(WaitManyObserver) koios::u8 storage[sizeof(WaitManyObserver) * koios::kMaxWaitManyItems];
  auto* observers = reinterpret_cast<WaitManyObserver*>(storage);
  for (koios::u32 i = 0; i < count; ++i) {
    new (&observers[i]) WaitManyObserver(local[i].waitfor, Scheduler::current(), &satisfied);
    objects[i]->add_observer(&observers[i]);
  }
  Status status =
      block_while_not(deadline_ns(deadline), [&] { return satisfied.load(std::memory_order_acquire); });
  for (koios::u32 i = 0; i < count; ++i) {
    objects[i]->remove_observer(&observers[i]);
    local[i].pending = observers[i].observed();
    observers[i].~WaitManyObserver();
  }
  TRY(items.copy_out(local, count));
  return status;
}

// Binds a one-shot wait to the port (see Port::wait_async): needs Wait on the object and Write on
// the port.
Status sys_object_wait_async(Handle handle, Handle port, koios::u64 key, Signals signals, koios::u32 options) {
  auto entry = TRY(current_handles().lookup_any(handle, Rights::Wait));
  auto target = TRY(current_handles().lookup<Port>(port, Rights::Write));
  return target->wait_async(std::move(entry.object), key, signals, options);
}

}  // namespace kernel
