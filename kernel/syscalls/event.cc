// kernel/syscalls/event.cc: event_create, eventpair_create, channel_create and socket_create (every *_create that
// hands back fresh handles shares one shape: check outputs, create, install both, report both).
#include "kernel/object/channel.h"
#include "kernel/object/event.h"
#include "kernel/object/event_pair.h"
#include "kernel/object/socket.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Status;

namespace {

template <typename T>
Status install_one(RefPtr<T> object, UserPtr<Handle> out) {
  Handle value = TRY(current_handles().add(std::move(object), T::kDefaultRights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);
    return s;
  }
  return Status::Ok;
}

template <typename T>
Status install_pair(PeerPair<T> pair, UserPtr<Handle> out0, UserPtr<Handle> out1) {
  Handle first = TRY(current_handles().add(std::move(pair.first), T::kDefaultRights));
  auto second = current_handles().add(std::move(pair.second), T::kDefaultRights);
  if (!second.ok()) {
    (void)current_handles().close(first);
    return second.status();
  }
  Status s = out0.copy_out(&first);
  if (s == Status::Ok) s = out1.copy_out(&second.value());
  if (s != Status::Ok) {
    (void)current_handles().close(first);
    (void)current_handles().close(second.value());
  }
  return s;
}

}  // namespace

Status sys_event_create(koios::u32 options, UserPtr<Handle> out) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out.check_writable());
  return install_one(TRY(Event::create()), out);
}

Status sys_eventpair_create(koios::u32 options, UserPtr<Handle> out0, UserPtr<Handle> out1) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out0.check_writable());
  TRY(out1.check_writable());
  return install_pair(TRY(EventPair::create()), out0, out1);
}

Status sys_channel_create(koios::u32 options, UserPtr<Handle> out0, UserPtr<Handle> out1) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out0.check_writable());
  TRY(out1.check_writable());
  return install_pair(TRY(Channel::create()), out0, out1);
}

}  // namespace kernel

namespace kernel {

Status sys_socket_create(koios::u32 options, UserPtr<Handle> out0, UserPtr<Handle> out1) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out0.check_writable());
  TRY(out1.check_writable());
  return install_pair(TRY(Socket::create()), out0, out1);
}

}  // namespace kernel
