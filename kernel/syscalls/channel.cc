// kernel/syscalls/channel.cc: channel_write and channel_read (channel_create is with the other
// creators in event.cc; channel_call comes with its benchmark, FIXME(#4)).
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
  auto message = TRY(Message::create(num_bytes, num_handles));
  TRY(bytes.copy_in(message->bytes(), num_bytes));
  TRY(handles.copy_in(message->handle_values(), num_handles));
  return channel->write(current_handles(), std::move(message));
}

Status sys_channel_read(Handle handle, koios::u32 options, UserPtr<void> bytes, UserPtr<Handle> handles,
                        koios::u32 num_bytes, koios::u32 num_handles, UserPtr<koios::MessageSizes> actual) {
  if (options != 0) return Status::InvalidArgs;
  // Every output is checked before the message leaves the queue: once its handles are installed
  // they must be reported.
  TRY(bytes.check_writable(num_bytes));
  TRY(handles.check_writable(num_handles));
  if (!actual.is_null()) TRY(actual.check_writable());
  auto channel = TRY(current_handles().lookup<Channel>(handle, Rights::Read));
  koios::MessageSizes sizes{0, 0};
  auto message = channel->read(current_handles(), num_bytes, num_handles, &sizes);
  if (!actual.is_null() && (message.ok() || message.status() == Status::BufferTooSmall)) TRY(actual.copy_out(&sizes));
  if (!message.ok()) return message.status();
  TRY(bytes.copy_out(message.value()->bytes(), sizes.bytes));
  return handles.copy_out(message.value()->handle_values(), sizes.handles);
}

}  // namespace kernel
