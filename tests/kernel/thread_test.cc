// tests/kernel/thread_test.cc: self-tests of kernel threads and the scheduler, run on the boot
// hart's main thread once every hart schedules.
#include <atomic>

#include "kernel/lib/log.h"
#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "kernel/sched/budget.h"
#include "kernel/sched/per_hart.h"
#include "kernel/sched/scheduler.h"
#include "kernel/user_program.h"
#include "kernel/vm/heap.h"
#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"
#include "tests/kernel/sleep_until.h"

namespace kernel::selftest {

using koios::u32;
using koios::u64;

namespace {

struct Spinner {
  std::atomic<u64> iterations{0};
  std::atomic<u32> harts_seen{0};  // bit per cpu index
  std::atomic<bool> done{false};
};
constexpr u32 kMaxSpinners = 3 * platform::kMaxCpus;
Spinner g_spinners[kMaxSpinners];
std::atomic<bool> g_stop{false};

void spin(void* arg) {
  auto* s = static_cast<Spinner*>(arg);
  while (!g_stop.load(std::memory_order_relaxed)) {
    s->iterations.fetch_add(1, std::memory_order_relaxed);
    s->harts_seen.fetch_or(1u << this_hart().cpu, std::memory_order_relaxed);
  }
  s->done.store(true);
}

}  // namespace

void threads_test(Context& ctx) {
  // More busy threads than harts, none of which ever yields: they all make progress only if
  // the timer preempts them, and they spread over the harts only if idle harts are woken.
  u32 count = 3 * platform::cpu_count();
  u64 live_before = Thread::live_count();
  g_stop.store(false);
  for (u32 i = 0; i < count; ++i) {
    g_spinners[i].iterations.store(0);
    g_spinners[i].harts_seen.store(0);
    g_spinners[i].done.store(false);
    auto t = Thread::create("spinner", spin, &g_spinners[i]);
    if (!ctx.check(t.ok(), "spinner threads are created")) return;
    Scheduler::start(t.value());
  }
  u64 switches_before = Scheduler::context_switches();
  // Until every thread has run and every hart has run one of them (or a generous timeout: the
  // host may give a hart's vCPU little time when harts outnumber host cores).
  u32 all_harts = 0;  // the harts that schedule (one that never came up is reported elsewhere)
  for (u32 c = 0; c < platform::cpu_count(); ++c)
    if (hart(c).current_thread != nullptr) all_harts |= 1u << c;
  auto everyone_ran = [&] {
    u32 harts = 0;
    for (u32 i = 0; i < count; ++i) {
      if (g_spinners[i].iterations.load() == 0) return false;
      harts |= g_spinners[i].harts_seen.load();
    }
    return harts == all_harts;
  };
  sleep_until(everyone_ran, 5'000'000'000);
  g_stop.store(true);
  bool all_done = sleep_until([&] {
    for (u32 i = 0; i < count; ++i)
      if (!g_spinners[i].done.load()) return false;
    return true;
  }, 2'000'000'000);
  CHECK_THAT(ctx, all_done);
  u32 union_of_harts = 0;
  for (u32 i = 0; i < count; ++i) {
    ctx.check(g_spinners[i].iterations.load() > 0, "every busy thread ran (preemption works)");
    union_of_harts |= g_spinners[i].harts_seen.load();
  }
  ctx.check(union_of_harts == all_harts, "the threads ran on every hart");
  CHECK_THAT(ctx, Scheduler::context_switches() > switches_before + count);
  CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == live_before; }, 1'000'000'000));
}

namespace {
std::atomic<u32> g_woken{0};
Thread* g_sleeper_thread;
void blocker(void*) {
  Scheduler::block();
  g_woken.fetch_add(1);
}
void napper(void* arg) {
  auto* elapsed = static_cast<std::atomic<u64>*>(arg);
  u64 start = platform::now_ns();
  Scheduler::sleep_ns(3'000'000);
  elapsed->store(platform::now_ns() - start);
}
}  // namespace

void thread_sleep_wake_test(Context& ctx) {
  static std::atomic<u64> elapsed{0};
  elapsed.store(0);
  auto nap = Thread::create("napper", napper, &elapsed);
  if (!ctx.check(nap.ok(), "a thread is created")) return;
  Scheduler::start(nap.value());
  CHECK_THAT(ctx, sleep_until([] { return elapsed.load() != 0; }, 1'000'000'000));
  CHECK_THAT(ctx, elapsed.load() >= 3'000'000);  // never wakes early

  g_woken.store(0);
  auto blk = Thread::create("blocker", blocker, nullptr);
  if (!ctx.check(blk.ok(), "a thread is created")) return;
  g_sleeper_thread = blk.value();
  Scheduler::start(g_sleeper_thread);
  Scheduler::sleep_ns(2'000'000);
  CHECK_THAT(ctx, g_woken.load() == 0);  // still blocked
  Scheduler::wake(g_sleeper_thread);
  CHECK_THAT(ctx, sleep_until([] { return g_woken.load() == 1; }, 1'000'000'000));
}

void thread_churn_test(Context& ctx) {
  // Threads that exit leave nothing behind: stacks, slots and objects all come back.
  // Exact counts, not free pages: the heap keeps pages it carved (by design), and how many it
  // carved depends on how many threads overlapped, which the harts decide.
  static std::atomic<u32> ran{0};
  constexpr u32 kCycles = 400;
  u64 live_before = Thread::live_count();
  koios::usize blocks_before = heap::blocks_in_use();
  u64 stack_pages_before = aspace::thread_stack_pages();
  for (int round = 0; round < 2; ++round) {
    ran.store(0);
    for (u32 i = 0; i < kCycles; ++i) {
      auto t = Thread::create("churn", [](void*) { ran.fetch_add(1); }, nullptr);
      if (!ctx.check(t.ok(), "a thread is created")) return;
      Scheduler::start(t.value());
      if (i % 16 == 15) Scheduler::sleep_ns(200'000);
    }
    CHECK_THAT(ctx, sleep_until([] { return ran.load() == kCycles; }, 2'000'000'000));
    CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == live_before; }, 1'000'000'000));
  }
  ctx.check(heap::blocks_in_use() == blocks_before, "every Thread object is freed");
  // Stacks go back to the cache; at most kStackCacheMax more than before stay mapped.
  ctx.check(aspace::thread_stack_pages() <= stack_pages_before + aspace::kStackCacheMax * aspace::kStackSize / platform::kPageSize,
            "thread stacks are reused, not leaked");
}

}  // namespace kernel::selftest

namespace kernel::selftest {

void user_programs_test(Context& ctx) {
  koios::u64 live_before = Thread::live_count();
  koios::u64 objects_before = KernelObject::live_count();
  koios::u64 user_pages_before = UserAspace::live_pages();
  for (int round = 0; round < 2; ++round) {
    koios::i64 code = 0;
    ctx.check(run_user_program("hello", 0, 2'000'000'000, &code) == koios::Status::Ok, "hello runs");
    ctx.check(code == 7, "hello's checks pass and its exit code arrives");
    ctx.check(run_user_program("fault", 0, 2'000'000'000, &code) == koios::Status::Ok, "fault runs");
    ctx.check(code == kExitKilledByFault - 15, "a store to its own code kills it with a store page fault");
    ctx.check(run_user_program("objects", 0, 5'000'000'000, &code) == koios::Status::Ok, "objects runs");
    ctx.check(code == 0, "handles, rights, events, channels and waits behave (objects' exit code names the rule)");
    ctx.check(run_user_program("tasks", 0, 120'000'000'000, &code) == koios::Status::Ok, "tasks runs");
    if (code != 0) LOG_ERROR("tasks: check %ld failed", static_cast<long>(code));
    ctx.check(code == 0, "threads, suspend, thread state, exceptions, jobs and process_exit behave");
    ctx.check(run_user_program("waits", 0, 10'000'000'000, &code) == koios::Status::Ok, "waits runs");
    ctx.check(code == 0, "ports, wait_many, timers, sleeps and futexes behave (waits' exit code names the rule)");
    ctx.check(run_user_program("channel_read_wait", 0, 10'000'000'000, &code) == koios::Status::Ok, "channel_read_wait runs");
    if (code != 0) LOG_ERROR("channel_read_wait: check %ld failed", static_cast<long>(code));
    ctx.check(code == 0, "channel_read with kChannelReadWait answers, blocks and wakes as documented");
    CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == live_before; }, 1'000'000'000));
    ctx.check(KernelObject::live_count() == objects_before, "processes are freed with their last thread");
    ctx.check(UserAspace::live_pages() == user_pages_before, "every page of an address space is freed with it");
  }
  koios::i64 code = 0;
  CHECK_THAT(ctx, run_user_program("no such program", 0, 1'000'000'000, &code) == koios::Status::NotFound);
}

// The cgroup binding (docs/ARCHITECTURE.md, "cgroups"): a process's slot is its own attribute,
// apart from its job; every thread, old or new, is scheduled by it; moving changes no job.
void cgroup_slot_test(Context& ctx) {
  koios::u64 objects_before = KernelObject::live_count();
  {
    auto job = Job::create_child(RefPtr<Job>::from_existing(&Job::root()));
    if (!ctx.check(job.ok(), "a job")) return;
    auto process = Process::create("slotted", job.value());
    if (!ctx.check(process.ok(), "a process")) return;
    auto early = UserThread::create(process.value(), "early");
    if (!ctx.check(early.ok(), "a thread")) return;
    Thread* early_core = early.value()->core_for_test();
    CHECK_THAT(ctx, early_core->cgroup_slot() == budget::kRootSlot);
    process.value()->set_cgroup_slot(3);
    auto late = UserThread::create(process.value(), "late");
    if (!ctx.check(late.ok(), "a second thread")) return;
    ctx.check(early_core->cgroup_slot() == 3 && late.value()->core_for_test()->cgroup_slot() == 3,
              "old and new threads follow their process's slot");
    ctx.check(&process.value()->job() == job.value().get() && job.value()->process_count() == 1,
              "moving between cgroups moves nothing in the job tree");
  }
  ctx.check(KernelObject::live_count() == objects_before, "unstarted threads, the process and the job are freed");
}

void syscall_fuzz_test(Context& ctx) {
  // Random calls of every syscall with hostile arguments (fixed seed): the kernel answers each
  // with a status, stays up, and once the process is gone nothing it made is left.
  koios::u64 objects_before = KernelObject::live_count();
  koios::u64 user_pages_before = UserAspace::live_pages();
  koios::u64 live_before = Thread::live_count();
  koios::i64 code = -1;
  ctx.check(run_user_program("syscall_fuzz", fuzz_iterations(), 3'600'000'000'000, &code) == koios::Status::Ok,
            "the fuzzer runs");
  ctx.check(code == 0, "every call answered a documented status");
  CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == live_before; }, 1'000'000'000));
  ctx.check(KernelObject::live_count() == objects_before, "no object outlives the fuzzing process");
  ctx.check(UserAspace::live_pages() == user_pages_before, "no page outlives it");
}

}  // namespace kernel::selftest
