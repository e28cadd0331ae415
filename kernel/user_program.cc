// kernel/user_program.cc
#include "kernel/user_program.h"

#include <atomic>

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

koios::Status run_user_program(const char* name, koios::u64 arg, koios::u64 timeout_ns, koios::i64* exit_code) {
  static UserRun runs[4];  // FIXME(#4): a process handle to wait on replaces this
  static std::atomic<koios::u32> next{0};
  UserRun* run = &runs[next.fetch_add(1) % 4];
  TRY(spawn_user_program(name, arg, run, nullptr));
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  while (!reinterpret_cast<volatile bool&>(run->done)) {
    if (platform::now_ns() > deadline) return koios::Status::TimedOut;
    Scheduler::sleep_ns(200'000);
  }
  *exit_code = run->exit_code;
  return koios::Status::Ok;
}

}  // namespace kernel
