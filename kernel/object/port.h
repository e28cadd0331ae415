// kernel/object/port.h: a queue of packets (after Zircon's port): user packets from port_queue
// and SignalOne packets from async waits (object_wait_async) on any number of objects. Threads
// take packets with port_wait. Dies with its last handle and reference; its last handle going
// cancels every async wait bound to it and drops what is queued.
//
// Memory: a user packet is allocated by port_queue (at most kMaxPortPackets queued, ShouldWait
// beyond); an async wait is allocated when it is armed and carries its own packet, so a wait that
// fires always has room (at most kMaxPortAsyncWaits per port, NoResources beyond).
//
// An armed wait holds a reference to its source object (so the source outlives its observer) and
// is listed in the port; the port holds no reference count from waits, which is safe because its
// last handle going (on_zero_handles) cancels them all before it can die. A wait is one-shot: it
// leaves the source's observer list when it fires.
//
// Locking: the port's queue has its own lock (queue_lock_), separate from the KernelObject lock
// that guards the port's own signals. An async wait fires from the source's on_signals(), with the
// source's lock held, and takes the queue lock there, so: any object's lock, then a port's queue
// lock; never an object's lock while holding a queue lock. So cancel and on_zero_handles mark
// waits under the queue lock, drop it, and only then remove the observers from their sources.
// Dropping a wait (and so maybe the last reference to its source) happens with no lock held.
#pragma once

#include "kernel/object/object.h"
#include "koios/port.h"

namespace kernel {

class Port final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Port;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::kRightsIo | koios::Rights::Signal;

  static koios::Result<RefPtr<Port>> create();  // fails only with NoMemory
  Port() : KernelObject(kType, koios::Signals::None) {}
  ~Port() override;

  // port_queue: queues a copy with type User. ShouldWait when kMaxPortPackets are queued;
  // NoMemory; BadState once the last handle has gone.
  koios::Status queue_user(const koios::PortPacket& packet);
  // Takes the oldest packet. ShouldWait when there is none.
  koios::Result<koios::PortPacket> dequeue();

  // object_wait_async: a SignalOne packet {key, trigger = signals, observed} is queued once one of
  // `signals` is asserted on `source` (at once if one is asserted now). InvalidArgs for options
  // other than kWaitAsyncOnce, NoResources at kMaxPortAsyncWaits, NoMemory, BadState once the
  // port's last handle has gone. Call with no lock held.
  koios::Status wait_async(RefPtr<KernelObject> source, koios::u64 key, koios::Signals signals, koios::u32 options);
  // port_cancel: removes every wait of `source` with `key` bound here, armed or fired and not yet
  // read (its packet leaves the queue). NotFound when there was none. Call with no lock held.
  koios::Status cancel(const KernelObject* source, koios::u64 key);

  // A thread blocked in port_wait: wake(context) runs under the queue lock whenever a packet is
  // queued (it must not block). The memory is the caller's; remove it before it goes.
  struct Waiter {
    void (*wake)(void* context) = nullptr;
    void* context = nullptr;
    Waiter* next = nullptr;
  };
  void add_waiter(Waiter* waiter);
  void remove_waiter(Waiter* waiter);

  koios::u32 queued_packets() const;  // user and signal packets waiting for port_wait
  koios::u32 async_waits() const;     // armed or queued, not yet read or canceled

 private:
  class AsyncWait;
  // One queued packet: a user packet (wait == nullptr, allocated by queue_user) or the packet an
  // async wait carries inside itself.
  struct Node {
    koios::PortPacket packet{};
    Node* next = nullptr;
    AsyncWait* wait = nullptr;
  };

  void on_zero_handles() override;
  // Called by an AsyncWait's on_signals (source lock held): queues its packet unless canceled.
  void fire_locked(AsyncWait* wait, koios::Signals observed);
  void push_locked(Node* node);
  void unlink_wait_locked(AsyncWait* wait);
  bool unqueue_locked(Node* node);
  // Takes the waits listed in `victims` (already unlinked and marked canceled) off their sources
  // and frees them. No lock held.
  static void finish_canceled(AsyncWait* victims);

  mutable SpinLock queue_lock_;
  Node* head_ = nullptr;        // everything below is guarded by queue_lock_
  Node* tail_ = nullptr;
  koios::u32 queued_ = 0;       // nodes in the queue
  koios::u32 user_queued_ = 0;  // of which user packets
  AsyncWait* waits_ = nullptr;  // armed or queued, doubly linked
  koios::u32 wait_count_ = 0;
  Waiter* waiters_ = nullptr;
  bool closed_ = false;         // the last handle has gone: nothing new may be bound
};

}  // namespace kernel
