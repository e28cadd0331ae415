// kernel/syscalls/channel.cc: channel_write and channel_read (channel_create is with the other
// creators in event.cc) and channel_call, the RPC primitive servers use.
#include <atomic>
#include <cstring>

#include "kernel/object/channel.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

Status sys_channel_write(Handle handle, koios::u32 options, UserPtr<const void> bytes, koios::u32 num_bytes,
                         UserPtr<const Handle> handles, koios::u32 num_handles) {
  if (options != 0) return Status::InvalidArgs;
  if (num_bytes > koios::kMaxMessageBytes || num_handles > koios::kMaxMessageHandles) return Status::OutOfRange;
  auto channel = TRY(current_handles().lookup<Channel>(handle, Rights::Write));
  auto message = TRY(channel->new_message(num_bytes, num_handles));
  TRY(bytes.copy_in(message->bytes(), num_bytes));
  TRY(handles.copy_in(message->handle_values(), num_handles));
  return channel->write(current_handles(), std::move(message));
}

namespace {
void wake_thread(void* thread) { Scheduler::wake(static_cast<Thread*>(thread)); }

// Set under the channel's lock, perhaps on another hart, and read here without it: a stale false
// only means one more block, which a pending wake ends at once.
bool marked(const Channel::CallWaiter& waiter) {
  return reinterpret_cast<const volatile bool&>(waiter.reply_ready) ||
         reinterpret_cast<const volatile bool&>(waiter.peer_closed);
}

// Every output is checked before a message leaves the queue: once its handles are installed they
// must be reported.
Status check_read_outputs(UserPtr<void> bytes, UserPtr<Handle> handles, koios::u32 num_bytes, koios::u32 num_handles,
                          UserPtr<koios::MessageSizes> actual) {
  TRY(bytes.check_writable(num_bytes));
  TRY(handles.check_writable(num_handles));
  if (!actual.is_null()) TRY(actual.check_writable());
  return Status::Ok;
}
}  // namespace

Status sys_channel_read(Handle handle, koios::u32 options, UserPtr<void> bytes, UserPtr<Handle> handles,
                        koios::u32 num_bytes, koios::u32 num_handles, UserPtr<koios::MessageSizes> actual) {
  if ((options & ~koios::kChannelReadWait) != 0) return Status::InvalidArgs;
  TRY(check_read_outputs(bytes, handles, num_bytes, num_handles, actual));
  auto channel = TRY(current_handles().lookup<Channel>(handle, Rights::Read));
  koios::MessageSizes sizes{0, 0};
  koios::Result<OwnPtr<Message>> message = Status::ShouldWait;
  if ((options & koios::kChannelReadWait) == 0) {
    message = channel->read(current_handles(), num_bytes, num_handles, &sizes);
  } else {
    // Registered before the first read, so a message queued after that read wakes this thread
    // (or leaves a pending wake that makes the block return at once).
    Channel::CallWaiter waiter;
    waiter.wake = wake_thread;
    waiter.context = Scheduler::current();
    channel->add_call_waiter(&waiter);
    struct Remove {
      Channel& channel;
      Channel::CallWaiter& waiter;
      ~Remove() { channel.remove_call_waiter(&waiter); }
    } remove{*channel, waiter};
    UserAspace* space = Scheduler::current()->user_aspace();
    koios::u64 checked_at = space->pte_changes();
    for (;;) {
      if (marked(waiter)) {
        channel->rearm_call_waiter(&waiter);
        // Another thread may have unmapped the buffers while this one slept.
        if (space->pte_changes() != checked_at) {
          checked_at = space->pte_changes();
          TRY(check_read_outputs(bytes, handles, num_bytes, num_handles, actual));
        }
        message = channel->read(current_handles(), num_bytes, num_handles, &sizes);
        if (message.status() != Status::ShouldWait) break;   // or another thread took it first
      }
      if (Scheduler::current()->interrupted()) return Status::Interrupted;
      Scheduler::block_until(Scheduler::kForever);
    }
  }
  if (!actual.is_null() && (message.ok() || message.status() == Status::BufferTooSmall)) TRY(actual.copy_out(&sizes));
  if (!message.ok()) return message.status();
  TRY(bytes.copy_out(message.value()->bytes(), sizes.bytes));
  TRY(handles.copy_out(message.value()->handle_values(), sizes.handles));
  channel->recycle(std::move(message.value()));
  return Status::Ok;
}

}  // namespace kernel

namespace kernel {

namespace {
// Transaction ids the kernel assigns to calls: never 0, high bit set (a server's own ids, if it
// numbers messages, stay below), unique while 2^31 calls are outstanding.
std::atomic<koios::u32> g_next_txid{0};
koios::u32 next_txid() { return 0x80000000u | (g_next_txid.fetch_add(1, std::memory_order_relaxed) & 0x7fffffffu); }
}  // namespace

// Writes the request, then blocks until the reply with the same (kernel-assigned) txid arrives at
// this end, the peer goes, or the deadline passes. Only the caller's own reply is taken; other
// messages stay queued for ordinary reads.
Status sys_channel_call(Handle handle, koios::u32 options, koios::i64 deadline, UserPtr<const koios::ChannelCallArgs> uargs,
                        UserPtr<koios::MessageSizes> actual) {
  if (options != 0) return Status::InvalidArgs;
  koios::ChannelCallArgs args;
  TRY(uargs.copy_in(&args));
  if (args.write_num_bytes < sizeof(koios::MessageHeader)) return Status::InvalidArgs;
  if (args.write_num_bytes > koios::kMaxMessageBytes || args.write_num_handles > koios::kMaxMessageHandles)
    return Status::OutOfRange;
  UserPtr<void> read_bytes(reinterpret_cast<koios::u64>(args.read_bytes));
  UserPtr<Handle> read_handles(reinterpret_cast<koios::u64>(args.read_handles));
  TRY(read_bytes.check_writable(args.read_num_bytes));
  TRY(read_handles.check_writable(args.read_num_handles));
  if (!actual.is_null()) TRY(actual.check_writable());
  auto channel = TRY(current_handles().lookup<Channel>(handle, Rights::Read | Rights::Write));
  auto message = TRY(channel->new_message(args.write_num_bytes, args.write_num_handles));
  TRY(UserPtr<const void>(reinterpret_cast<koios::u64>(args.write_bytes)).copy_in(message->bytes(), args.write_num_bytes));
  TRY(UserPtr<const Handle>(reinterpret_cast<koios::u64>(args.write_handles))
          .copy_in(message->handle_values(), args.write_num_handles));
  koios::MessageHeader header;
  std::memcpy(&header, message->bytes(), sizeof header);
  header.txid = next_txid();
  std::memcpy(message->bytes(), &header, sizeof header);

  Channel::CallWaiter waiter;
  waiter.txid = header.txid;
  waiter.wake = wake_thread;
  waiter.context = Scheduler::current();
  channel->add_call_waiter(&waiter);
  struct Remove {
    Channel& channel;
    Channel::CallWaiter& waiter;
    ~Remove() { channel.remove_call_waiter(&waiter); }
  } remove{*channel, waiter};
  TRY(channel->write(current_handles(), std::move(message)));

  koios::u64 until = deadline == koios::kDeadlineInfinite ? Scheduler::kForever
                     : deadline <= 0                     ? 0
                                                         : static_cast<koios::u64>(deadline);
  for (;;) {
    // Read only once a matching reply was queued (or the peer went): until then there is none.
    if (marked(waiter)) {
      koios::MessageSizes sizes{0, 0};
      auto reply = channel->read_reply(current_handles(), header.txid, args.read_num_bytes, args.read_num_handles, &sizes);
      if (!actual.is_null() && (reply.ok() || reply.status() == Status::BufferTooSmall)) TRY(actual.copy_out(&sizes));
      if (reply.ok()) {
        TRY(read_bytes.copy_out(reply.value()->bytes(), sizes.bytes));
        TRY(read_handles.copy_out(reply.value()->handle_values(), sizes.handles));
        channel->recycle(std::move(reply.value()));
        return Status::Ok;
      }
      if (reply.status() != Status::ShouldWait) return reply.status();
      if (reinterpret_cast<volatile bool&>(waiter.peer_closed)) return Status::PeerClosed;
    }
    // Suspended or killed: the reply, when it comes, stays queued for a later read.
    if (Scheduler::current()->interrupted()) return Status::Interrupted;
    if (until != Scheduler::kForever && platform::now_ns() >= until) return Status::TimedOut;
    Scheduler::block_until(until);
  }
}

}  // namespace kernel
