// kernel/sched/scheduler.cc
//
// The scheduler lock is held across a context switch: the thread that switches away takes it, and
// whichever thread runs next on that hart releases it (finish_switch). Until then no other hart
// can take the outgoing thread off the run queue, so no thread ever runs on two harts at once.
// Because the lock changes hands between threads, it is a plain lock and interrupts are managed
// by hand: schedule() is always entered with interrupts off, and each thread restores its own
// interrupt state after it is resumed.
#include "kernel/sched/scheduler.h"

#include <atomic>

#include "kernel/lib/panic.h"
#include "kernel/sched/budget.h"
#include "kernel/sched/per_hart.h"

namespace kernel {
namespace {

class RawLock {
 public:
  void lock() {
    while (word_.exchange(1, std::memory_order_acquire) != 0)
      while (word_.load(std::memory_order_relaxed) != 0) {
      }
  }
  void unlock() { word_.store(0, std::memory_order_release); }

 private:
  std::atomic<koios::u32> word_{0};
};

RawLock g_lock;                    // guards the run queue and every thread's state_
Thread* g_head = nullptr;          // run queue, FIFO
Thread* g_tail = nullptr;
std::atomic<koios::u64> g_switches{0};
std::atomic<koios::u32> g_idle_harts{0};   // harts running their idle thread; changed under g_lock

// The slice event is not moved on every switch (a timer-queue update each time): a switch only
// sets slice_end_ticks, and when the event fires for a turn that has not ended yet, it is queued
// again for that turn's end.
void end_slice(TimerEvent* event) {
  auto* h = static_cast<PerHart*>(event->context);
  if (platform::time_ticks() < h->slice_end_ticks) {
    event->deadline_ticks = h->slice_end_ticks;
    h->timers.add(event);
    return;
  }
  h->need_resched.store(true);
}

// Gives the current thread a fresh turn; the slice event is (re)queued only when it is not already
// queued for a moment at or before the turn's end. This hart, interrupts off.
void start_slice(PerHart& h) {
  h.slice_end_ticks = platform::time_ticks() + h.slice_ticks;
  if (!h.slice.queued) {
    h.slice.deadline_ticks = h.slice_end_ticks;
    h.timers.add(&h.slice);
  }
}

void set_idle(PerHart& h, bool idle) {
  if (h.idle.load(std::memory_order_relaxed) == idle) return;
  h.idle.store(idle);
  if (idle) g_idle_harts.fetch_add(1, std::memory_order_relaxed);
  else g_idle_harts.fetch_sub(1, std::memory_order_relaxed);
}

void wake_sleeper(TimerEvent* event) { Scheduler::wake(static_cast<Thread*>(event->context)); }

}  // namespace

void Scheduler::init_this_hart(Thread* current, Thread* idle) {
  PerHart& h = this_hart();
  h.slice.fire = end_slice;
  h.slice.context = &h;
  h.slice_ticks = platform::ns_to_ticks(kSliceNs);
  h.idle_thread = idle;
  current->last_cpu_ = h.cpu;
  g_lock.lock();
  set_idle(h, current == idle);
  g_lock.unlock();
  h.current_thread = current;
}


// The first queued thread whose cgroup may run now (kernel/sched/budget.h: the budget hook). The
// head is the usual answer, so it is taken without walking.
Thread* Scheduler::pop_locked() {
  Thread* t = g_head;
  if (t == nullptr) return nullptr;
  if (budget::may_run(*t) || t->interrupted()) {
    g_head = t->next_;
    if (g_head == nullptr) g_tail = nullptr;
    t->next_ = nullptr;
    return t;
  }
  // A stopped (killed, suspended) thread runs whatever its budget, so it can reach its checkpoint.
  Thread* prev = t;
  for (t = t->next_; t != nullptr && !budget::may_run(*t) && !t->interrupted(); t = t->next_) prev = t;
  if (t == nullptr) return nullptr;
  prev->next_ = t->next_;
  if (g_tail == t) g_tail = prev;
  t->next_ = nullptr;
  return t;
}

void Scheduler::enqueue_locked(Thread* t) {
  t->state_ = Thread::State::Ready;
  t->next_ = nullptr;
  if (g_tail != nullptr) g_tail->next_ = t;
  else g_head = t;
  g_tail = t;
}

void Scheduler::kick_idle_hart() {
  // Read after the caller's g_lock release, so a hart that went idle before it queued work counts.
  if (g_idle_harts.load(std::memory_order_relaxed) == 0) return;
  for (koios::u32 c = 0; c < platform::cpu_count(); ++c) {
    PerHart& h = hart(c);
    if (h.idle.load() && h.current_thread != nullptr) {
      platform::send_ipi(c);
      return;
    }
  }
}

void Scheduler::start(Thread* t) {
  bool irq = platform::interrupts_disable();
  g_lock.lock();
  KERNEL_ASSERT(t->state_ == Thread::State::Created);
  enqueue_locked(t);
  g_lock.unlock();
  platform::interrupts_restore(irq);
  kick_idle_hart();
}

void Scheduler::wake(Thread* t) {
  bool irq = platform::interrupts_disable();
  g_lock.lock();
  bool queued = false;
  if (t->state_ == Thread::State::Blocked) {
    enqueue_locked(t);
    queued = true;
  } else if (t->state_ == Thread::State::Running || t->state_ == Thread::State::Ready) {
    t->wake_pending_ = true;  // it has not blocked yet: its next block() returns at once
  }
  g_lock.unlock();
  platform::interrupts_restore(irq);
  if (queued) kick_idle_hart();
}

void Scheduler::interrupt(Thread* t) {
  t->interrupted_.store(true, std::memory_order_release);
  bool irq = platform::interrupts_disable();
  g_lock.lock();
  bool queued = false;
  koios::u32 ipi_cpu = ~0u;
  if (t->state_ == Thread::State::Blocked) {
    enqueue_locked(t);
    queued = true;
  } else if (t->state_ == Thread::State::Running || t->state_ == Thread::State::Ready) {
    t->wake_pending_ = true;
    // Running on another hart, perhaps in a busy loop in user mode: make that hart trap, so the
    // thread passes its return-to-user checkpoint.
    if (t->state_ == Thread::State::Running && t->last_cpu_ != this_hart().cpu) ipi_cpu = t->last_cpu_;
  }
  g_lock.unlock();
  platform::interrupts_restore(irq);
  if (queued) kick_idle_hart();
  if (ipi_cpu != ~0u) platform::send_ipi(ipi_cpu);
}

// Entered with interrupts off and g_lock held; returns with g_lock released.
void Scheduler::schedule() {
  PerHart& h = this_hart();
  Thread* cur = h.current_thread;
  if (cur->state_ == Thread::State::Running && cur != h.idle_thread) enqueue_locked(cur);
  Thread* next = pop_locked();
  if (next == nullptr) next = cur->state_ == Thread::State::Running ? cur : h.idle_thread;
  next->state_ = Thread::State::Running;
  next->last_cpu_ = h.cpu;
  if (next == cur) {
    // It keeps the hart: give it a fresh slice, or nothing would ever end its turn again (a
    // thread woken later is queued but only idle harts are kicked).
    if (cur != h.idle_thread) start_slice(h);
    g_lock.unlock();
    return;
  }
  // CPU time: the leaving thread's turn ends now (and its time in the kernel so far); the
  // arriving one's starts.
  koios::u64 now = platform::time_ticks();
  cur->cpu_ticks_.store(cur->cpu_ticks_.load(std::memory_order_relaxed) + (now - cur->on_cpu_since_),
                        std::memory_order_relaxed);
  next->on_cpu_since_ = now;
  next->last_sample_ = now;
  h.current_thread = next;
  set_idle(h, next == h.idle_thread);
  h.stack_low = next->stack_low_;   // trap.S checks the running stack's limit
  h.stack_top = next->stack_top_;
  h.kernel_sp = next->stack_top_;
  h.switched_from = cur;
  ++h.context_switches;
  // FP registers belong to user threads: saved when the leaving one changed them (its frame says
  // Dirty), reloaded for the arriving one (zeroes for a new one: never another thread's values).
  // A thread that has never saved any holds zeros, which the hart may hold already.
  if (cur->process_) {
    platform::TrapFrame* frame = cur->user_frame();
    if ((frame->sstatus & platform::kSstatusFsMask) == platform::kSstatusFsDirty) {
      platform::platform_fp_save(cur->fp_);
      cur->fp_saved_ = true;
      h.fp_zero = false;
      frame->sstatus = (frame->sstatus & ~platform::kSstatusFsMask) | platform::kSstatusFsClean;
    }
  }
  if (next->process_ && (next->fp_saved_ || !h.fp_zero)) {
    platform::platform_fp_restore(next->fp_);
    h.fp_zero = !next->fp_saved_;
  }
  // Each thread runs on its own page table; kernel threads on the kernel's. Never lazily keep a
  // user table active: it could be freed while this hart still walks it.
  if (next->aspace_ != nullptr) next->aspace_->activate();
  else if (cur->aspace_ != nullptr) aspace::table().activate();
  g_switches.fetch_add(1, std::memory_order_relaxed);
  if (next != h.idle_thread) start_slice(h);
  else h.timers.cancel(&h.slice);
  platform_context_switch(&cur->context_, &next->context_);
  finish_switch();  // `cur` runs again here, possibly on another hart
}

void Scheduler::finish_switch() {
  PerHart& h = this_hart();
  Thread* prev = h.switched_from;
  h.switched_from = nullptr;
  // Decided under the lock: once it is released a Ready or Blocked prev may run (and even exit and
  // be freed) on another hart, so prev must not be read afterwards unless it is dead.
  bool reap = prev != nullptr && prev->state_ == Thread::State::Dead && prev->owns_stack_;
  g_lock.unlock();
  if (reap) {
    // prev no longer runs anywhere: its stack and object can go.
    aspace::destroy_stack(aspace::KernelStack{prev->stack_low_, prev->stack_top_});
    delete prev;
  }
}

void Thread::start_trampoline(void* self) {
  Scheduler::finish_switch();
  platform::interrupts_enable();
  auto* t = static_cast<Thread*>(self);
  t->entry_(t->arg_);
  Scheduler::exit_current();
}

void Scheduler::yield() {
  bool irq = platform::interrupts_disable();
  g_lock.lock();
  schedule();
  platform::interrupts_restore(irq);
}

void Scheduler::block() {
  bool irq = platform::interrupts_disable();
  Thread* cur = this_hart().current_thread;
  g_lock.lock();
  if (cur->wake_pending_) {
    cur->wake_pending_ = false;
    g_lock.unlock();
  } else {
    // The lock is held from here to the switch, so a waker cannot queue this thread (and another
    // hart run it) while it is still on its own stack.
    cur->state_ = Thread::State::Blocked;
    schedule();
  }
  platform::interrupts_restore(irq);
}

bool Scheduler::block_until(koios::u64 deadline_ns) {
  Thread* cur = current();
  bool timed = deadline_ns != kForever;
  if (timed) {
    if (platform::now_ns() >= deadline_ns) return false;
    bool irq = platform::interrupts_disable();
    cur->sleep_timer_.deadline_ticks = platform::ns_to_ticks(deadline_ns);
    cur->sleep_timer_.fire = wake_sleeper;
    cur->sleep_timer_.context = cur;
    this_hart().timers.add(&cur->sleep_timer_);  // fires on this hart, wherever cur is by then
    platform::interrupts_restore(irq);
  }
  block();
  // Woken by the timer or by someone else: either way the timer must be gone before the thread
  // can move on (it may be queued on, or firing on, another hart by now).
  if (timed) TimerQueue::cancel(&cur->sleep_timer_);
  return !timed || platform::now_ns() < deadline_ns;
}

void Scheduler::sleep_ns(koios::u64 ns) {
  koios::u64 deadline = platform::now_ns() + ns;
  while (block_until(deadline)) {
    // woken before the deadline (a stray wake): sleep on
  }
}

void Scheduler::exit_current_with(koios::i64 code) {
  current()->exit_code_ = code;
  exit_current();
}

void Scheduler::exit_current() {
  Thread* cur = current();
  // A user thread's object learns first, with interrupts as they were: the last thread of a
  // process closes the process's handles here, which may take a while. Its CPU time is closed
  // first, so the object keeps the whole of it.
  if (cur->user_thread_ != nullptr) {
    bool irq = platform::interrupts_disable();
    koios::u64 now = platform::time_ticks();
    cur->cpu_ticks_.store(cur->cpu_ticks_.load(std::memory_order_relaxed) + (now - cur->on_cpu_since_),
                          std::memory_order_relaxed);
    cur->on_cpu_since_ = now;
    platform::interrupts_restore(irq);
    cur->user_thread_->on_core_exit();
  }
  platform::interrupts_disable();
  KERNEL_ASSERT(cur->owns_stack_);  // a hart's own context never exits
  if (cur->on_exit_ != nullptr) cur->on_exit_(cur);
  g_lock.lock();
  cur->state_ = Thread::State::Dead;
  schedule();
  panic("a dead thread was scheduled");
}

void Scheduler::idle_loop() {
  for (;;) {
    platform::interrupts_disable();
    this_hart().need_resched.store(false);
    g_lock.lock();
    schedule();  // runs whatever is queued; returns when this hart is idle again
    if (g_head == nullptr) platform::wait_for_interrupt();
    platform::interrupts_enable();
  }
}

void Scheduler::on_interrupt_exit() {
  if (!per_hart_ready()) return;
  PerHart& h = this_hart();
  if (h.current_thread == nullptr || h.interrupt_nesting != 0) return;
  // need_resched is only written on its own hart (slice timer, IPI), so load-then-store is safe.
  if (!h.need_resched.load()) return;
  h.need_resched.store(false);
  g_lock.lock();
  schedule();  // interrupts are off in a trap handler
}

void Scheduler::sample_cpu_mode(bool in_user) {
  if (!per_hart_ready()) return;
  Thread* cur = this_hart().current_thread;
  if (cur != nullptr && cur != this_hart().idle_thread) cur->sample_cpu_mode(platform::time_ticks(), in_user);
}

void Scheduler::on_ipi() {
  if (per_hart_ready()) this_hart().need_resched.store(true);
}

koios::u64 Scheduler::context_switches() { return g_switches.load(); }

}  // namespace kernel
