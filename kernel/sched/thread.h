// kernel/sched/thread.h: a kernel thread: a stack, saved registers and a scheduling state.
// Created by Thread::create (or adopted from a hart's boot context); owned by the scheduler once
// started, which frees a thread's stack and the Thread itself after it exits.
// FIXME(#4): becomes the Thread kernel object (KoID, handles, user context, suspend/resume).
#pragma once

#include <atomic>

#include "koios/result.h"
#include "kernel/sched/timer_queue.h"
#include "kernel/vm/kernel_aspace.h"
#include "platform/platform.h"

namespace kernel {

class Thread {
 public:
  enum class State : koios::u8 { Created, Ready, Running, Blocked, Dead };
  using Entry = void (*)(void* arg);
  static constexpr koios::usize kNameMax = 24;

  // A thread that will run entry(arg) once started; NoMemory or NoResources (no stack slot).
  static koios::Result<Thread*> create(const char* name, Entry entry, void* arg);
  // Wraps the context the calling hart is running in now, on the given stack (never freed).
  static Thread* adopt_current(Thread* storage, const char* name, koios::u64 stack_low, koios::u64 stack_top);

  const char* name() const { return name_; }
  State state() const { return state_; }
  koios::u32 last_cpu() const { return last_cpu_; }
  koios::u64 stack_low() const { return stack_low_; }
  koios::u64 stack_top() const { return stack_top_; }
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
  koios::u32 last_cpu_ = 0;
  koios::u64 stack_low_ = 0, stack_top_ = 0;
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  Thread* next_ = nullptr;         // run-queue link
  TimerEvent sleep_timer_;
};

}  // namespace kernel
