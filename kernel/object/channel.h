// kernel/object/channel.h: one end of a pair of message endpoints (after Zircon's channel). A write
// queues a Message at the peer; handles move out of the writer's table atomically with the bytes.
// Each end holds at most kMaxQueuedMessages: a write to a full peer answers ShouldWait and the
// writer's end drops Writable until the peer reads. Once one end's last handle is gone, its queue
// (and every handle in it) is closed and the other end reports PeerClosed for good; it can still
// read what was queued before. Each end dies with its own last handle and reference.
//
// Signals: Readable while the end's queue is not empty; Writable while the peer exists and has
// room; PeerClosed once alone. Lock order: the handle table's lock, then the pair's lock.
//
// Dropping a queue that holds channels that hold queues does not recurse: freed messages go through
// one iterative list (free_queue). A known limit, as in Zircon: two channels each queued in the
// other's peer keep each other alive (a cycle through messages) after their owners are gone.
#pragma once

#include <atomic>

#include "kernel/lib/own_ptr.h"
#include "kernel/object/handle_table.h"
#include "kernel/object/message.h"
#include "kernel/object/object.h"
#include "koios/channel.h"

namespace kernel {

class Channel final : public PeeredObject<Channel> {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Channel;
  static constexpr koios::Rights kDefaultRights =
      koios::kRightsBasic | koios::kRightsIo | koios::Rights::Signal | koios::Rights::SignalPeer;

  static koios::Result<PeerPair<Channel>> create();   // fails only with NoMemory
  // Use create(); public only so make_ref can build one.
  explicit Channel(RefPtr<PeerHolder> holder);
  ~Channel() override;

  // Queues `message` at the peer, moving message->handle_values() out of `table` into it; all or
  // nothing. In order: BadHandle (a listed handle is invalid or listed twice), AccessDenied (one
  // lacks Transfer), NotSupported (one names this channel or its peer: a channel cannot carry
  // itself), PeerClosed, ShouldWait (the peer's queue is full). On error the table is unchanged.
  koios::Status write(HandleTable& table, OwnPtr<Message> message);

  // Dequeues the oldest message and installs its handles in `table`; the caller copies out the
  // bytes and handle_values(). *sizes gets the message's sizes whenever there is one. ShouldWait
  // when empty, PeerClosed when empty and alone, BufferTooSmall when it needs more than
  // max_bytes/max_handles, NoResources when the table has no room for its handles; on these errors
  // the message stays queued.
  // Queues a message the kernel made (exceptions, start-up messages), whose handles() already hold
  // the capabilities. PeerClosed, ShouldWait, or NotSupported if it would carry this channel.
  koios::Status write_from_kernel(OwnPtr<Message> message);
  koios::Result<OwnPtr<Message>> read(HandleTable& table, koios::u32 max_bytes, koios::u32 max_handles,
                                      koios::MessageSizes* sizes);

  koios::u32 queued_messages() const;

  // A message to write through this end: the end's spare when it fits (no allocation), else a new
  // one (Message::create: OutOfRange, NoMemory).
  koios::Result<OwnPtr<Message>> new_message(koios::u32 num_bytes, koios::u32 num_handles);
  // A message read at this end whose bytes and handles were copied out: kept as the spare for this
  // end's next write when it has no storage of its own, else freed. A request and its reply then
  // cost no allocation once a channel is in use.
  void recycle(OwnPtr<Message> message);

  // channel_call: a caller waiting at this end for the reply carrying its txid (channel_read with
  // kChannelReadWait: txid 0, any message). A write that queues such a message here, or the peer
  // going away, marks it (reply_ready, peer_closed) and calls wake(context) under the pair's lock
  // (wake must not block); add_call_waiter marks it at once if such a message is already queued
  // or the peer is gone, so the waiter reads only once marked. The waiter's memory is the
  // caller's; it must be removed before it goes.
  struct CallWaiter {
    koios::u32 txid = 0;
    void (*wake)(void* context) = nullptr;
    void* context = nullptr;
    bool reply_ready = false;
    bool peer_closed = false;
    CallWaiter* next = nullptr;
  };
  void add_call_waiter(CallWaiter* waiter);
  void remove_call_waiter(CallWaiter* waiter);
  // Clears reply_ready, so that the next matching message wakes the waiter again (a reader that
  // found the queue empty once more, because another thread took the message).
  void rearm_call_waiter(CallWaiter* waiter);
  // Like read(), but takes the oldest message whose header carries `txid`, leaving others queued.
  koios::Result<OwnPtr<Message>> read_reply(HandleTable& table, koios::u32 txid, koios::u32 max_bytes,
                                            koios::u32 max_handles, koios::MessageSizes* sizes);

 private:
  void on_zero_handles() override;
  void on_peer_closed_locked() override;
  koios::Status enqueue_at_peer_locked(OwnPtr<Message>& message);
  // Takes the whole queue out, to be freed with no lock held.
  Message* take_queue_locked();
  static void free_queue(Message* head);

  // The oldest message (with `txid`, unless it is 0) leaves the queue; see read().
  koios::Result<OwnPtr<Message>> take_locked(HandleTable& table, koios::u32 txid, koios::u32 max_bytes,
                                             koios::u32 max_handles, koios::MessageSizes* sizes);
  void notify_callers_locked(koios::u32 txid);

  CallWaiter* callers_ = nullptr;
  std::atomic<Message*> spare_{nullptr};   // owned; taken and put back by exchange, no lock
  Message* head_ = nullptr;   // guarded by the pair's lock, like everything below
  Message* tail_ = nullptr;
  koios::u32 queued_ = 0;
};

}  // namespace kernel
