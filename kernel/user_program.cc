// kernel/user_program.cc
#include "kernel/user_program.h"

#include "kernel/lib/bootfs.h"
#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "kernel/sched/scheduler.h"
#include "platform/platform.h"

namespace kernel {

koios::i64 exit_summary(const Process& process) {
  switch (process.exit_reason()) {
    case koios::ProcessExitReason::Exited: return process.return_code();
    case koios::ProcessExitReason::Fault: return kExitKilledByFault - static_cast<koios::i64>(process.fault_cause());
    default: return kExitKilled;
  }
}

koios::Status spawn_user_program(const char* name, koios::u64 arg, UserRun* run, KernelHandle* start_handle) {
  auto file = TRY(bootfs::find(name));
  // Each program in a job of its own under the root, which it may create processes and jobs in.
  RefPtr<Job> job = TRY(Job::create_child(RefPtr<Job>::from_existing(&Job::root())));
  RefPtr<Process> process = TRY(Process::create(name, job));
  koios::u64 entry = TRY(process->aspace().load(file.data, file.size));
  if (start_handle != nullptr && *start_handle) arg = TRY(process->handles().add(std::move(*start_handle)));
  // FIXME(#4): the start-up message (koios/startup.h) replaces these two registers.
  koios::Handle self = TRY(process->handles().add(process, Process::kDefaultRights));
  koios::Handle job_handle = TRY(process->handles().add(std::move(job), Job::kDefaultRights));
  RefPtr<UserThread> thread = TRY(UserThread::create(process, name));
  TRY(thread->start(entry, UserAspace::kStackTop, arg, self, /*first=*/true, job_handle));
  run->process = std::move(process);
  return koios::Status::Ok;
}

koios::Status run_user_program(const char* name, koios::u64 arg, koios::u64 timeout_ns, koios::i64* exit_code,
                               KernelHandle* start_handle) {
  UserRun run;
  TRY(spawn_user_program(name, arg, &run, start_handle));
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  while (!run.process->exited()) {
    if (platform::now_ns() > deadline) {
      run.process->kill();
      return koios::Status::TimedOut;
    }
    Scheduler::sleep_ns(200'000);
  }
  *exit_code = exit_summary(*run.process);
  return koios::Status::Ok;
}

}  // namespace kernel
