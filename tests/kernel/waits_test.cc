// tests/kernel/waits_test.cc: the futex table driven by several kernel threads (user processes
// have one thread each until thread_create lands), and Timer objects firing from the timer
// interrupt into observers and ports, dying armed.
#include <atomic>

#include "kernel/object/port.h"
#include "kernel/object/timer.h"
#include "kernel/sched/futex.h"
#include "kernel/sched/scheduler.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"
#include "tests/kernel/sleep_until.h"

namespace kernel::selftest {

using koios::Status;
using koios::u32;
using koios::u64;

namespace {

// A kernel word stands in for a user one: any unique pointer names the "address space".
const char g_space = 0;
std::atomic<u32> g_word{0};
Futex::Key word_key() { return Futex::Key{&g_space, reinterpret_cast<u64>(&g_word)}; }
Status read_word(void*, u32* value) {
  *value = g_word.load(std::memory_order_acquire);
  return Status::Ok;
}

// Ping-pong: each player waits while the word names the other, then hands the turn over.
constexpr u32 kRounds = 100;
std::atomic<u32> g_finished{0};
void player(void* arg) {
  u32 me = static_cast<u32>(reinterpret_cast<koios::uptr>(arg));
  for (u32 i = 0; i < kRounds; ++i) {
    while (g_word.load() != me) (void)Futex::wait(word_key(), 1 - me, read_word, nullptr, Scheduler::kForever);
    g_word.store(1 - me);
    Futex::wake(word_key(), 1);
  }
  g_finished.fetch_add(1);
}

// Sleepers with short deadlines against a waker: every wake the table reports is one a sleeper
// reports as Ok, even when it races with the sleeper's time-out.
std::atomic<u32> g_ok{0};
std::atomic<u32> g_timed_out{0};
std::atomic<bool> g_stop_waking{false};
constexpr u32 kShortSleeps = 50;
void short_sleeper(void*) {
  for (u32 i = 0; i < kShortSleeps; ++i) {
    Status s = Futex::wait(word_key(), 7, read_word, nullptr, platform::now_ns() + 30'000);
    (s == Status::Ok ? g_ok : g_timed_out).fetch_add(1);
  }
  g_finished.fetch_add(1);
}

}  // namespace

void futex_test(Context& ctx) {
  g_word.store(3);
  CHECK_THAT(ctx, Futex::wait(word_key(), 4, read_word, nullptr, Scheduler::kForever) == Status::BadState);
  u64 start = platform::now_ns();
  CHECK_THAT(ctx, Futex::wait(word_key(), 3, read_word, nullptr, start + 1'000'000) == Status::TimedOut);
  CHECK_THAT(ctx, platform::now_ns() - start >= 1'000'000);
  CHECK_THAT(ctx, Futex::wake(word_key(), 5) == 0);
  CHECK_THAT(ctx, Futex::sleepers(word_key()) == 0);

  // No lost wake-up: two threads hand a turn back and forth through the futex only.
  g_word.store(0);
  g_finished.store(0);
  for (u32 who = 0; who < 2; ++who) {
    auto t = Thread::create("futex-player", player, reinterpret_cast<void*>(static_cast<koios::uptr>(who)));
    if (!ctx.check(t.ok(), "a thread is created")) return;
    Scheduler::start(t.value());
  }
  ctx.check(sleep_until([] { return g_finished.load() == 2; }, 10'000'000'000),
            "two threads ping-pong through a futex without losing a wake-up");
  CHECK_THAT(ctx, Futex::sleepers(word_key()) == 0);

  // Wakes racing time-outs are counted exactly once.
  g_word.store(7);
  g_finished.store(0);
  g_ok.store(0);
  g_timed_out.store(0);
  constexpr u32 kSleepers = 3;
  for (u32 i = 0; i < kSleepers; ++i) {
    auto t = Thread::create("futex-sleeper", short_sleeper, nullptr);
    if (!ctx.check(t.ok(), "a thread is created")) return;
    Scheduler::start(t.value());
  }
  u32 woken = 0;
  u64 give_up = platform::now_ns() + 10'000'000'000;
  while (g_finished.load() != kSleepers && platform::now_ns() < give_up) {
    woken += Futex::wake(word_key(), 1);
    Scheduler::sleep_ns(10'000);
  }
  CHECK_THAT(ctx, g_finished.load() == kSleepers);
  ctx.check(woken == g_ok.load(), "every wake reported by futex wake is a futex wait that returned Ok");
  CHECK_THAT(ctx, g_ok.load() + g_timed_out.load() == kSleepers * kShortSleeps);
  CHECK_THAT(ctx, Futex::sleepers(word_key()) == 0);
}

void timer_object_test(Context& ctx) {
  u64 objects_before = KernelObject::live_count();
  {
    auto timer = Timer::create();
    if (!ctx.check(timer.ok(), "a timer is created")) return;
    RefPtr<Timer> t = timer.value();
    t->set(platform::now_ns() + 500'000'000);
    CHECK_THAT(ctx, t->armed());
    u64 start = platform::now_ns();
    t->set(start + 1'000'000);  // re-armed earlier
    CHECK_THAT(ctx, sleep_until([&] { return t->signals() == koios::Signals::Signaled; }, 1'000'000'000));
    CHECK_THAT(ctx, platform::now_ns() - start >= 1'000'000);
    CHECK_THAT(ctx, !t->armed());
    t->set(platform::now_ns() + 500'000'000);
    CHECK_THAT(ctx, t->signals() == koios::Signals::None);  // re-arming clears Signaled
    t->cancel();
    CHECK_THAT(ctx, !t->armed());

    // From the timer interrupt into a port.
    auto port = Port::create();
    if (!ctx.check(port.ok(), "a port is created")) return;
    t->set(platform::now_ns() + 300'000);
    CHECK_THAT(ctx, port.value()->wait_async(t, 21, koios::Signals::Signaled, 0) == Status::Ok);
    CHECK_THAT(ctx, sleep_until([&] { return port.value()->queued_packets() == 1; }, 1'000'000'000));
    auto packet = port.value()->dequeue();
    CHECK_THAT(ctx, packet.ok() && packet.value().key == 21);
  }
  // Timers that die armed, some firing as they die, on whichever hart armed them.
  for (u32 i = 0; i < 200; ++i) {
    auto timer = Timer::create();
    if (!ctx.check(timer.ok(), "a timer is created")) return;
    timer.value()->set(platform::now_ns() + (i % 8) * 20'000);
    if (i % 16 == 0) Scheduler::sleep_ns(50'000);
  }
  Scheduler::sleep_ns(1'000'000);
  ctx.check(KernelObject::live_count() == objects_before, "timers and ports leave nothing behind");
}

}  // namespace kernel::selftest
