// kernel/user_program.cc
#include "kernel/user_program.h"

#include <cstring>

#include <atomic>

#include "kernel/lib/bootfs.h"
#include "kernel/lib/log.h"
#include "kernel/lib/format.h"
#include "kernel/object/channel.h"
#include "kernel/object/job.h"
#include "kernel/object/resource.h"
#include "kernel/object/user_thread.h"
#include "kernel/object/vmo.h"
#include "kernel/sched/scheduler.h"
#include "koios/vm.h"
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
  // Kernel-started test programs get a1 = their own process and a2 = their job (programs started
  // from user space get a start-up message instead, koios/startup.h). Once the process holds a
  // handle to itself, only its end breaks that cycle: on any failure below, it is killed.
  koios::Handle self = TRY(process->handles().add(process, Process::kDefaultRights));
  auto started = [&]() -> koios::Status {
    koios::Handle job_handle = TRY(process->handles().add(std::move(job), Job::kDefaultRights));
    RefPtr<UserThread> thread = TRY(UserThread::create(process, name));
    return thread->start(entry, UserAspace::kStackTop, arg, self, /*first=*/true, job_handle);
  }();
  if (started != koios::Status::Ok) {
    process->kill();
    return started;
  }
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

namespace {

// The start-up message of koios/startup.h: header, one record per handle, then the strings back to
// back; the handles move in.
koios::Result<OwnPtr<Message>> startup_message(const char* const* argv, koios::u32 argc, const char* const* envp,
                                               koios::u32 envc, KernelHandle* handles,
                                               const koios::StartupHandleInfo* infos, koios::u32 handle_count) {
  using koios::u32;
  if (handle_count > koios::kStartupMaxHandles) return koios::Status::OutOfRange;
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
  return message;
}

// The user range is one promise in two headers: the kernel's and the ABI's (user-space spawners
// compute vmar offsets from it).
static_assert(platform::kUserBase == koios::kUserBase && platform::kUserTop == koios::kUserTop);
static_assert(UserAspace::kStackTop == koios::kUserTop - koios::kPageSize);

SpinLock g_bootfs_lock;
Vmo* g_bootfs_vmo = nullptr;  // made on first use; holds a reference for good (no static destructors)

// Watches init once it has started: a kernel thread blocked on init's Terminated, so init's death
// is reported however late it comes, and costs nothing while init lives.
class TerminatedObserver final : public SignalObserver {
 public:
  explicit TerminatedObserver(Thread* thread) : SignalObserver(koios::Signals::Terminated), thread_(thread) {}
  Action on_signals(koios::Signals current) override {
    if ((current & watched()) == koios::Signals::None) return Action::Keep;
    done_.store(true, std::memory_order_release);
    Scheduler::wake(thread_);
    return Action::Remove;
  }
  bool done() const { return done_.load(std::memory_order_acquire); }

 private:
  Thread* thread_;
  std::atomic<bool> done_{false};
};

void report_init_death(const Process& init) {
  switch (init.exit_reason()) {
    case koios::ProcessExitReason::Exited:
      LOG_ERROR("init exited with code %ld; it is not restarted", static_cast<long>(init.return_code()));
      break;
    case koios::ProcessExitReason::Fault:
      LOG_ERROR("init was killed by %s; it is not restarted", platform::trap_cause_name(init.fault_cause()));
      break;
    default: LOG_ERROR("init was killed; it is not restarted"); break;
  }
  print("init died: the system runs on without it (the console stays with the monitor)\n");
}

void watch_init(void* arg) {
  RefPtr<Process> init = RefPtr<Process>::adopt(static_cast<Process*>(arg));  // start_init's reference
  TerminatedObserver observer(Scheduler::current());
  init->add_observer(&observer);
  while (!observer.done()) Scheduler::block_until(Scheduler::kForever);
  report_init_death(*init);
}

}  // namespace

koios::Result<KernelHandle> make_startup_channel(const char* const* argv, koios::u32 argc, const char* const* envp,
                                                 koios::u32 envc, KernelHandle* handles,
                                                 const koios::StartupHandleInfo* infos, koios::u32 handle_count) {
  auto message = TRY(startup_message(argv, argc, envp, envc, handles, infos, handle_count));
  auto pair = TRY(Channel::create());
  TRY(pair.first->write_from_kernel(std::move(message)));
  // Our end goes with `pair`: the program reads the message, then sees PeerClosed.
  return KernelHandle(std::move(pair.second), Channel::kDefaultRights);
}

koios::Result<KernelHandle> bootfs_vmo_handle() {
  constexpr koios::Rights kRights = koios::kRightsBasic | koios::Rights::Read | koios::Rights::Map |
                                    koios::Rights::Execute | koios::Rights::GetProperty;
  Guard guard(g_bootfs_lock);
  if (g_bootfs_vmo == nullptr) {
    // A copy rather than the image's own pages: a VmObject owns and frees its pages, and the
    // image's are not the page allocator's. 1.9 MiB, once.
    koios::u64 size = (bootfs::image_size() + koios::kPageSize - 1) / koios::kPageSize * koios::kPageSize;
    auto memory = TRY(VmObject::create(size, VmObject::Resizable::No));
    TRY(memory->write(bootfs::image(), 0, bootfs::image_size()));
    g_bootfs_vmo = TRY(Vmo::wrap(std::move(memory))).leak_ref();
  }
  return KernelHandle(RefPtr<Vmo>::from_existing(g_bootfs_vmo), kRights);
}

koios::Status start_init(koios::u64 timeout_ns, const char* const* envp, koios::u32 envc) {
  using koios::StartupHandleKind;
  if (!bootfs::find("init").ok()) return koios::Status::NotFound;
  KernelHandle handles[3] = {
      KernelHandle(RefPtr<Job>::from_existing(&Job::root()), Job::kDefaultRights),
      KernelHandle(root_resource(), Resource::kDefaultRights),
      TRY(bootfs_vmo_handle()),
  };
  const koios::StartupHandleInfo infos[3] = {
      {StartupHandleKind::Job, 0},
      {StartupHandleKind::Resource, static_cast<koios::u32>(koios::ResourceKind::Root)},
      {StartupHandleKind::BootfsVmo, 0},
  };
  const char* argv[] = {"init"};
  auto message = TRY(startup_message(argv, 1, envp, envc, handles, infos, 3));
  // We keep our end: init says on it when its start-up is done.
  auto pair = TRY(Channel::create());
  TRY(pair.first->write_from_kernel(std::move(message)));
  RefPtr<Channel> ours = std::move(pair.first);
  KernelHandle theirs(std::move(pair.second), Channel::kDefaultRights);
  UserRun run;
  TRY(spawn_user_program("init", 0, &run, &theirs));
  Process* init = run.process.get();
  auto watcher = Thread::create("init-watch", watch_init, RefPtr<Process>(run.process).leak_ref());
  if (!watcher.ok()) {
    (void)RefPtr<Process>::adopt(init);  // the reference meant for the watcher
    return watcher.status();
  }
  Scheduler::start(watcher.value());
  koios::u64 deadline = platform::now_ns() + timeout_ns;
  while ((ours->signals() & koios::Signals::Readable) == koios::Signals::None) {
    if (init->exited()) return koios::Status::BadState;  // the watcher reports it
    if (platform::now_ns() > deadline) {
      LOG_ERROR("init did not finish starting in %lu ms", timeout_ns / 1'000'000);
      return koios::Status::TimedOut;
    }
    Scheduler::sleep_ns(1'000'000);
  }
  // `ours` goes now: init's bootstrap channel sees PeerClosed, which tells it nothing else comes.
  return koios::Status::Ok;
}

}  // namespace kernel
