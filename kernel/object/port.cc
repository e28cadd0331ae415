// kernel/object/port.cc
//
// Who frees an async wait: whoever unlinks it from the port's list (the reader that dequeues its
// packet, port_cancel, or the port's last handle going), unless the thread that armed it is still
// inside add_observer(); then that thread frees it once add_observer() has returned (`orphan_`).
// Before the memory goes, the wait is removed from its source under the source's lock, which also
// waits out an on_signals() still running there (the observer is unlinked only after it returns).
#include "kernel/object/port.h"

#include <new>

namespace kernel {

using koios::PortPacket;
using koios::Signals;
using koios::Status;

class Port::AsyncWait final : public SignalObserver {
 public:
  AsyncWait(Port* port, RefPtr<KernelObject> source, koios::u64 key, Signals signals)
      : SignalObserver(signals), port_(port), source_(std::move(source)), key_(key) {
    node_.wait = this;
  }

  Action on_signals(Signals current) override {
    if ((current & watched()) == Signals::None) return Action::Keep;
    port_->fire_locked(this, current);
    return Action::Remove;  // one-shot
  }

  // No lock held. Drops the reference to the source last: it may be the source's last.
  static void destroy(AsyncWait* wait) {
    RefPtr<KernelObject> source = std::move(wait->source_);
    source->remove_observer(wait);
    delete wait;
  }

  Port* const port_;
  RefPtr<KernelObject> source_;
  const koios::u64 key_;
  Node node_;
  // Guarded by the port's queue lock.
  AsyncWait* prev_ = nullptr;
  AsyncWait* next_ = nullptr;   // in the port's list, then in a list of victims
  bool listed_ = false;         // in the port's list: may still fire
  bool queued_ = false;         // node_ is in the port's queue
  bool arming_ = true;          // the arming thread is still in add_observer()
  bool orphan_ = false;         // unlinked while arming: the arming thread frees it
};

koios::Result<RefPtr<Port>> Port::create() { return make_ref<Port>(); }

Port::~Port() { on_zero_handles(); }

void Port::push_locked(Node* node) {
  node->next = nullptr;
  if (tail_ != nullptr) tail_->next = node;
  else head_ = node;
  tail_ = node;
  ++queued_;
  for (Waiter* w = waiters_; w != nullptr; w = w->next) w->wake(w->context);
}

bool Port::unqueue_locked(Node* node) {
  Node* prev = nullptr;
  for (Node* n = head_; n != nullptr; prev = n, n = n->next) {
    if (n != node) continue;
    if (prev != nullptr) prev->next = n->next;
    else head_ = n->next;
    if (tail_ == n) tail_ = prev;
    n->next = nullptr;
    --queued_;
    return true;
  }
  return false;
}

void Port::unlink_wait_locked(AsyncWait* wait) {
  if (wait->prev_ != nullptr) wait->prev_->next_ = wait->next_;
  else waits_ = wait->next_;
  if (wait->next_ != nullptr) wait->next_->prev_ = wait->prev_;
  wait->prev_ = wait->next_ = nullptr;
  wait->listed_ = false;
  --wait_count_;
}

void Port::fire_locked(AsyncWait* wait, Signals observed) {
  Guard guard(queue_lock_);
  if (!wait->listed_) return;  // canceled meanwhile: its packet must not appear
  wait->node_.packet = PortPacket{wait->key_, koios::PacketType::SignalOne, Status::Ok, wait->watched(), observed, {0, 0, 0}};
  wait->queued_ = true;
  push_locked(&wait->node_);
}

Status Port::queue_user(const PortPacket& packet) {
  Node* node = new (std::nothrow) Node;
  if (node == nullptr) return Status::NoMemory;
  node->packet = packet;
  node->packet.type = koios::PacketType::User;
  Status status = Status::Ok;
  {
    Guard guard(queue_lock_);
    if (closed_) status = Status::BadState;
    else if (user_queued_ >= koios::kMaxPortPackets) status = Status::ShouldWait;
    else {
      ++user_queued_;
      push_locked(node);
      node = nullptr;
    }
  }
  delete node;
  return status;
}

koios::Result<PortPacket> Port::dequeue() {
  Node* node;
  AsyncWait* done = nullptr;
  PortPacket packet;
  {
    Guard guard(queue_lock_);
    node = head_;
    if (node == nullptr) return Status::ShouldWait;
    head_ = node->next;
    if (head_ == nullptr) tail_ = nullptr;
    --queued_;
    packet = node->packet;
    if (node->wait != nullptr) {
      AsyncWait* wait = node->wait;
      wait->queued_ = false;
      unlink_wait_locked(wait);
      if (wait->arming_) wait->orphan_ = true;
      else done = wait;
      node = nullptr;
    } else {
      --user_queued_;
    }
  }
  delete node;
  if (done != nullptr) AsyncWait::destroy(done);
  return packet;
}

Status Port::wait_async(RefPtr<KernelObject> source, koios::u64 key, Signals signals, koios::u32 options) {
  if (options != koios::kWaitAsyncOnce) return Status::InvalidArgs;
  auto* wait = new (std::nothrow) AsyncWait(this, std::move(source), key, signals);
  if (wait == nullptr) return Status::NoMemory;
  Status status = Status::Ok;
  {
    Guard guard(queue_lock_);
    if (closed_) status = Status::BadState;
    else if (wait_count_ >= koios::kMaxPortAsyncWaits) status = Status::NoResources;
    else {
      wait->next_ = waits_;
      if (waits_ != nullptr) waits_->prev_ = wait;
      waits_ = wait;
      wait->listed_ = true;
      ++wait_count_;
    }
  }
  if (status != Status::Ok) {
    delete wait;  // never registered anywhere
    return status;
  }
  // Outside the queue lock: the source's lock comes first, and add_observer may fire at once.
  wait->source_->add_observer(wait);
  bool orphan;
  {
    Guard guard(queue_lock_);
    wait->arming_ = false;
    orphan = wait->orphan_;
  }
  if (orphan) AsyncWait::destroy(wait);
  return Status::Ok;
}

void Port::finish_canceled(AsyncWait* victims) {
  while (victims != nullptr) {
    AsyncWait* next = victims->next_;
    AsyncWait::destroy(victims);
    victims = next;
  }
}

Status Port::cancel(const KernelObject* source, koios::u64 key) {
  AsyncWait* victims = nullptr;
  bool found = false;
  {
    Guard guard(queue_lock_);
    AsyncWait* next;
    for (AsyncWait* w = waits_; w != nullptr; w = next) {
      next = w->next_;
      if (w->source_.get() != source || w->key_ != key) continue;
      found = true;
      if (w->queued_) {
        unqueue_locked(&w->node_);
        w->queued_ = false;
      }
      unlink_wait_locked(w);
      if (w->arming_) {
        w->orphan_ = true;
      } else {
        w->next_ = victims;
        victims = w;
      }
    }
  }
  finish_canceled(victims);
  return found ? Status::Ok : Status::NotFound;
}

void Port::on_zero_handles() {
  AsyncWait* victims = nullptr;
  Node* user_packets = nullptr;
  {
    Guard guard(queue_lock_);
    closed_ = true;
    while (waits_ != nullptr) {
      AsyncWait* w = waits_;
      w->queued_ = false;  // the whole queue goes below
      unlink_wait_locked(w);
      if (w->arming_) {
        w->orphan_ = true;
      } else {
        w->next_ = victims;
        victims = w;
      }
    }
    for (Node* n = head_; n != nullptr;) {
      Node* next = n->next;
      if (n->wait == nullptr) {
        n->next = user_packets;
        user_packets = n;
      }
      n = next;
    }
    head_ = tail_ = nullptr;
    queued_ = user_queued_ = 0;
  }
  while (user_packets != nullptr) {
    Node* next = user_packets->next;
    delete user_packets;
    user_packets = next;
  }
  finish_canceled(victims);
}

void Port::add_waiter(Waiter* waiter) {
  Guard guard(queue_lock_);
  waiter->next = waiters_;
  waiters_ = waiter;
}

void Port::remove_waiter(Waiter* waiter) {
  Guard guard(queue_lock_);
  for (Waiter** link = &waiters_; *link != nullptr; link = &(*link)->next) {
    if (*link == waiter) {
      *link = waiter->next;
      waiter->next = nullptr;
      return;
    }
  }
}

koios::u32 Port::queued_packets() const {
  Guard guard(queue_lock_);
  return queued_;
}

koios::u32 Port::async_waits() const {
  Guard guard(queue_lock_);
  return wait_count_;
}

}  // namespace kernel
