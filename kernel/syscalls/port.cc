// kernel/syscalls/port.cc: the port_* handlers (object_wait_async, which binds a wait to a port,
// is with the other object_* handlers in object.cc).
#include "kernel/object/port.h"
#include "kernel/sched/blocking.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::PortPacket;
using koios::Rights;
using koios::Status;

namespace {
void wake_reader(void* thread) { Scheduler::wake(static_cast<Thread*>(thread)); }
}  // namespace

Status sys_port_create(koios::u32 options, UserPtr<Handle> out) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out.check_writable());
  Handle value = TRY(current_handles().add(TRY(Port::create()), Port::kDefaultRights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);
    return s;
  }
  return Status::Ok;
}

Status sys_port_queue(Handle handle, UserPtr<const PortPacket> packet) {
  auto port = TRY(current_handles().lookup<Port>(handle, Rights::Write));
  PortPacket copy;
  TRY(packet.copy_in(&copy));
  return port->queue_user(copy);
}

Status sys_port_wait(Handle handle, koios::i64 deadline, UserPtr<PortPacket> packet) {
  auto port = TRY(current_handles().lookup<Port>(handle, Rights::Read));
  // A packet once taken must be delivered: refuse a bad buffer before waiting.
  TRY(packet.check_writable());
  Port::Waiter waiter;
  waiter.wake = wake_reader;
  waiter.context = Scheduler::current();
  port->add_waiter(&waiter);
  PortPacket taken{};
  Status status = block_while_not(deadline_ns(deadline), [&] {
    auto got = port->dequeue();
    if (!got.ok()) return false;
    taken = got.value();
    return true;
  });
  port->remove_waiter(&waiter);
  if (status != Status::Ok) return status;
  return packet.copy_out(&taken);
}

Status sys_port_cancel(Handle handle, Handle source, koios::u64 key) {
  auto port = TRY(current_handles().lookup<Port>(handle, Rights::Write));
  auto entry = TRY(current_handles().lookup_any(source, Rights::None));
  return port->cancel(entry.object.get(), key);
}

}  // namespace kernel
