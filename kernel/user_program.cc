// kernel/user_program.cc
#include "kernel/user_program.h"

#include <atomic>
#include <cstring>
#include <new>

#include "kernel/lib/bootfs.h"
#include "kernel/object/channel.h"
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
  // Channel::write moves handles out of a table, so they pass through a scratch one.
  HandleTable scratch(0);
  TRY(scratch.init(handle_count + 1));
  for (u32 i = 0; i < handle_count; ++i) message->handle_values()[i] = TRY(scratch.add(std::move(handles[i])));
  auto pair = TRY(Channel::create());
  TRY(pair.first->write(scratch, std::move(message)));
  // Our end goes with `pair`: the program reads the message, then sees PeerClosed.
  return KernelHandle(std::move(pair.second), Channel::kDefaultRights);
}

}  // namespace kernel
