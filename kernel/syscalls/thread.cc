// kernel/syscalls/thread.cc: thread_* handlers.
#include "kernel/object/user_thread.h"
#include "kernel/syscalls/install.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

Status sys_thread_create(Handle process_handle, UserPtr<const char> name, koios::u32 name_size, koios::u32 options,
                         UserPtr<Handle> out) {
  if (options != 0) return Status::InvalidArgs;
  RefPtr<Process> process = TRY(current_handles().lookup<Process>(process_handle, Rights::Manage));
  char copied[Thread::kNameMax];
  TRY(copy_name_in(name, name_size, copied, sizeof copied));
  TRY(out.check_writable());
  return install_one(TRY(UserThread::create(std::move(process), copied)), out);
}

Status sys_thread_start(Handle thread_handle, koios::u64 entry, koios::u64 stack, koios::u64 arg1, koios::u64 arg2) {
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(thread_handle, Rights::Manage));
  if (entry < platform::kUserBase || entry >= platform::kUserTop) return Status::InvalidArgs;
  return thread->start(entry, stack, arg1, arg2, /*first=*/false);
}

void sys_thread_exit() { Scheduler::exit_current(); }

Status sys_thread_read_state(Handle thread_handle, koios::u32 kind, UserPtr<void> buffer, koios::u64 buffer_size) {
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(thread_handle, Rights::Read));
  if (kind != static_cast<koios::u32>(koios::ThreadStateKind::General)) return Status::InvalidArgs;
  if (buffer_size < sizeof(koios::ThreadStateGeneral)) return Status::BufferTooSmall;
  koios::ThreadStateGeneral state;
  TRY(thread->read_state(&state));
  return buffer.copy_out(&state, sizeof state);
}

Status sys_thread_write_state(Handle thread_handle, koios::u32 kind, UserPtr<const void> buffer,
                              koios::u64 buffer_size) {
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(thread_handle, Rights::Write));
  if (kind != static_cast<koios::u32>(koios::ThreadStateKind::General)) return Status::InvalidArgs;
  if (buffer_size != sizeof(koios::ThreadStateGeneral)) return Status::InvalidArgs;
  koios::ThreadStateGeneral state;
  TRY(buffer.copy_in(&state, sizeof state));
  return thread->write_state(state);
}

}  // namespace kernel
