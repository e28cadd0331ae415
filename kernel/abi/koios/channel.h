// kernel/abi/koios/channel.h: channel message limits and layouts, shared by kernel and user space.
#pragma once

#include "koios/handle.h"
#include "koios/types.h"

namespace koios {

inline constexpr u32 kMaxMessageBytes = 64 * 1024;
inline constexpr u32 kMaxMessageHandles = 64;
// Messages queued at one channel end. A write to a full end answers ShouldWait (the writer waits
// for Writable on its own end, which is asserted while the peer has room), never blocks in the
// kernel and never drops a message.
inline constexpr u32 kMaxQueuedMessages = 128;

// channel_read's options. Wait: when the queue is empty and the peer is there, block until a
// message arrives (or the peer goes: PeerClosed, or the thread is suspended or killed:
// Interrupted) instead of answering ShouldWait; with no deadline (object_wait_one has one). It
// makes a server's wait and read one syscall, as a blocking read of a pipe is on Linux.
inline constexpr u32 kChannelReadWait = 1;

// The first bytes of every message of a channel protocol (servers/proto/). channel_call matches a
// reply to its request by txid; the kernel looks at nothing else. txid 0 means "not a call".
struct MessageHeader {
  u32 txid;
  u32 ordinal;    // the protocol's operation number
};
static_assert(sizeof(MessageHeader) == 8 && alignof(MessageHeader) == 4);

// What channel_read and channel_call report: the size of the message read or, with
// BufferTooSmall, of the message left queued.
struct MessageSizes {
  u32 bytes;
  u32 handles;
};
static_assert(sizeof(MessageSizes) == 8);

// channel_call's request and reply buffers (seven syscall registers do not hold them all).
struct ChannelCallArgs {
  const void* write_bytes;
  const Handle* write_handles;
  void* read_bytes;
  Handle* read_handles;
  u32 write_num_bytes;
  u32 write_num_handles;
  u32 read_num_bytes;
  u32 read_num_handles;
};
static_assert(sizeof(ChannelCallArgs) == 48);

}  // namespace koios
