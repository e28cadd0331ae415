// kernel/object/user_thread.h: the Thread kernel object: a flow of execution in a process, named
// by handles (after Zircon's ThreadDispatcher). The scheduler's kernel::Thread runs it: created
// with it, owned by this object until started, by the scheduler afterwards (it holds a reference to
// this object while it lives). When the kernel thread ends it tells this object, which asserts
// Terminated for good and forgets it.
//
// Stopping a thread (suspend, kill, a fault) never reaches into another hart: the thread is told
// (flags, a wake-up, an IPI if it runs) and stops itself at the next return to user mode
// (checkpoint()), where its registers are the saved TrapFrame. A syscall it was blocked in ends
// with Interrupted, so a process server can deliver signals even to a thread that is busy looping
// or blocked (docs/ARCHITECTURE.md, "Signals").
#pragma once

#include "kernel/object/exception_channel.h"
#include "kernel/object/object.h"
#include "kernel/object/process.h"
#include "koios/task.h"
#include "platform/platform.h"

namespace kernel {

class Thread;
class Channel;

class UserThread final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Thread;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Manage |
                                                  koios::Rights::Read | koios::Rights::Write;
  // What an exception handler receives with the report.
  static constexpr koios::Rights kExceptionRights = koios::Rights::Read | koios::Rights::Write |
                                                    koios::Rights::Manage | koios::Rights::Inspect |
                                                    koios::Rights::Wait;

  // A new, not started thread of `process` (BadState if it is dying, NoMemory, NoResources).
  static koios::Result<RefPtr<UserThread>> create(RefPtr<Process> process, const char* name);
  UserThread(RefPtr<Process> process, Thread* core);  // use create()
  ~UserThread() override;

  Process& process() const { return *process_; }
  koios::Koid related_koid() const override;
  koios::ThreadState state() const;

  // Starts at entry with sp = stack, a0 = arg1, a1 = arg2 (a2 = arg3: only the kernel's own
  // spawns use it). `first`: the process's first thread (process_start), which the process must
  // not have had yet.
  koios::Status start(koios::u64 entry, koios::u64 stack, koios::u64 arg1, koios::u64 arg2, bool first,
                      koios::u64 arg3 = 0);
  // task_suspend (idempotent), task_resume (BadState unless suspended or stopped at a fault).
  koios::Status suspend();
  koios::Status resume();
  // task_kill, or the process dying: the thread ends at its next return to user mode.
  void kill();
  // thread_read_state/thread_write_state: BadState unless the thread is stopped (suspended and
  // parked, or at a fault). Writes change pc and x1..x31 only, never the privileged state.
  koios::Status read_state(koios::ThreadStateGeneral* out) const;
  koios::Status write_state(const koios::ThreadStateGeneral& in);

  // Called by the thread itself, each time it is about to return to user mode: ends it if it was
  // killed, parks it while suspended.
  void checkpoint(platform::TrapFrame& frame);
  // Called by the thread itself at a fault it could not resolve otherwise: reports the fault to
  // the first exception channel there is and waits for the handler.
  enum class ExceptionOutcome : koios::u8 {
    Resumed,    // return to user mode with the frame as the handler left it
    Killed,     // the thread (or its process) was killed meanwhile: only this thread ends here
    Unhandled,  // no handler took it: the process is killed with reason Fault
  };
  ExceptionOutcome report_exception(platform::TrapFrame& frame);
  // CPU time in ticks (kept after the thread ends): the exact total, and the part spent in the
  // kernel, the total split in the ratio of the timer-interrupt samples (Linux's cputime_adjust:
  // a thread never sampled in the kernel counts as all user time).
  void cpu_time(koios::u64* total_ticks, koios::u64* system_ticks) const;
  // Called by the kernel thread as it ends (it never runs user code again).
  void on_core_exit();
  // The kernel thread, for self-tests only (null once it has ended).
  Thread* core_for_test() const { return core_; }
  // Whether a checkpoint has anything to do (cheap; read without the lock).
  // Relaxed: a hint on the hot path; checkpoint() decides under the lock.
  bool stop_requested() const { return stop_requested_.load(std::memory_order_relaxed); }
  // Whether kill() was called (read without the lock; the process's kill visits each thread once).
  bool kill_requested() const { return kill_flag_.load(std::memory_order_acquire); }

  // The exception channel of this thread (task_create_exception_channel): AlreadyExists if one is
  // bound and its handler's end is still open.
  koios::Status create_exception_channel(KernelHandle* out);

 protected:
  void on_zero_handles() override;

 private:
  void request_stop_locked();   // sets stop_requested_, interrupts the core: wake or IPI

  RefPtr<Process> process_;
  Thread* core_;                      // guarded by lock(); null once the kernel thread has ended
  UserThread* process_next_ = nullptr;  // the process's list, guarded by the process's lock
  bool in_process_ = false;             // likewise
  friend class Process;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> kill_flag_{false};
  // Guarded by lock().
  koios::ThreadState state_ = koios::ThreadState::New;
  bool started_ = false;
  bool suspend_requested_ = false, kill_requested_ = false;
  bool parked_ = false;               // stopped in checkpoint() or report_exception(): frame_ valid
  bool exception_resumed_ = false;
  koios::u64 final_cpu_ticks_ = 0, final_user_samples_ = 0, final_system_samples_ = 0;  // from the core as it ends
  platform::TrapFrame* frame_ = nullptr;
  ExceptionChannel exception_channel_;
};

}  // namespace kernel
