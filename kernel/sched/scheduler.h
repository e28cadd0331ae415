// kernel/sched/scheduler.h: a preemptive round-robin scheduler for every hart. One shared FIFO
// run queue (threads run on whichever hart is free, so one thread's successive slices may run on
// different harts); a 10 ms slice per turn, enforced by a one-shot timer; an idle thread per hart
// that sleeps in wfi and is woken by an IPI when work arrives.
// cgroup CPU budgets decide who runs through kernel/sched/budget.h (the policy: the cgroup issue).
#pragma once

#include "kernel/sched/per_hart.h"
#include "kernel/sched/thread.h"

namespace kernel {

class Scheduler {
 public:
  static constexpr koios::u64 kSliceNs = 10'000'000;

  // The calling hart joins scheduling: `current` is the context it runs in now (adopted),
  // `idle` runs when nothing else can (the same thread is allowed: it then idles when it blocks).
  static void init_this_hart(Thread* current, Thread* idle);
  static Thread* current() { return per_hart_ready() ? this_hart().current_thread : nullptr; }
  static void start(Thread* thread);            // Created -> Ready
  static void yield();
  static void sleep_ns(koios::u64 ns);
  static void block();                          // until wake(); returns at once if a wake is pending
  // Blocks until wake() or the monotonic deadline (kForever: none). True when woken before the
  // deadline; wakes may be spurious, so callers re-check what they wait for.
  static constexpr koios::u64 kForever = ~0ull;
  static bool block_until(koios::u64 deadline_ns);
  static void wake(Thread* thread);
  // Marks the thread interrupted and makes it notice soon: wakes it if blocked, IPIs its hart if
  // it runs elsewhere (see UserThread: how suspend and kill reach a thread).
  static void interrupt(Thread* thread);
  [[noreturn]] static void exit_current();
  // Records how the thread ended (see Thread::exit_code), then exits.
  [[noreturn]] static void exit_current_with(koios::i64 code);
  [[noreturn]] static void idle_loop();
  // From the end of interrupt handling: switch away if this hart's slice is over or work arrived.
  static void on_interrupt_exit();
  static void on_ipi();
  // From a timer interrupt: the running thread's time since its last sample was user or kernel time.
  static void sample_cpu_mode(bool in_user);
  static koios::u64 context_switches();

 private:
  friend class Thread;                           // its start trampoline finishes the switch
  static void schedule();                        // interrupts off, scheduler lock held
  static Thread* pop_locked();
  static void finish_switch();
  static void enqueue_locked(Thread* thread);
  static void kick_idle_hart();
};

}  // namespace kernel
