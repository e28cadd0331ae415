// kernel/user_program.cc
#include "kernel/user_program.h"

#include <cstring>

#include "kernel/lib/bootfs.h"
#include "kernel/object/channel.h"
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

koios::Result<KernelHandle> make_startup_channel(const char* const* argv, koios::u32 argc, const char* const* envp,
                                                 koios::u32 envc, KernelHandle* handles,
                                                 const koios::StartupHandleInfo* infos, koios::u32 handle_count) {
  using koios::u32;
  if (handle_count > koios::kStartupMaxHandles) return koios::Status::OutOfRange;
  // The layout of koios/startup.h: header, one record per handle, then the strings back to back.
  u32 info_offset = sizeof(koios::StartupHeader);
  u32 strings_offset = info_offset + handle_count * u32(sizeof(koios::StartupHandleInfo));
  koios::u64 strings_size = 0;
  for (u32 i = 0; i < argc; ++i) strings_size += std::strlen(argv[i]) + 1;
  for (u32 i = 0; i < envc; ++i) strings_size += std::strlen(envp[i]) + 1;
  if (strings_offset + strings_size > koios::kMaxMessageBytes) return koios::Status::OutOfRange;
  u32 size = strings_offset + u32(strings_size);
  auto message = TRY(Message::create(size, handle_count));
  koios::u8* bytes = message->bytes();
  koios::StartupHeader header{koios::kStartupMagic, 1, argc, envc, handle_count, info_offset, strings_offset,
                              u32(strings_size)};
  std::memcpy(bytes, &header, sizeof header);
  std::memcpy(bytes + info_offset, infos, handle_count * sizeof(koios::StartupHandleInfo));
  koios::u8* at = bytes + strings_offset;
  for (u32 i = 0; i < argc + envc; ++i) {
    const char* s = i < argc ? argv[i] : envp[i - argc];
    koios::usize n = std::strlen(s) + 1;
    std::memcpy(at, s, n);
    at += n;
  }
  for (u32 i = 0; i < handle_count; ++i) message->handles()[i] = std::move(handles[i]);
  auto pair = TRY(Channel::create());
  TRY(pair.first->write_from_kernel(std::move(message)));
  // Our end goes with `pair`: the program reads the message, then sees PeerClosed.
  return KernelHandle(std::move(pair.second), Channel::kDefaultRights);
}

}  // namespace kernel
