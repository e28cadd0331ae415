// kernel/object/channel.cc
#include "kernel/object/channel.h"

namespace kernel {

using koios::Signals;
using koios::Status;
using koios::u32;

Channel::Channel(RefPtr<PeerHolder> holder) : PeeredObject(kType, Signals::Writable, std::move(holder)) {}

Channel::~Channel() {
  // First leave the peer, so it cannot queue into us while the queue is torn down.
  unlink_peer();
  free_queue(head_);
  delete spare_.exchange(nullptr);
}

koios::Result<OwnPtr<Message>> Channel::new_message(u32 num_bytes, u32 num_handles) {
  if (Message::fits_inline(num_bytes, num_handles)) {
    if (Message* spare = spare_.exchange(nullptr, std::memory_order_acquire)) {
      spare->reuse(num_bytes);
      return OwnPtr<Message>(spare);
    }
  }
  return Message::create(num_bytes, num_handles);
}

void Channel::recycle(OwnPtr<Message> message) {
  if (!message->is_inline()) return;  // freed here
  delete spare_.exchange(message.release(), std::memory_order_acq_rel);
}

koios::Result<PeerPair<Channel>> Channel::create() {
  RefPtr<PeerHolder> holder = TRY(make_ref<PeerHolder>());
  RefPtr<Channel> first = TRY(make_ref<Channel>(holder));
  RefPtr<Channel> second = TRY(make_ref<Channel>(holder));
  link(*first, *second);
  return PeerPair<Channel>{std::move(first), std::move(second)};
}

Status Channel::write(HandleTable& table, OwnPtr<Message> message) {
  Message* m = message.get();
  return table.remove_for_transfer(m->handle_values(), m->num_handles(), m->handles(),
                                   [&](KernelHandle* moved, u32 count) -> Status {
                                     for (u32 i = 0; i < count; ++i) {
                                       koios::Koid koid = moved[i].object()->koid();
                                       if (koid == this->koid() || koid == related_koid()) return Status::NotSupported;
                                     }
                                     Guard guard(lock());
                                     return enqueue_at_peer_locked(message);
                                   });
}

Status Channel::write_from_kernel(OwnPtr<Message> message) {
  for (u32 i = 0; i < message->num_handles(); ++i) {
    KernelObject* object = message->handles()[i].object();
    if (object == nullptr) return Status::InvalidArgs;
    if (object->koid() == koid() || object->koid() == related_koid()) return Status::NotSupported;
  }
  Guard guard(lock());
  return enqueue_at_peer_locked(message);
}

// Queues at the peer; on success `message` is consumed, otherwise it stays the caller's.
Status Channel::enqueue_at_peer_locked(OwnPtr<Message>& message) {
  Channel* peer = peer_locked();
  if (peer == nullptr) return Status::PeerClosed;
  if (peer->queued_ >= koios::kMaxQueuedMessages) return Status::ShouldWait;
  Message* queued = message.release();
  if (peer->tail_ == nullptr) {
    peer->head_ = queued;
  } else {
    peer->tail_->next_ = queued;
  }
  peer->tail_ = queued;
  ++peer->queued_;
  peer->update_signals_locked(Signals::None, Signals::Readable);
  if (peer->callers_ != nullptr) peer->notify_callers_locked(queued->txid());
  if (peer->queued_ == koios::kMaxQueuedMessages) update_signals_locked(Signals::Writable, Signals::None);
  return Status::Ok;
}

koios::Result<OwnPtr<Message>> Channel::read(HandleTable& table, u32 max_bytes, u32 max_handles,
                                             koios::MessageSizes* sizes) {
  return take_locked(table, 0, max_bytes, max_handles, sizes);
}

koios::Result<OwnPtr<Message>> Channel::read_reply(HandleTable& table, u32 txid, u32 max_bytes, u32 max_handles,
                                                   koios::MessageSizes* sizes) {
  if (txid == 0) return Status::InvalidArgs;
  return take_locked(table, txid, max_bytes, max_handles, sizes);
}

koios::Result<OwnPtr<Message>> Channel::take_locked(HandleTable& table, u32 txid, u32 max_bytes, u32 max_handles,
                                                    koios::MessageSizes* sizes) {
  HandleTable::Locked locked_table(table);
  Guard guard(lock());
  Message* prev = nullptr;
  Message* m = head_;
  while (m != nullptr && txid != 0 && m->txid() != txid) prev = m, m = m->next_;
  if (m == nullptr) return peer_locked() == nullptr ? Status::PeerClosed : Status::ShouldWait;
  if (sizes != nullptr) *sizes = koios::MessageSizes{m->num_bytes(), m->num_handles()};
  if (m->num_bytes() > max_bytes || m->num_handles() > max_handles) return Status::BufferTooSmall;
  if (locked_table.free_slots() < m->num_handles()) return Status::NoResources;

  if (prev == nullptr) head_ = m->next_;
  else prev->next_ = m->next_;
  if (tail_ == m) tail_ = prev;
  m->next_ = nullptr;
  bool was_full = queued_ == koios::kMaxQueuedMessages;
  --queued_;
  if (queued_ == 0) update_signals_locked(Signals::Readable, Signals::None);
  Channel* peer = peer_locked();
  if (was_full && peer != nullptr) peer->update_signals_locked(Signals::None, Signals::Writable);

  for (u32 i = 0; i < m->num_handles(); ++i) {
    // Cannot fail: the room was checked under the same table lock.
    koios::Result<koios::Handle> value = locked_table.add(std::move(m->handles()[i]));
    m->handle_values()[i] = value.value_or(koios::kInvalidHandle);
  }
  return OwnPtr<Message>(m);
}

void Channel::add_call_waiter(CallWaiter* waiter) {
  Guard guard(lock());
  waiter->next = callers_;
  callers_ = waiter;
  if (peer_locked() == nullptr) waiter->peer_closed = true;
  // A matching message queued before it came counts as well.
  for (Message* m = head_; m != nullptr && !waiter->reply_ready; m = m->next_)
    if (waiter->txid == 0 || m->txid() == waiter->txid) waiter->reply_ready = true;
}

void Channel::remove_call_waiter(CallWaiter* waiter) {
  Guard guard(lock());
  for (CallWaiter** link = &callers_; *link != nullptr; link = &(*link)->next) {
    if (*link == waiter) {
      *link = waiter->next;
      return;
    }
  }
}

void Channel::rearm_call_waiter(CallWaiter* waiter) {
  Guard guard(lock());
  waiter->reply_ready = false;
}

void Channel::notify_callers_locked(u32 txid) {
  for (CallWaiter* w = callers_; w != nullptr; w = w->next) {
    if ((w->txid == 0 || w->txid == txid) && !w->reply_ready) {
      w->reply_ready = true;
      w->wake(w->context);
    }
  }
}

u32 Channel::queued_messages() const {
  Guard guard(lock());
  return queued_;
}

void Channel::on_zero_handles() {
  Message* dropped;
  {
    Guard guard(lock());
    dropped = take_queue_locked();
    unlink_peer_locked();
    update_signals_locked(Signals::Readable | Signals::Writable, Signals::None);
  }
  // Closing the handles in the dropped messages may close other objects' last handles in turn;
  // no lock is held here, so they may take their own.
  free_queue(dropped);
}

void Channel::on_peer_closed_locked() {
  update_signals_locked(Signals::Writable, Signals::PeerClosed);
  for (CallWaiter* w = callers_; w != nullptr; w = w->next) {
    w->peer_closed = true;
    w->wake(w->context);
  }
}

Message* Channel::take_queue_locked() {
  Message* head = head_;
  head_ = tail_ = nullptr;
  queued_ = 0;
  return head;
}

namespace {
// Messages waiting to be freed. Freeing one closes its handles, which may drop another channel's
// queue, whose messages hold channels with queues, and so on: as deep as user space nests them.
// So only one thread frees at a time, iteratively; a free that happens meanwhile (nested in it, or
// on another hart) only appends here and returns. The kernel stack never grows with the nesting.
SpinLock g_free_lock;
Message* g_free_head = nullptr;   // guarded by g_free_lock
Message* g_free_tail = nullptr;
bool g_freeing = false;
}  // namespace

void Channel::free_queue(Message* head) {
  if (head == nullptr) return;
  Message* tail = head;
  while (tail->next_ != nullptr) tail = tail->next_;
  g_free_lock.lock();
  if (g_free_tail != nullptr) g_free_tail->next_ = head;
  else g_free_head = head;
  g_free_tail = tail;
  if (g_freeing) {
    g_free_lock.unlock();
    return;  // the thread freeing now frees these too
  }
  g_freeing = true;
  while (g_free_head != nullptr) {
    Message* m = g_free_head;
    g_free_head = m->next_;
    if (g_free_head == nullptr) g_free_tail = nullptr;
    m->next_ = nullptr;
    g_free_lock.unlock();
    delete m;  // may append to the list (see above)
    g_free_lock.lock();
  }
  g_freeing = false;
  g_free_lock.unlock();
}

}  // namespace kernel
