// tests/user/waits.cc: ports and async waits, object_wait_many, timers, clock_nanosleep and futexes
// from user space: every path one thread can reach and every error status. Each failing check
// returns its own exit code, so the kernel's self-test names the broken rule.
// Not covered here: Interrupted (needs task_suspend) and a futex woken by another thread (needs
// thread_create); tests/kernel/waits_test.cc drives the futex table from two kernel threads.
#include "user_lib.h"

using koios::Handle;
using koios::PacketType;
using koios::PortPacket;
using koios::Rights;
using koios::Signals;
using koios::Status;
using koios::WaitItem;

namespace {
int failed_check = 0;
#define EXPECT(n, cond)                   \
  do {                                    \
    if (!(cond)) return failed_check = n; \
  } while (0)

constexpr koios::i64 kMs = 1'000'000;
const void* const kKernelAddress = reinterpret_cast<const void*>(0x80200000);
void* const kUnmapped = reinterpret_cast<void*>(0x2000000000ull);

koios::i64 now() {
  koios::i64 t = 0;
  koios::clock_get(0, &t);
  return t;
}

PortPacket make_packet(koios::u64 key, koios::u64 word) {
  PortPacket p;
  p.key = key;
  p.type = PacketType::SignalOne;  // the kernel makes it User
  p.status = Status::Ok;
  p.trigger = p.observed = Signals::None;
  p.data[0] = word;
  p.data[1] = p.data[2] = 0;
  return p;
}

int ports() {
  Handle port = 0, event = 0;
  EXPECT(100, koios::port_create(1, &port) == Status::InvalidArgs);
  EXPECT(101, koios::port_create(0, &port) == Status::Ok && port != 0);
  EXPECT(102, koios::event_create(0, &event) == Status::Ok);
  PortPacket got = make_packet(0, 0);
  EXPECT(103, koios::port_wait(port, koios::kDeadlineNow, &got) == Status::TimedOut);
  koios::i64 start = now();
  EXPECT(104, koios::port_wait(port, start + 2 * kMs, &got) == Status::TimedOut);
  EXPECT(105, now() - start >= 2 * kMs);

  // User packets: in order, typed User, payload intact.
  PortPacket sent = make_packet(11, 0xfeed);
  EXPECT(110, koios::port_queue(port, &sent) == Status::Ok);
  sent.key = 12;
  EXPECT(111, koios::port_queue(port, &sent) == Status::Ok);
  EXPECT(112, koios::port_wait(port, koios::kDeadlineInfinite, &got) == Status::Ok);
  EXPECT(113, got.key == 11 && got.type == PacketType::User && got.data[0] == 0xfeed);
  // A bad output buffer is refused before the packet leaves the queue.
  EXPECT(114, koios::port_wait(port, koios::kDeadlineInfinite, reinterpret_cast<PortPacket*>(0x80200000)) ==
                  Status::InvalidArgs);
  EXPECT(115, koios::port_wait(port, koios::kDeadlineNow, &got) == Status::Ok && got.key == 12);
  EXPECT(116, koios::port_queue(port, static_cast<const PortPacket*>(kKernelAddress)) == Status::InvalidArgs);
  EXPECT(117, koios::port_queue(port, static_cast<const PortPacket*>(kUnmapped)) == Status::NotFound);

  // A bounded queue: ShouldWait when full, room again after a read.
  for (koios::u32 i = 0; i < koios::kMaxPortPackets; ++i) EXPECT(120, koios::port_queue(port, &sent) == Status::Ok);
  EXPECT(121, koios::port_queue(port, &sent) == Status::ShouldWait);
  EXPECT(122, koios::port_wait(port, koios::kDeadlineNow, &got) == Status::Ok);
  EXPECT(123, koios::port_queue(port, &sent) == Status::Ok);
  for (koios::u32 i = 0; i < koios::kMaxPortPackets; ++i) EXPECT(124, koios::port_wait(port, 0, &got) == Status::Ok);
  EXPECT(125, koios::port_wait(port, 0, &got) == Status::TimedOut);

  // Handle, type and rights, in that order.
  EXPECT(130, koios::port_queue(0x4242, &sent) == Status::BadHandle);
  EXPECT(131, koios::port_queue(event, &sent) == Status::WrongType);
  EXPECT(132, koios::port_wait(event, 0, &got) == Status::WrongType);
  Handle read_only = 0, write_only = 0;
  EXPECT(133, koios::handle_duplicate(port, Rights::Read, &read_only) == Status::Ok);
  EXPECT(134, koios::handle_duplicate(port, Rights::Write, &write_only) == Status::Ok);
  EXPECT(135, koios::port_queue(read_only, &sent) == Status::AccessDenied);
  EXPECT(136, koios::port_wait(write_only, 0, &got) == Status::AccessDenied);
  EXPECT(137, koios::object_wait_async(event, read_only, 1, Signals::Signaled, 0) == Status::AccessDenied);
  EXPECT(138, koios::port_cancel(read_only, event, 1) == Status::AccessDenied);

  // Async waits: one SignalOne packet once a watched signal is asserted.
  EXPECT(140, koios::object_wait_async(event, port, 77, Signals::Signaled | Signals::User2, 0) == Status::Ok);
  EXPECT(141, koios::port_wait(port, 0, &got) == Status::TimedOut);
  EXPECT(142, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::Ok);
  EXPECT(143, koios::port_wait(port, koios::kDeadlineInfinite, &got) == Status::Ok);
  EXPECT(144, got.key == 77 && got.type == PacketType::SignalOne && got.status == Status::Ok);
  EXPECT(145, got.trigger == (Signals::Signaled | Signals::User2) && got.observed == Signals::Signaled);
  EXPECT(146, koios::object_signal(event, Signals::Signaled, Signals::None) == Status::Ok);
  EXPECT(147, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::Ok);
  EXPECT(148, koios::port_wait(port, 0, &got) == Status::TimedOut);  // one-shot
  // Already asserted: fires at once.
  EXPECT(149, koios::object_wait_async(event, port, 78, Signals::Signaled, 0) == Status::Ok);
  EXPECT(150, koios::port_wait(port, 0, &got) == Status::Ok && got.key == 78);
  EXPECT(151, koios::object_signal(event, Signals::Signaled, Signals::None) == Status::Ok);

  // object_wait_async checks: the object's handle, then the port's, then the options.
  Handle no_wait = 0;
  EXPECT(155, koios::handle_duplicate(event, Rights::Signal, &no_wait) == Status::Ok);
  EXPECT(156, koios::object_wait_async(0x4242, port, 1, Signals::Signaled, 0) == Status::BadHandle);
  EXPECT(157, koios::object_wait_async(no_wait, port, 1, Signals::Signaled, 0) == Status::AccessDenied);
  EXPECT(158, koios::object_wait_async(event, 0x4242, 1, Signals::Signaled, 0) == Status::BadHandle);
  EXPECT(159, koios::object_wait_async(event, event, 1, Signals::Signaled, 0) == Status::WrongType);
  EXPECT(160, koios::object_wait_async(event, port, 1, Signals::Signaled, 1) == Status::InvalidArgs);

  // port_cancel: armed waits and queued packets of that source and key go.
  EXPECT(165, koios::object_wait_async(event, port, 5, Signals::Signaled, 0) == Status::Ok);
  EXPECT(166, koios::object_wait_async(event, port, 6, Signals::Signaled, 0) == Status::Ok);
  EXPECT(167, koios::port_cancel(port, event, 5) == Status::Ok);
  EXPECT(168, koios::port_cancel(port, event, 5) == Status::NotFound);
  EXPECT(169, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::Ok);
  EXPECT(170, koios::port_wait(port, 0, &got) == Status::Ok && got.key == 6);
  EXPECT(171, koios::port_wait(port, 0, &got) == Status::TimedOut);
  EXPECT(172, koios::object_wait_async(event, port, 7, Signals::Signaled, 0) == Status::Ok);  // queued at once
  EXPECT(173, koios::port_cancel(port, event, 7) == Status::Ok);
  EXPECT(174, koios::port_wait(port, 0, &got) == Status::TimedOut);  // the queued packet went too
  EXPECT(175, koios::port_cancel(port, 0x4242, 7) == Status::BadHandle);
  EXPECT(176, koios::port_cancel(event, event, 7) == Status::WrongType);
  EXPECT(177, koios::object_signal(event, Signals::Signaled, Signals::None) == Status::Ok);

  // A port closed with waits armed: the waits go with it (the self-test counts objects after).
  Handle doomed = 0;
  EXPECT(180, koios::port_create(0, &doomed) == Status::Ok);
  EXPECT(181, koios::object_wait_async(event, doomed, 1, Signals::Signaled, 0) == Status::Ok);
  EXPECT(182, koios::object_wait_async(doomed, doomed, 2, Signals::User0, 0) == Status::Ok);  // on itself
  EXPECT(183, koios::port_queue(doomed, &sent) == Status::Ok);
  EXPECT(184, koios::handle_close(doomed) == Status::Ok);
  EXPECT(185, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::Ok);  // nobody listens
  EXPECT(186, koios::object_signal(event, Signals::Signaled, Signals::None) == Status::Ok);
  // A channel end's PeerClosed arrives as a packet.
  Handle a = 0, b = 0;
  EXPECT(190, koios::channel_create(0, &a, &b) == Status::Ok);
  EXPECT(191, koios::object_wait_async(a, port, 9, Signals::PeerClosed, 0) == Status::Ok);
  EXPECT(192, koios::handle_close(b) == Status::Ok);
  EXPECT(193, koios::port_wait(port, koios::kDeadlineInfinite, &got) == Status::Ok && got.key == 9);
  EXPECT(194, koios::handle_close(a) == Status::Ok);
  // An armed wait left behind when the process exits is cleaned up with its handles.
  EXPECT(195, koios::object_wait_async(event, port, 10, Signals::Signaled, 0) == Status::Ok);
  return 0;
}

int wait_many() {
  Handle e0 = 0, e1 = 0, weak = 0;
  EXPECT(200, koios::event_create(0, &e0) == Status::Ok && koios::event_create(0, &e1) == Status::Ok);
  EXPECT(201, koios::handle_duplicate(e1, Rights::Inspect, &weak) == Status::Ok);
  WaitItem items[koios::kMaxWaitManyItems + 1];
  for (auto& item : items) item = WaitItem{e0, Signals::Signaled, Signals::None};
  EXPECT(202, koios::object_wait_many(items, koios::kMaxWaitManyItems + 1, 0) == Status::OutOfRange);
  // The limit itself is fine: 64 items on one event.
  EXPECT(203, koios::object_wait_many(items, koios::kMaxWaitManyItems, 0) == Status::TimedOut);

  items[0] = WaitItem{e0, Signals::Signaled, Signals::None};
  items[1] = WaitItem{e1, Signals::Signaled, Signals::None};
  EXPECT(210, koios::object_signal(e1, Signals::None, Signals::Signaled | Signals::User1) == Status::Ok);
  EXPECT(211, koios::object_signal(e0, Signals::None, Signals::User0) == Status::Ok);
  EXPECT(212, koios::object_wait_many(items, 2, koios::kDeadlineInfinite) == Status::Ok);
  EXPECT(213, items[0].pending == Signals::User0);  // every item's pending is filled
  EXPECT(214, items[1].pending == (Signals::Signaled | Signals::User1));
  EXPECT(215, koios::object_signal(e1, Signals::Signaled, Signals::None) == Status::Ok);
  koios::i64 start = now();
  EXPECT(216, koios::object_wait_many(items, 2, start + 2 * kMs) == Status::TimedOut);
  EXPECT(217, now() - start >= 2 * kMs);
  EXPECT(218, items[0].pending == Signals::User0 && items[1].pending == Signals::User1);

  // Every handle is checked before anything waits: an infinite deadline returns at once.
  items[2] = WaitItem{0x4242, Signals::Signaled, Signals::None};
  EXPECT(220, koios::object_wait_many(items, 3, koios::kDeadlineInfinite) == Status::BadHandle);
  items[2] = WaitItem{weak, Signals::Signaled, Signals::None};
  EXPECT(221, koios::object_wait_many(items, 3, koios::kDeadlineInfinite) == Status::AccessDenied);
  EXPECT(222, koios::object_wait_many(static_cast<WaitItem*>(const_cast<void*>(kKernelAddress)), 2,
                                      koios::kDeadlineInfinite) == Status::InvalidArgs);
  EXPECT(223, koios::object_wait_many(static_cast<WaitItem*>(kUnmapped), 2, koios::kDeadlineInfinite) ==
                  Status::NotFound);
  // No items: a sleep until the deadline.
  start = now();
  EXPECT(224, koios::object_wait_many(nullptr, 0, start + kMs) == Status::TimedOut && now() - start >= kMs);
  return 0;
}

int timers() {
  Handle timer = 0, event = 0, port = 0;
  EXPECT(300, koios::timer_create(1, &timer) == Status::InvalidArgs);
  EXPECT(301, koios::timer_create(0, &timer) == Status::Ok);
  EXPECT(302, koios::event_create(0, &event) == Status::Ok && koios::port_create(0, &port) == Status::Ok);
  EXPECT(303, koios::object_wait_one(timer, Signals::Signaled, 0, nullptr) == Status::TimedOut);  // not armed
  koios::i64 start = now();
  EXPECT(304, koios::timer_set(timer, start + 2 * kMs, 0) == Status::Ok);
  Signals seen = Signals::None;
  EXPECT(305, koios::object_wait_one(timer, Signals::Signaled, koios::kDeadlineInfinite, &seen) == Status::Ok);
  EXPECT(306, now() - start >= 2 * kMs && seen == Signals::Signaled);
  // Cancel disarms and clears Signaled.
  EXPECT(310, koios::timer_cancel(timer) == Status::Ok);
  EXPECT(311, koios::object_wait_one(timer, Signals::Signaled, 0, nullptr) == Status::TimedOut);
  EXPECT(312, koios::timer_set(timer, now() + 3 * kMs, 0) == Status::Ok);
  EXPECT(313, koios::timer_cancel(timer) == Status::Ok);
  EXPECT(314, koios::object_wait_one(timer, Signals::Signaled, now() + 5 * kMs, nullptr) == Status::TimedOut);
  // Set re-arms: the later deadline replaces the earlier one, and the other way round.
  EXPECT(320, koios::timer_set(timer, now() + 1'000 * kMs, 0) == Status::Ok);
  start = now();
  EXPECT(321, koios::timer_set(timer, start + kMs, 0) == Status::Ok);
  EXPECT(322, koios::object_wait_one(timer, Signals::Signaled, start + 500 * kMs, nullptr) == Status::Ok);
  EXPECT(323, koios::timer_set(timer, now() + 1'000 * kMs, 0) == Status::Ok);  // clears Signaled too
  EXPECT(324, koios::object_wait_one(timer, Signals::Signaled, 0, nullptr) == Status::TimedOut);
  EXPECT(325, koios::timer_set(timer, 0, 0) == Status::Ok);  // a past deadline fires at once
  EXPECT(326, koios::object_wait_one(timer, Signals::Signaled, 0, nullptr) == Status::Ok);
  EXPECT(327, koios::timer_set(timer, koios::kDeadlineInfinite, 0) == Status::Ok);  // never
  EXPECT(328, koios::object_wait_one(timer, Signals::Signaled, now() + kMs, nullptr) == Status::TimedOut);
  // Checks.
  EXPECT(330, koios::timer_set(timer, 0, -1) == Status::OutOfRange);
  EXPECT(331, koios::timer_set(0x4242, 0, 0) == Status::BadHandle);
  EXPECT(332, koios::timer_set(event, 0, 0) == Status::WrongType);
  EXPECT(333, koios::timer_cancel(event) == Status::WrongType);
  Handle wait_only = 0;
  EXPECT(334, koios::handle_duplicate(timer, Rights::Wait, &wait_only) == Status::Ok);
  EXPECT(335, koios::timer_set(wait_only, 0, 0) == Status::AccessDenied);
  EXPECT(336, koios::timer_cancel(wait_only) == Status::AccessDenied);
  EXPECT(337, koios::timer_create(0, static_cast<Handle*>(const_cast<void*>(kKernelAddress))) == Status::InvalidArgs);
  // Through a port, and still firing after its last handle is closed (the wait holds it).
  start = now();
  EXPECT(340, koios::timer_set(timer, start + kMs, 0) == Status::Ok);
  EXPECT(341, koios::object_wait_async(timer, port, 3, Signals::Signaled, 0) == Status::Ok);
  EXPECT(342, koios::handle_close(timer) == Status::Ok && koios::handle_close(wait_only) == Status::Ok);
  PortPacket got;
  EXPECT(343, koios::port_wait(port, koios::kDeadlineInfinite, &got) == Status::Ok);
  EXPECT(344, got.key == 3 && got.observed == Signals::Signaled && now() - start >= kMs);
  // A timer that dies armed never fires into freed memory.
  for (int i = 0; i < 16; ++i) {
    Handle t = 0;
    EXPECT(350, koios::timer_create(0, &t) == Status::Ok);
    EXPECT(351, koios::timer_set(t, now() + (i % 4) * kMs / 4, 0) == Status::Ok);
    EXPECT(352, koios::handle_close(t) == Status::Ok);
  }
  EXPECT(353, koios::clock_nanosleep(now() + 2 * kMs) == Status::Ok);
  return 0;
}

int sleeps() {
  koios::i64 start = now();
  EXPECT(400, koios::clock_nanosleep(start + 2 * kMs) == Status::Ok);
  EXPECT(401, now() - start >= 2 * kMs);
  EXPECT(402, koios::clock_nanosleep(0) == Status::Ok);
  EXPECT(403, koios::clock_nanosleep(-5) == Status::Ok);
  return 0;
}

alignas(8) volatile koios::u32 g_words[2] = {5, 0};

int futexes() {
  const koios::u32* word = const_cast<const koios::u32*>(&g_words[0]);
  EXPECT(500, koios::futex_wait(word, 6, koios::kDeadlineInfinite) == Status::BadState);  // it is 5
  koios::i64 start = now();
  EXPECT(501, koios::futex_wait(word, 5, start + 2 * kMs) == Status::TimedOut);
  EXPECT(502, now() - start >= 2 * kMs);
  EXPECT(503, koios::futex_wait(word, 5, koios::kDeadlineNow) == Status::TimedOut);
  auto misaligned = reinterpret_cast<const koios::u32*>(reinterpret_cast<koios::u64>(word) + 2);
  EXPECT(504, koios::futex_wait(misaligned, 5, koios::kDeadlineInfinite) == Status::InvalidArgs);
  EXPECT(505, koios::futex_wake(misaligned, 1) == Status::InvalidArgs);
  EXPECT(506, koios::futex_wait(static_cast<const koios::u32*>(kKernelAddress), 0, koios::kDeadlineInfinite) ==
                  Status::InvalidArgs);
  EXPECT(507, koios::futex_wake(static_cast<const koios::u32*>(kKernelAddress), 1) == Status::InvalidArgs);
  EXPECT(508, koios::futex_wait(nullptr, 0, koios::kDeadlineInfinite) == Status::InvalidArgs);
  EXPECT(509, koios::futex_wait(static_cast<const koios::u32*>(kUnmapped), 0, koios::kDeadlineInfinite) ==
                  Status::NotFound);
  EXPECT(510, koios::futex_wake(word, 1) == Status::Ok);  // nobody sleeps: still Ok
  EXPECT(511, koios::futex_wake(word, 0) == Status::Ok);
  EXPECT(512, koios::futex_wake(word, ~0u) == Status::Ok);
  return 0;
}

int run() {
  if (int code = ports(); code != 0) return code;
  if (int code = wait_many(); code != 0) return code;
  if (int code = timers(); code != 0) return code;
  if (int code = sleeps(); code != 0) return code;
  return futexes();
}
}  // namespace

extern "C" int main() {
  int code = run();
  char line[48];
  user::say(code == 0 ? "waits: all checks passed" : user::with_number(line, "waits: check failed: ", code));
  return code;
}
