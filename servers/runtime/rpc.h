// servers/runtime/rpc.h: a typed channel call, the way every client talks to a server. A request
// and a reply are protocol structs (servers/proto/) that begin with a koios::MessageHeader; the
// kernel sets the txid and matches the reply to it.
#pragma once

#include <type_traits>

#include "koios/channel.h"
#include "koios/result.h"
#include "koios/signals.h"
#include "syscalls.h"

namespace koios {

template <typename Message>
inline constexpr bool kIsProtocolMessage =
    std::is_trivially_copyable_v<Message> && std::is_standard_layout_v<Message> &&
    std::is_same_v<std::remove_cv_t<decltype(Message::header)>, MessageHeader> &&
    sizeof(Message) <= kMaxMessageBytes;

// Optional handles that travel with a call: `send` moves out with the request (gone from this
// process even when the call fails after writing); `receive` gets the reply's, up to its size.
struct CallHandles {
  const Handle* send = nullptr;
  u32 send_count = 0;
  Handle* receive = nullptr;
  u32 receive_capacity = 0;
  u32 received = 0;   // filled in
};

// Sends `request` (its header's ordinal set to `ordinal`) on `channel` and waits for the reply
// until `deadline`. Besides channel_call's statuses, BadFormat when the reply is not exactly a
// `Reply`; the received handles are then closed, so nothing leaks.
template <typename Request, typename Reply>
Status call(Handle channel, u32 ordinal, Request request, Reply* reply, i64 deadline = kDeadlineInfinite,
            CallHandles* handles = nullptr) {
  static_assert(kIsProtocolMessage<Request> && kIsProtocolMessage<Reply>,
                "a protocol message is a trivially copyable struct whose first member is `MessageHeader header`");
  static_assert(__builtin_offsetof(Request, header) == 0 && __builtin_offsetof(Reply, header) == 0);
  request.header.txid = 0;   // the kernel assigns it
  request.header.ordinal = ordinal;
  ChannelCallArgs args{&request, handles ? handles->send : nullptr, reply, handles ? handles->receive : nullptr,
                       u32(sizeof(Request)), handles ? handles->send_count : 0u, u32(sizeof(Reply)),
                       handles ? handles->receive_capacity : 0u};
  MessageSizes actual{0, 0};
  Status s = channel_call(channel, 0, deadline, &args, &actual);
  if (s != Status::Ok) return s;
  if (handles != nullptr) handles->received = actual.handles;
  if (actual.bytes != sizeof(Reply)) {
    if (handles != nullptr) {
      for (u32 i = 0; i < actual.handles; ++i) (void)handle_close(handles->receive[i]);
      handles->received = 0;
    }
    return Status::BadFormat;
  }
  return Status::Ok;
}

}  // namespace koios
