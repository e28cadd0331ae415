// kernel/syscalls/timer.cc: the timer_* handlers.
#include "kernel/object/timer.h"
#include "kernel/sched/blocking.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

Status sys_timer_create(koios::u32 options, UserPtr<Handle> out) {
  if (options != 0) return Status::InvalidArgs;
  TRY(out.check_writable());
  Handle value = TRY(current_handles().add(TRY(Timer::create()), Timer::kDefaultRights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);
    return s;
  }
  return Status::Ok;
}

// Slack (how late the timer may fire, to batch wake-ups) is accepted but not used yet; a negative
// one is OutOfRange, as in Zircon.
Status sys_timer_set(Handle handle, koios::i64 deadline, koios::i64 slack) {
  auto timer = TRY(current_handles().lookup<Timer>(handle, Rights::Write));
  if (slack < 0) return Status::OutOfRange;
  timer->set(deadline_ns(deadline));
  return Status::Ok;
}

Status sys_timer_cancel(Handle handle) {
  auto timer = TRY(current_handles().lookup<Timer>(handle, Rights::Write));
  timer->cancel();
  return Status::Ok;
}

}  // namespace kernel
