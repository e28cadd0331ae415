// kernel/object/process.cc
#include "kernel/object/process.h"

#include <atomic>

#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "platform/platform.h"

namespace kernel {

using koios::ProcessExitReason;
using koios::Status;

namespace {
// Mixed into every handle table's secret, so handle values differ from boot to boot.
koios::u64 boot_seed() {
  static std::atomic<koios::u64> seed{0};
  koios::u64 s = seed.load();
  if (s == 0) {
    s = platform::time_ticks() * 0x9e3779b97f4a7c15ull | 1;
    koios::u64 expected = 0;
    if (!seed.compare_exchange_strong(expected, s)) s = expected;
  }
  return s;
}
}  // namespace

// The base class is built first, so the KoID already exists to key the handle table's secret.
Process::Process(RefPtr<UserAspace> space, const char* name, RefPtr<Job> job)
    : KernelObject(kType, koios::Signals::None),
      aspace_(std::move(space)),
      handles_(HandleTable::secret_for(koid(), boot_seed())),
      job_(std::move(job)) {
  koios::usize i = 0;
  for (; name != nullptr && name[i] != 0 && i + 1 < kNameMax; ++i) name_[i] = name[i];
  name_[i] = 0;
}

Process::~Process() {
  // Normally finish() has run; a process that failed half-way through create() has not.
  job_->remove_process(this);
  handles_.close_all();
  aspace_->destroy();  // its last thread is gone: no hart runs on it
}

koios::Result<RefPtr<Process>> Process::create(const char* name, RefPtr<Job> job, koios::u32 handle_quota) {
  if (!job) return Status::InvalidArgs;
  RefPtr<UserAspace> space = TRY(UserAspace::create());
  RefPtr<Process> process = TRY(make_ref<Process>(std::move(space), name, job));
  TRY(process->handles_.init(handle_quota));
  TRY(job->add_process(process.get()));
  return process;
}

Process::State Process::state() const {
  Guard guard(lock());
  return state_;
}

Status Process::add_thread(UserThread* thread) {
  Guard guard(lock());
  if (state_ == State::Dying || state_ == State::Dead) return Status::BadState;
  thread->process_next_ = first_thread_;
  first_thread_ = thread;
  thread->in_process_ = true;
  ++threads_;
  return Status::Ok;
}

Status Process::on_thread_starting(bool first) {
  Guard guard(lock());
  if (first ? state_ != State::Initial : state_ != State::Running) return Status::BadState;
  state_ = State::Running;
  ++started_threads_;
  return Status::Ok;
}

void Process::remove_thread(UserThread* thread, ProcessThreadEnd how) {
  bool last = false;
  {
    Guard guard(lock());
    if (!thread->in_process_) return;
    for (UserThread** link = &first_thread_; *link != nullptr; link = &(*link)->process_next_) {
      if (*link == thread) {
        *link = thread->process_next_;
        break;
      }
    }
    thread->in_process_ = false;
    --threads_;
    if (how == ProcessThreadEnd::Exited && --started_threads_ == 0) {
      // The last running thread is gone: the process is over, however it ended. Without a
      // recorded reason the threads simply all exited (return code 0, as in Zircon).
      if (!reason_recorded_) {
        reason_recorded_ = true;
        reason_ = ProcessExitReason::Exited;
      }
      // Dying from here: no thread may start between now and finish() below.
      state_ = State::Dying;
      stopping_.store(true, std::memory_order_release);
      last = true;
    }
  }
  if (last) finish();
}

void Process::begin_dying(ProcessExitReason reason, koios::i64 code, koios::u64 cause) {
  bool started;
  {
    Guard guard(lock());
    if (!reason_recorded_) {
      reason_recorded_ = true;
      reason_ = reason;
      return_code_ = code;
      fault_cause_ = cause;
    }
    if (state_ == State::Dead) return;
    started = state_ != State::Initial;
    state_ = State::Dying;
    stopping_.store(true, std::memory_order_release);
  }
  // Each thread once, taken by reference under the lock (a listed thread is alive: it leaves the
  // list before its last reference can go) and killed without it.
  for (;;) {
    RefPtr<UserThread> thread;
    {
      Guard guard(lock());
      for (UserThread* t = first_thread_; t != nullptr; t = t->process_next_) {
        if (!t->kill_requested()) {
          thread = RefPtr<UserThread>::try_from_listed(t);  // null if it is being destroyed
          if (thread) break;
        }
      }
    }
    if (!thread) break;
    thread->kill();
  }
  bool none_running;
  {
    Guard guard(lock());
    none_running = started_threads_ == 0;
  }
  if (!started || none_running) finish();
}

void Process::exit(koios::i64 return_code) { begin_dying(ProcessExitReason::Exited, return_code, 0); }

void Process::kill(ProcessExitReason reason, koios::u64 fault_cause) {
  begin_dying(reason, reason == ProcessExitReason::Exited ? 0 : -1, fault_cause);
}

void Process::finish() {
  {
    Guard guard(lock());
    if (finished_) return;
    finished_ = true;
    state_ = State::Dead;
    stopping_.store(true, std::memory_order_release);
  }
  // Its handles may name the process itself (or things that hold it): closing them breaks the cycles.
  handles_.close_all();
  exception_channel_.reset();
  job_->remove_process(this);
  {
    Guard guard(lock());
    update_signals_locked(koios::Signals::None, koios::Signals::Terminated);
  }
  release_aspace_if_unused();
}

void Process::on_core_created() {
  Guard guard(lock());
  ++cores_;
}

void Process::on_core_gone() {
  {
    Guard guard(lock());
    --cores_;
  }
  release_aspace_if_unused();
}

// A dead process keeps no memory, whoever still holds a handle to it (a zombie's parent, say): its
// pages go once it is finished and no kernel thread of it is left to run on its page table.
void Process::release_aspace_if_unused() {
  {
    Guard guard(lock());
    if (!finished_ || cores_ != 0 || aspace_released_) return;
    aspace_released_ = true;
  }
  aspace_->destroy();
}

void Process::on_zero_handles() {
  // Never started and nobody can start it now: it is over. A started process runs on.
  bool unstarted;
  {
    Guard guard(lock());
    unstarted = state_ == State::Initial;
  }
  if (unstarted) begin_dying(ProcessExitReason::Killed, -1, 0);
}

bool Process::exited() const {
  Guard guard(lock());
  return state_ == State::Dead;
}

koios::i64 Process::return_code() const {
  Guard guard(lock());
  return return_code_;
}

ProcessExitReason Process::exit_reason() const {
  Guard guard(lock());
  return reason_recorded_ ? reason_ : ProcessExitReason::None;
}

koios::u64 Process::fault_cause() const {
  Guard guard(lock());
  return fault_cause_;
}

koios::u32 Process::thread_count() const {
  Guard guard(lock());
  return threads_;
}

}  // namespace kernel
