// kernel/user_program.cc
#include "kernel/user_program.h"

#include <atomic>
#include <new>

#include "kernel/lib/bootfs.h"
#include "kernel/sched/scheduler.h"
#include "platform/platform.h"

namespace kernel {

namespace {
void record_exit(Thread* self) {
  auto* run = static_cast<UserRun*>(self->exit_context());
  run->exit_code = self->exit_code();
  std::atomic_thread_fence(std::memory_order_release);
  run->done = true;
}
}  // namespace

koios::Status spawn_user_program(const char* name, koios::u64 arg, UserRun* run, KernelHandle* start_handle) {
  auto file = TRY(bootfs::find(name));
  RefPtr<Process> process = TRY(Process::create(name));
  koios::u64 entry = TRY(process->aspace().load(file.data, file.size));
  if (start_handle != nullptr && *start_handle) arg = TRY(process->handles().add(std::move(*start_handle)));
  Thread* thread = TRY(Thread::create_user(std::move(process), entry, UserAspace::kStackTop, arg));
  run->done = false;
  thread->set_on_exit(record_exit, run);
  Scheduler::start(thread);
  return koios::Status::Ok;
}

koios::Status run_user_program(const char* name, koios::u64 arg, koios::u64 timeout_ns, koios::i64* exit_code,
                               KernelHandle* start_handle) {
  // FIXME(#4): a process handle to wait on replaces this record. It is the program's until it
  // ends, so a run that times out leaves it behind (leaked) rather than let a later run reuse it.
  auto* run = new (std::nothrow) UserRun();
  if (run == nullptr) return koios::Status::NoMemory;
  if (koios::Status s = spawn_user_program(name, arg, run, start_handle); s != koios::Status::Ok) {
    delete run;
    return s;
  }
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  while (!reinterpret_cast<volatile bool&>(run->done)) {
    if (platform::now_ns() > deadline) return koios::Status::TimedOut;
    Scheduler::sleep_ns(200'000);
  }
  *exit_code = run->exit_code;
  delete run;
  return koios::Status::Ok;
}

}  // namespace kernel
