// kernel/sched/thread.h: a kernel thread: a stack, saved registers and a scheduling state.
// Created by Thread::create (or adopted from a hart's boot context); owned by the scheduler once
// started, which frees a thread's stack and the Thread itself after it exits. A user thread's
// kernel object (KoID, handles, suspend, state) is kernel/object/user_thread.h, which this runs.
#pragma once

#include <atomic>

#include "koios/result.h"
#include "kernel/sched/timer_queue.h"
#include "kernel/vm/kernel_aspace.h"
#include "kernel/object/process.h"
#include "kernel/object/user_thread.h"
#include "kernel/vm/user_aspace.h"
#include "platform/platform.h"

namespace kernel {

class Thread {
 public:
  enum class State : koios::u8 { Created, Ready, Running, Blocked, Dead };
  using Entry = void (*)(void* arg);
  static constexpr koios::usize kNameMax = 24;

  // A thread that will run entry(arg) once started; NoMemory or NoResources (no stack slot).
  static koios::Result<Thread*> create(const char* name, Entry entry, void* arg);
  // The kernel half of a user thread of `process` (see UserThread, which owns it until started):
  // not started; set_user_start() says where it enters user mode. Holds a reference to the process.
  static koios::Result<Thread*> create_user(RefPtr<Process> process, const char* name);
  // Frees a thread that was never started.
  static void destroy_unstarted(Thread* thread);
  void set_user_start(koios::u64 entry, koios::u64 user_sp, koios::u64 arg1, koios::u64 arg2, koios::u64 arg3 = 0) {
    user_entry_ = entry;
    user_sp_ = user_sp;
    user_arg_ = arg1;
    user_arg2_ = arg2;
    user_arg3_ = arg3;
  }
  // The Thread kernel object this thread runs, or null for a kernel thread.
  UserThread* user_thread() const { return user_thread_; }
  // Its process's cgroup slot, read as it is now (a process moves with all its threads); kernel
  // threads are in the root slot.
  koios::u32 cgroup_slot() const { return process_ ? process_->cgroup_slot() : 0; }
  // Wraps the context the calling hart is running in now, on the given stack (never freed).
  static Thread* adopt_current(Thread* storage, const char* name, koios::u64 stack_low, koios::u64 stack_top);

  const char* name() const { return name_; }
  State state() const { return state_; }
  koios::u32 last_cpu() const { return last_cpu_; }
  koios::u64 stack_low() const { return stack_low_; }
  UserAspace* user_aspace() const { return aspace_; }
  Process* process() const { return process_.get(); }
  // How a user thread ended: its exit code, or the fault that killed it.
  koios::i64 exit_code() const { return exit_code_; }
  // Called in the thread as it exits (after exit_code is set): how a waiter learns the end.
  void set_on_exit(void (*hook)(Thread* self), void* context) {
    on_exit_ = hook;
    exit_context_ = context;
  }
  void* exit_context() const { return exit_context_; }
  koios::u64 stack_top() const { return stack_top_; }
  // Set when the thread is asked to stop what it is doing (task_suspend, task_kill) and cleared
  // when it is back on its way to user mode. Every blocking syscall re-checks it after each wake-up
  // and answers Status::Interrupted, so that a suspended thread's wait ends (Linux's EINTR).
  bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }
  void clear_interrupted() { interrupted_.store(false, std::memory_order_release); }
  // CPU time in timer ticks: on a hart in total (exact: closed at each switch and at exit), and
  // how that time splits between its user mode and the kernel, sampled at timer interrupts as
  // Linux's tick-based accounting does (no cost on the syscall path). See UserThread::cpu_time.
  koios::u64 cpu_ticks() const { return cpu_ticks_.load(std::memory_order_relaxed); }
  koios::u64 sampled_user_ticks() const { return sampled_user_ticks_.load(std::memory_order_relaxed); }
  koios::u64 sampled_system_ticks() const { return sampled_system_ticks_.load(std::memory_order_relaxed); }
  // At a timer interrupt on this thread's hart: the time since the last sample (or since it got
  // the hart) counts as user or kernel time by the mode the interrupt found.
  void sample_cpu_mode(koios::u64 now, bool in_user) {
    koios::u64 since = now - last_sample_;
    last_sample_ = now;
    auto& counter = in_user ? sampled_user_ticks_ : sampled_system_ticks_;
    counter.store(counter.load(std::memory_order_relaxed) + since, std::memory_order_relaxed);
  }
  // Live threads created by create(), for leak checks.
  static koios::u64 live_count();

 private:
  friend class Scheduler;
  Thread() = default;
  ~Thread();
  static void start_trampoline(void* self);

  char name_[kNameMax] = {};
  platform::Context context_{};
  State state_ = State::Created;
  bool owns_stack_ = false;
  bool wake_pending_ = false;      // a wake that arrived while the thread was still running
  std::atomic<bool> interrupted_{false};
  std::atomic<koios::u64> cpu_ticks_{0}, sampled_user_ticks_{0}, sampled_system_ticks_{0};
  koios::u64 on_cpu_since_ = 0, last_sample_ = 0;
  koios::u32 last_cpu_ = 0;
  koios::u64 stack_low_ = 0, stack_top_ = 0;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  Thread* next_ = nullptr;         // run-queue link
  TimerEvent sleep_timer_;
  RefPtr<Process> process_;        // null for kernel threads
  UserAspace* aspace_ = nullptr;   // process_'s, cached for the scheduler; null for kernel threads
  koios::u64 user_entry_ = 0, user_sp_ = 0, user_arg_ = 0, user_arg2_ = 0, user_arg3_ = 0;
  UserThread* user_thread_ = nullptr;       // set by UserThread's constructor
  RefPtr<UserThread> user_thread_ref_;      // held from start until the thread is reaped
  friend class UserThread;
  koios::i64 exit_code_ = 0;
  void (*on_exit_)(Thread* self) = nullptr;  // runs in the exiting thread, just before it dies
  void* exit_context_ = nullptr;
  // User threads: FP registers while not on a hart (see Scheduler::schedule).
  koios::u64 fp_[platform::kFpStateWords] = {};
  bool fp_saved_ = false;          // fp_ holds values it saved; until then, all zeros
  platform::TrapFrame* user_frame() const {
    return reinterpret_cast<platform::TrapFrame*>(stack_top_ - sizeof(platform::TrapFrame));
  }
  static void user_start(void* self);
};

}  // namespace kernel
