// kernel/object/process.h: a user process: an address space, a handle table, its threads and how
// it ended. Lives in a job (which lists it until it ends) and is held by its handles and by its
// threads (each UserThread holds a reference).
//
// Life: Initial (made, no thread started) -> Running (process_start) -> Dying (exit or kill asked:
// every thread is told to stop) -> Dead (its last thread is gone: its handles are closed, it left
// its job and Terminated is asserted for good). A process whose last handle goes before it was
// started dies at once; a started one runs on without handles, as in Zircon.
#pragma once

#include <atomic>

#include "kernel/object/exception_channel.h"
#include "kernel/object/handle_table.h"
#include "kernel/object/object.h"
#include "kernel/vm/user_aspace.h"
#include "koios/task.h"

namespace kernel {

class Job;
class UserThread;

// How a thread leaves its process's list.
enum class ProcessThreadEnd : koios::u8 { NeverStarted, Exited };

class Process final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Process;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Manage |
                                                  koios::Rights::Read | koios::Rights::Write;
  static constexpr koios::usize kNameMax = 32;
  enum class State : koios::u8 { Initial, Running, Dying, Dead };

  // An empty process in `job`: NoMemory, or BadState when the job was killed.
  static koios::Result<RefPtr<Process>> create(const char* name, RefPtr<Job> job,
                                               koios::u32 handle_quota = koios::kHandleQuotaDefault);
  Process(RefPtr<UserAspace> space, const char* name, RefPtr<Job> job);  // use create()
  ~Process() override;

  const char* name() const { return name_; }
  UserAspace& aspace() { return *aspace_; }
  // For the root Vmar (Vmar::create_root), which shares the space; the process destroys it
  // when it dies, and a Vmar that outlives it answers BadState.
  const RefPtr<UserAspace>& aspace_ref() const { return aspace_; }
  HandleTable& handles() { return handles_; }
  Job& job() const { return *job_; }
  State state() const;

  // Adds a new (not yet started) thread; BadState once the process is dying or dead.
  koios::Status add_thread(UserThread* thread);
  // A thread is starting. `first` (process_start) needs the process Initial and starts it; a
  // later thread (thread_start) needs it Running. BadState otherwise.
  koios::Status on_thread_starting(bool first);
  // A thread ended, or is being destroyed unstarted; idempotent. The last started thread to end
  // ends the process.
  void remove_thread(UserThread* thread, ProcessThreadEnd how);
  ExceptionChannel& exception_channel() { return exception_channel_; }
  // Kernel threads (kernel::Thread) of this process, running or not yet reaped: the address space
  // is released once the process is finished and the last of them is gone.
  void on_core_created();
  void on_core_gone();

  // process_exit: records the code (the first reason recorded wins) and stops every thread.
  void exit(koios::i64 return_code);
  // task_kill, a job's kill, or an unhandled fault (reason Fault with the cause).
  void kill(koios::ProcessExitReason reason = koios::ProcessExitReason::Killed, koios::u64 fault_cause = 0);
  bool kill_requested() const { return stopping_.load(std::memory_order_acquire); }
  bool exited() const;
  koios::i64 return_code() const;
  koios::ProcessExitReason exit_reason() const;
  koios::u64 fault_cause() const;
  koios::u32 thread_count() const;
  // The scheduler's and page allocator's cgroup slot (kernel/sched/budget.h), one for all its
  // threads, old and new. Apart from the job: moving cgroups never moves it in the process tree.
  // Changed only through the budget table's holder (the cgroup issue).
  koios::u32 cgroup_slot() const { return cgroup_slot_.load(std::memory_order_relaxed); }
  void set_cgroup_slot(koios::u32 slot) { cgroup_slot_.store(slot, std::memory_order_relaxed); }

 protected:
  void on_zero_handles() override;

 private:
  friend class Job;
  // Records the end (first caller wins), marks Dying and tells every thread to stop.
  void begin_dying(koios::ProcessExitReason reason, koios::i64 code, koios::u64 cause);
  // Everything is stopped: close handles, leave the job, assert Terminated. Runs once.
  void finish();
  void release_aspace_if_unused();

  RefPtr<UserAspace> aspace_;
  HandleTable handles_;
  RefPtr<Job> job_;
  Process* job_next_ = nullptr;       // the job's list, guarded by the job's lock
  ExceptionChannel exception_channel_;
  char name_[kNameMax] = {};
  std::atomic<bool> stopping_{false};  // Dying or Dead: readable without the lock
  std::atomic<koios::u32> cgroup_slot_{0};
  // Guarded by lock().
  State state_ = State::Initial;
  UserThread* first_thread_ = nullptr;  // linked through UserThread::process_next_
  koios::u32 threads_ = 0, started_threads_ = 0;
  bool reason_recorded_ = false;
  bool finished_ = false;
  koios::u32 cores_ = 0;
  bool aspace_released_ = false;
  koios::ProcessExitReason reason_ = koios::ProcessExitReason::None;
  koios::i64 return_code_ = 0;
  koios::u64 fault_cause_ = 0;
};

}  // namespace kernel
