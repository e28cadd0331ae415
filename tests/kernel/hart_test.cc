// tests/kernel/hart_test.cc: self-tests of timers, IPIs and per-hart state.
#include "kernel/lib/format.h"
#include "kernel/sched/per_hart.h"
#include "kernel/sched/wait.h"
#include "kernel/vm/kernel_aspace.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"

namespace kernel::selftest {

using koios::u64;


void timer_test(Context& ctx) {
  constexpr int kEvents = 5;
  TimerEvent events[kEvents];
  static int order[kEvents];
  static int fired;
  fired = 0;
  u64 now = platform::time_ticks();
  // Queued in reverse so the queue, not the insertion order, decides who fires first; with
  // interrupts off, so a host stall between two adds cannot let a later event fire first.
  bool irq = platform::interrupts_disable();
  for (int i = kEvents - 1; i >= 0; --i) {
    events[i].deadline_ticks = now + platform::ns_to_ticks(u64(i + 1) * 1'000'000);
    events[i].context = reinterpret_cast<void*>(koios::uptr(i));
    events[i].fire = [](TimerEvent* e) { order[fired++] = int(reinterpret_cast<koios::uptr>(e->context)); };
    this_hart().timers.add(&events[i]);
  }
  platform::interrupts_restore(irq);
  bool all = wait_until([] { return fired == kEvents; }, 500'000'000);
  CHECK_THAT(ctx, all);
  for (int i = 0; i < fired; ++i) {
    ctx.check(order[i] == i, "events fire in deadline order");
    ctx.check(events[order[i]].fired_at_ticks >= events[order[i]].deadline_ticks, "no event fires early");
  }
  TimerEvent cancelled;
  cancelled.deadline_ticks = platform::time_ticks() + platform::ns_to_ticks(50'000'000);
  this_hart().timers.add(&cancelled);
  CHECK_THAT(ctx, this_hart().timers.cancel(&cancelled));
  CHECK_THAT(ctx, !this_hart().timers.cancel(&cancelled));
  CHECK_THAT(ctx, this_hart().timer_interrupts.load() >= 1);
}

void ipi_test(Context& ctx) {
  // The boot hart interrupts every other online hart and waits to see each count it.
  for (koios::u32 c = 0; c < platform::cpu_count(); ++c) {
    PerHart& target = hart(c);
    if (&target == &this_hart() || !target.online.load()) continue;
    u64 before = target.ipis_received.load();
    platform::send_ipi(c);
    ctx.check(wait_until([&] { return target.ipis_received.load() > before; }, 500'000'000),
              "every other hart receives an IPI");
  }
  u64 before = this_hart().ipis_received.load();
  platform::send_ipi(this_hart().cpu);  // and a hart can interrupt itself
  CHECK_THAT(ctx, wait_until([&] { return this_hart().ipis_received.load() > before; }, 500'000'000));
}

void percpu_test(Context& ctx) {
  PerHart& me = this_hart();
  CHECK_THAT(ctx, &hart(me.cpu) == &me);
  CHECK_THAT(ctx, platform::hart_id_of(me.cpu) == me.hart_id);
  u64 sp = reinterpret_cast<u64>(__builtin_frame_address(0));
  CHECK_THAT(ctx, sp > me.stack_low && sp <= me.stack_top);             // running on the guarded stack
  CHECK_THAT(ctx, me.stack_low >= aspace::kStackRegion);
  // This hart's own timer interrupt arrives.
  static TimerEvent tick[platform::kMaxCpus];
  TimerEvent& t = tick[me.cpu];
  t.deadline_ticks = platform::time_ticks() + platform::ns_to_ticks(200'000);
  t.fire = nullptr;
  me.timers.add(&t);
  CHECK_THAT(ctx, wait_until([&] { return !t.queued; }, 500'000'000));
  // The timer handler ran in interrupt context, and this code does not.
  static bool fired_in_interrupt[platform::kMaxCpus];
  TimerEvent probe;
  probe.deadline_ticks = platform::time_ticks() + platform::ns_to_ticks(100'000);
  probe.fire = [](TimerEvent*) { fired_in_interrupt[this_hart().cpu] = in_interrupt(); };
  me.timers.add(&probe);
  CHECK_THAT(ctx, wait_until([&] { return !probe.queued; }, 500'000'000));
  CHECK_THAT(ctx, fired_in_interrupt[me.cpu]);
  CHECK_THAT(ctx, !in_interrupt());
}

void format_test(Context& ctx) {
  char buf[64];
  format(buf, sizeof buf, "%d|%5u|%-3x|%08lx|%s|%c|%%", -42, 7u, 0xau, 0x1234ul, "ok", 'z');
  const char* want = "-42|    7|a  |00001234|ok|z|%";
  bool same = true;
  for (int i = 0; want[i] != 0 || buf[i] != 0; ++i) same &= buf[i] == want[i];
  CHECK_THAT(ctx, same);
  CHECK_THAT(ctx, format(buf, 4, "%s", "truncated") == 9 && buf[3] == 0);
}

}  // namespace kernel::selftest
