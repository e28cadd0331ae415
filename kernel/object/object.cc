// kernel/object/object.cc: KoIDs, signals and observers common to every kernel object.
#include "kernel/object/object.h"

#include "kernel/object/koid.h"

namespace kernel {

using koios::Signals;
using koios::Status;

KernelObject::KernelObject(koios::ObjectType type, Signals initial, SpinLock* lock)
    : koid_(allocate_koid()), type_(type), signals_(initial), lock_(lock != nullptr ? lock : &own_lock_) {
  live_count_.fetch_add(1, std::memory_order_relaxed);
}

KernelObject::~KernelObject() { live_count_.fetch_sub(1, std::memory_order_relaxed); }

Signals KernelObject::signals() const {
  Guard guard(lock());
  return signals_;
}

Status KernelObject::user_signal(Signals clear, Signals set) {
  if (!koios::contains(allowed_user_signals(), clear | set)) return Status::InvalidArgs;
  Guard guard(lock());
  update_signals_locked(clear, set);
  return Status::Ok;
}

Status KernelObject::user_signal_peer(Signals, Signals) { return Status::NotSupported; }

void KernelObject::update_signals_locked(Signals clear, Signals set) {
  Signals now = (signals_ & ~clear) | set;
  if (now == signals_) return;
  signals_ = now;
  SignalObserver** link = &observers_;
  while (*link != nullptr) {
    SignalObserver* o = *link;
    if (o->on_signals(now) == SignalObserver::Action::Remove) {
      *link = o->next_;
      o->next_ = nullptr;
      o->linked_ = false;
    } else {
      link = &o->next_;
    }
  }
}

void KernelObject::add_observer(SignalObserver* observer) {
  Guard guard(lock());
  if (observer->on_signals(signals_) == SignalObserver::Action::Remove) return;
  observer->next_ = observers_;
  observer->linked_ = true;
  observers_ = observer;
}

bool KernelObject::remove_observer(SignalObserver* observer) {
  Guard guard(lock());
  if (!observer->linked_) return false;
  for (SignalObserver** link = &observers_; *link != nullptr; link = &(*link)->next_) {
    if (*link == observer) {
      *link = observer->next_;
      observer->next_ = nullptr;
      observer->linked_ = false;
      return true;
    }
  }
  return false;
}

void KernelObject::remove_handle() {
  if (handle_count_.fetch_sub(1, std::memory_order_acq_rel) == 1) on_zero_handles();
}

}  // namespace kernel
