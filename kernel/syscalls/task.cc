// kernel/syscalls/task.cc: task_* handlers, which take a job, a process or a thread.
#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "kernel/syscalls/install.h"

namespace kernel {

using koios::Handle;
using koios::ObjectType;
using koios::Rights;
using koios::Status;

namespace {
template <typename T>
T* as(KernelObject* object) {
  return static_cast<T*>(object);
}
}  // namespace

Status sys_task_kill(Handle task) {
  auto entry = TRY(current_handles().lookup_any(task, Rights::None));
  ObjectType type = entry.object->type();
  if (type != ObjectType::Job && type != ObjectType::Process && type != ObjectType::Thread) return Status::WrongType;
  if (!koios::contains(entry.rights, Rights::Manage)) return Status::AccessDenied;
  switch (type) {
    case ObjectType::Job: as<Job>(entry.object.get())->kill(); break;
    case ObjectType::Process: as<Process>(entry.object.get())->kill(); break;
    default: as<UserThread>(entry.object.get())->kill(); break;
  }
  return Status::Ok;  // killing oneself returns here; the thread stops on its way out
}

Status sys_task_suspend(Handle task) {
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(task, Rights::Manage));
  return thread->suspend();
}

Status sys_task_resume(Handle task) {
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(task, Rights::Manage));
  return thread->resume();
}

Status sys_task_create_exception_channel(Handle task, koios::u32 options, UserPtr<Handle> out) {
  if (options != 0) return Status::InvalidArgs;
  auto entry = TRY(current_handles().lookup_any(task, Rights::None));
  ObjectType type = entry.object->type();
  if (type != ObjectType::Job && type != ObjectType::Process && type != ObjectType::Thread) return Status::WrongType;
  if (!koios::contains(entry.rights, Rights::Manage | Rights::Inspect)) return Status::AccessDenied;
  TRY(out.check_writable());
  KernelHandle handler_end;
  switch (type) {
    case ObjectType::Job: TRY(as<Job>(entry.object.get())->exception_channel().create(&handler_end)); break;
    case ObjectType::Process: TRY(as<Process>(entry.object.get())->exception_channel().create(&handler_end)); break;
    default: TRY(as<UserThread>(entry.object.get())->create_exception_channel(&handler_end)); break;
  }
  return install_handle(std::move(handler_end), out);
}

}  // namespace kernel
