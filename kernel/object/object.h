// kernel/object/object.h: the base of every kernel object (after Zircon's Dispatcher): a KoID, a
// type, a set of asserted signals and the observers waiting on them, and a count of the handles
// that name it. Owned through RefPtr by handles (KernelHandle) and by other objects; dies with the
// last reference. The last *handle* going is a separate event (on_zero_handles): that is when a
// peer learns PeerClosed, even if kernel references keep the object's memory a while longer.
//
// Locking: each object has a SpinLock (peered objects share one per pair). Signals and observers
// are guarded by it. Lock order: a handle table's lock before any object's lock; never two
// objects' locks at once except the one a pair shares. Observers are called with the lock held.
#pragma once

#include <atomic>

#include "kernel/lib/lock.h"
#include "kernel/lib/ref_ptr.h"
#include "koios/object_type.h"
#include "koios/result.h"
#include "koios/rights.h"
#include "koios/signals.h"

namespace kernel {

class KernelObject;

// Something waiting for an object's signals: a thread in object_wait_one/wait_many, or a port's
// async wait. It registers with add_observer() and is told of every change of the object's
// signals until it asks to be removed. The observer's memory belongs to whoever registered it
// (typically on the waiting thread's stack or in the port), which must remove_observer() before
// freeing it unless the observer already removed itself by returning Remove.
//
// The scheduler (issue 4's later part) builds wait_one on this: the waiter's on_signals() records
// the signals and wakes the thread when they intersect what it waits for; a port's on_signals()
// queues a packet. Both must not block, allocate or touch another object's lock.
class SignalObserver {
 public:
  enum class Action : koios::u8 { Keep, Remove };

  explicit SignalObserver(koios::Signals watched) : watched_(watched) {}
  SignalObserver(const SignalObserver&) = delete;
  SignalObserver& operator=(const SignalObserver&) = delete;

  koios::Signals watched() const { return watched_; }
  // Called with the object's lock held: once from add_observer() with the current signals, then
  // after every change. `current` is the whole signal set, not only the watched bits.
  virtual Action on_signals(koios::Signals current) {
    (void)current;
    return Action::Keep;
  }

 protected:
  ~SignalObserver() = default;

 private:
  friend class KernelObject;
  koios::Signals watched_;
  SignalObserver* next_ = nullptr;
  bool linked_ = false;
};

class KernelObject : public RefCounted {
 public:
  virtual ~KernelObject();

  koios::Koid koid() const { return koid_; }
  koios::ObjectType type() const { return type_; }
  // The peer of a channel/socket/eventpair end (kept after the peer dies), a thread's process, or 0.
  virtual koios::Koid related_koid() const { return koios::kInvalidKoid; }

  koios::Signals signals() const;
  // object_signal: clear, then set. Only allowed_user_signals() may change (InvalidArgs otherwise).
  koios::Status user_signal(koios::Signals clear, koios::Signals set);
  // object_signal_peer: NotSupported unless the object has a peer (PeeredObject).
  virtual koios::Status user_signal_peer(koios::Signals clear, koios::Signals set);
  // The signals object_signal may touch: the user signals; events add Signaled.
  virtual koios::Signals allowed_user_signals() const { return koios::kUserSignals; }

  // Registers `observer` and calls it at once with the current signals (it may return Remove).
  void add_observer(SignalObserver* observer);
  // Unregisters; false if it was not registered (already removed itself). Safe to call twice.
  bool remove_observer(SignalObserver* observer);

  // Handles naming this object: in handle tables and in messages in flight.
  koios::u32 handle_count() const { return handle_count_.load(std::memory_order_acquire); }

  // Kernel objects alive now, for leak checks (tests, object_get_info with the root resource).
  static koios::u64 live_count() { return live_count_.load(std::memory_order_relaxed); }

 protected:
  // `lock` is the lock to use; nullptr means the object's own. Peered objects pass their pair's.
  KernelObject(koios::ObjectType type, koios::Signals initial, SpinLock* lock = nullptr);

  SpinLock& lock() const { return *lock_; }
  // Changes the signals and tells the observers if anything changed. Caller holds lock().
  void update_signals_locked(koios::Signals clear, koios::Signals set);
  koios::Signals signals_locked() const { return signals_; }

  // The last handle has gone (called with no lock held, from the closing thread). Objects with a
  // peer tell it here; a channel end drops its queue. An object may gain handles again afterwards
  // only if kernel code still holds a reference and chooses to (a process from its thread).
  virtual void on_zero_handles() {}

 private:
  friend class KernelHandle;
  void add_handle() { handle_count_.fetch_add(1, std::memory_order_relaxed); }
  void remove_handle();

  const koios::Koid koid_;
  const koios::ObjectType type_;
  koios::Signals signals_;
  SpinLock own_lock_;
  SpinLock* lock_;
  SignalObserver* observers_ = nullptr;
  std::atomic<koios::u32> handle_count_{0};

  static inline std::atomic<koios::u64> live_count_{0};
};

// The lock two peered objects share, and nothing else; each side holds a reference.
class PeerHolder final : public RefCounted {
 public:
  SpinLock lock;
};

template <typename T>
struct PeerPair {
  RefPtr<T> first;
  RefPtr<T> second;
};

// Two objects joined at birth (channel ends, socket ends, event pairs, tokens). Each points at the
// other with a plain pointer, cleared under the shared lock when either side's last handle goes
// or either side is destroyed, so there is no reference cycle and no use after free: a side only
// touches its peer under the lock. Once alone, a side asserts PeerClosed for good.
template <typename Self>
class PeeredObject : public KernelObject {
 public:
  koios::Koid related_koid() const override { return peer_koid_; }
  koios::Status user_signal_peer(koios::Signals clear, koios::Signals set) override {
    koios::Signals all = clear | set;
    Guard guard(lock());
    if (peer_ == nullptr) return koios::Status::PeerClosed;
    PeeredObject* peer = peer_;
    if (!koios::contains(peer->allowed_user_signals(), all)) return koios::Status::InvalidArgs;
    peer->update_signals_locked(clear, set);
    return koios::Status::Ok;
  }
  bool peer_alive() const {
    Guard guard(lock());
    return peer_ != nullptr;
  }

 protected:
  PeeredObject(koios::ObjectType type, koios::Signals initial, RefPtr<PeerHolder> holder)
      : KernelObject(type, initial, &holder->lock), holder_(std::move(holder)) {}
  ~PeeredObject() override { unlink_peer(); }

  // Joins two fresh objects made with the same holder.
  static void link(Self& a, Self& b) {
    Guard guard(a.lock());
    a.peer_ = &b;
    b.peer_ = &a;
    a.peer_koid_ = b.koid();
    b.peer_koid_ = a.koid();
  }

  // Leaves the peer alone for good; idempotent. Derived destructors call it first, before they
  // tear down state the peer might still reach through its pointer.
  void unlink_peer() {
    Guard guard(lock());
    unlink_peer_locked();
  }
  void unlink_peer_locked() {
    if (peer_ == nullptr) return;
    PeeredObject* peer = peer_;
    peer->peer_ = nullptr;
    peer->on_peer_closed_locked();
    peer_ = nullptr;
  }
  // This side's peer has gone: by default, assert PeerClosed. Called with the shared lock held.
  virtual void on_peer_closed_locked() { update_signals_locked(koios::Signals::None, koios::Signals::PeerClosed); }

  void on_zero_handles() override { unlink_peer(); }

  Self* peer_locked() const { return peer_; }

 private:
  RefPtr<PeerHolder> holder_;
  Self* peer_ = nullptr;          // guarded by the shared lock
  koios::Koid peer_koid_ = koios::kInvalidKoid;
};

}  // namespace kernel
