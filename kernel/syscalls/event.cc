// kernel/syscalls/event.cc: event_create, eventpair_create, channel_create, socket_create and
// token_create (every *_create that hands back fresh handles shares one shape: check outputs,
// create, install both, report both).
#include "kernel/object/channel.h"
#include "kernel/object/event.h"
#include "kernel/object/event_pair.h"
#include "kernel/object/socket.h"
#include "kernel/object/token.h"
#include "kernel/syscalls/install.h"

namespace kernel {

using koios::Handle;
using koios::Status;

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

Status sys_token_create(koios::u32 options, UserPtr<Handle> out0, UserPtr<Handle> out1) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out0.check_writable());
  TRY(out1.check_writable());
  return install_pair(TRY(Token::create()), out0, out1);
}

}  // namespace kernel
