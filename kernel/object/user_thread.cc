// kernel/object/user_thread.cc
#include "kernel/object/user_thread.h"

#include "kernel/object/job.h"
#include "kernel/sched/scheduler.h"

namespace kernel {
namespace {

// Wakes the faulting thread when its handler's end of the exception channel closes.
class WakeOnPeerClosed final : public SignalObserver {
 public:
  explicit WakeOnPeerClosed(Thread* thread) : SignalObserver(koios::Signals::PeerClosed), thread_(thread) {}
  Action on_signals(koios::Signals current) override {
    if ((current & koios::Signals::PeerClosed) == koios::Signals::None) return Action::Keep;
    Scheduler::wake(thread_);
    return Action::Remove;
  }

 private:
  Thread* thread_;
};

}  // namespace

using koios::Signals;
using koios::Status;
using koios::ThreadState;

koios::Result<RefPtr<UserThread>> UserThread::create(RefPtr<Process> process, const char* name) {
  Thread* core = TRY(Thread::create_user(process, name));
  auto made = make_ref<UserThread>(process, core);
  if (!made.ok()) {
    Thread::destroy_unstarted(core);
    return made.status();
  }
  RefPtr<UserThread> thread = std::move(made.value());
  TRY(process->add_thread(thread.get()));  // on failure the destructor frees the core
  return thread;
}

UserThread::UserThread(RefPtr<Process> process, Thread* core)
    : KernelObject(kType, Signals::None), process_(std::move(process)), core_(core) {
  core_->user_thread_ = this;
}

UserThread::~UserThread() {
  // Only a thread that never started dies with its core (a started one keeps this object alive
  // until its core has ended).
  if (core_ != nullptr) Thread::destroy_unstarted(core_);
  process_->remove_thread(this, ProcessThreadEnd::NeverStarted);
}

koios::Koid UserThread::related_koid() const { return process_->koid(); }

ThreadState UserThread::state() const {
  Guard guard(lock());
  // A snapshot for object_get_info: a running thread that sleeps in a wait shows as Blocked.
  if (state_ == ThreadState::Running && core_ != nullptr && core_->state() == Thread::State::Blocked)
    return ThreadState::Blocked;
  return state_;
}

Status UserThread::start(koios::u64 entry, koios::u64 stack, koios::u64 arg1, koios::u64 arg2, bool first,
                         koios::u64 arg3) {
  // Lock order: a thread's lock, then its process's (never the other way round).
  Guard guard(lock());
  if (started_ || core_ == nullptr || kill_requested_) return Status::BadState;
  TRY(process_->on_thread_starting(first));
  started_ = true;
  state_ = ThreadState::Running;
  update_signals_locked(Signals::None, Signals::Running);
  core_->set_user_start(entry, stack, arg1, arg2, arg3);
  core_->user_thread_ref_ = RefPtr<UserThread>::from_existing(this);  // dropped when the core is reaped
  Scheduler::start(core_);
  return Status::Ok;
}

// Entered with lock() held. The core stops at its next return to user mode: a blocked syscall is
// woken (it sees interrupted() and answers Interrupted); a thread running on another hart gets an
// IPI, so even a busy loop traps.
void UserThread::request_stop_locked() {
  stop_requested_.store(suspend_requested_ || kill_requested_, std::memory_order_release);
  if (core_ != nullptr && started_) Scheduler::interrupt(core_);
}

Status UserThread::suspend() {
  Guard guard(lock());
  if (core_ == nullptr || state_ == ThreadState::Dead) return Status::BadState;
  if (suspend_requested_) return Status::Ok;
  suspend_requested_ = true;
  request_stop_locked();
  return Status::Ok;
}

Status UserThread::resume() {
  Guard guard(lock());
  if (core_ == nullptr || state_ == ThreadState::Dead) return Status::BadState;
  if (state_ == ThreadState::BlockedException) {
    exception_resumed_ = true;
    Scheduler::wake(core_);
    return Status::Ok;
  }
  if (!suspend_requested_) return Status::BadState;
  suspend_requested_ = false;
  stop_requested_.store(kill_requested_, std::memory_order_release);
  if (parked_) {
    Scheduler::wake(core_);
  } else if (!kill_requested_) {
    // Resumed before it stopped: nothing happened, and a later syscall must not see a stale
    // interruption.
    core_->clear_interrupted();
  }
  return Status::Ok;
}

void UserThread::kill() {
  Guard guard(lock());
  kill_flag_.store(true, std::memory_order_release);
  if (kill_requested_ || core_ == nullptr) return;
  kill_requested_ = true;
  if (!started_) return;  // dies with its last handle; it can no longer start
  request_stop_locked();
}

Status UserThread::read_state(koios::ThreadStateGeneral* out) const {
  Guard guard(lock());
  if (!parked_ || frame_ == nullptr) return Status::BadState;
  out->pc = frame_->sepc;
  out->x[0] = 0;
  for (int i = 1; i < 32; ++i) out->x[i] = frame_->x[i];
  return Status::Ok;
}

Status UserThread::write_state(const koios::ThreadStateGeneral& in) {
  Guard guard(lock());
  if (!parked_ || frame_ == nullptr) return Status::BadState;
  // sstatus and the rest of the frame stay the kernel's: a handler can move the thread, not
  // raise its privilege. A bad pc faults in user mode like any other.
  frame_->sepc = in.pc;
  for (int i = 1; i < 32; ++i) frame_->x[i] = in.x[i];
  return Status::Ok;
}

void UserThread::checkpoint(platform::TrapFrame& frame) {
  for (;;) {
    lock().lock();
    if (kill_requested_) {
      parked_ = false;
      frame_ = nullptr;
      lock().unlock();
      Scheduler::exit_current();
    }
    if (!suspend_requested_) {
      if (parked_) {
        parked_ = false;
        frame_ = nullptr;
        state_ = ThreadState::Running;
        update_signals_locked(Signals::Suspended, Signals::Running);
      }
      core_->clear_interrupted();
      lock().unlock();
      return;
    }
    if (!parked_) {
      parked_ = true;
      frame_ = &frame;
      state_ = ThreadState::Suspended;
      update_signals_locked(Signals::Running, Signals::Suspended);
    }
    lock().unlock();
    Scheduler::block();  // until resume() or kill(); wakes may be spurious: look again
  }
}

UserThread::ExceptionOutcome UserThread::report_exception(platform::TrapFrame& frame) {
  koios::ExceptionReport report{process_->koid(), koid(), frame.scause, frame.sepc, frame.stval};
  ExceptionChannel* slots[2 + Job::kMaxDepth + 1];
  koios::u32 count = 0;
  slots[count++] = &exception_channel_;
  slots[count++] = &process_->exception_channel();
  for (Job* job = &process_->job(); job != nullptr && count < sizeof slots / sizeof slots[0]; job = job->parent())
    slots[count++] = &job->exception_channel();

  {
    Guard guard(lock());
    exception_resumed_ = false;  // once: a resume that lands between two slots still counts
    parked_ = true;
    frame_ = &frame;
    state_ = ThreadState::BlockedException;
    update_signals_locked(Signals::Running, Signals::None);
  }
  ExceptionOutcome outcome = ExceptionOutcome::Unhandled;
  for (koios::u32 i = 0; i < count; ++i) {
    {
      Guard guard(lock());
      if (kill_requested_) {
        outcome = ExceptionOutcome::Killed;
        break;
      }
      if (exception_resumed_) {
        outcome = ExceptionOutcome::Resumed;
        break;
      }
    }
    KernelHandle self(RefPtr<KernelObject>::from_existing(this), kExceptionRights);
    auto delivered = slots[i]->deliver(report, std::move(self));
    if (!delivered.ok()) continue;
    RefPtr<Channel> end = std::move(delivered.value());
    // Wait for the handler: resumed, killed, or its end closed (then the next slot is tried).
    WakeOnPeerClosed watch(Scheduler::current());
    end->add_observer(&watch);
    for (;;) {
      {
        Guard guard(lock());
        if (kill_requested_) {
          outcome = ExceptionOutcome::Killed;
          break;
        }
        if (exception_resumed_) {
          outcome = ExceptionOutcome::Resumed;
          break;
        }
      }
      if (!end->peer_alive()) break;
      Scheduler::block();
    }
    end->remove_observer(&watch);
    if (outcome != ExceptionOutcome::Unhandled) break;
  }
  Guard guard(lock());
  parked_ = false;
  frame_ = nullptr;
  state_ = ThreadState::Running;
  update_signals_locked(Signals::None, Signals::Running);
  return outcome;
}

Status UserThread::create_exception_channel(KernelHandle* out) { return exception_channel_.create(out); }

void UserThread::cpu_time(koios::u64* total_ticks, koios::u64* system_ticks) const {
  koios::u64 total, user, system;
  {
    Guard guard(lock());
    total = core_ != nullptr ? core_->cpu_ticks() : final_cpu_ticks_;
    user = core_ != nullptr ? core_->sampled_user_ticks() : final_user_samples_;
    system = core_ != nullptr ? core_->sampled_system_ticks() : final_system_samples_;
  }
  *total_ticks = total;
  // total * system / (user + system), without overflowing 64 bits for any realistic run time.
  koios::u64 samples = user + system;
  *system_ticks = samples == 0 ? 0 : static_cast<koios::u64>(static_cast<unsigned __int128>(total) * system / samples);
}

void UserThread::on_core_exit() {
  exception_channel_.reset();
  {
    Guard guard(lock());
    final_cpu_ticks_ = core_->cpu_ticks();
    final_user_samples_ = core_->sampled_user_ticks();
    final_system_samples_ = core_->sampled_system_ticks();
    core_ = nullptr;
    parked_ = false;
    frame_ = nullptr;
    state_ = ThreadState::Dead;
    stop_requested_.store(false, std::memory_order_release);
    update_signals_locked(Signals::Running | Signals::Suspended, Signals::Terminated);
  }
  process_->remove_thread(this, ProcessThreadEnd::Exited);
}

void UserThread::on_zero_handles() {
  // Nobody can start it any more: an unstarted thread is over. (A started one runs on.)
  Guard guard(lock());
  if (!started_ && !kill_requested_) kill_requested_ = true;
}

}  // namespace kernel
