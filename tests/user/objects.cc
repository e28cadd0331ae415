// tests/user/objects.cc: handles, rights, events, channels and waits from user space. Each check
// that fails returns its own exit code, so the kernel's self-test names the broken rule.
#include "user_lib.h"

using koios::Handle;
using koios::Rights;
using koios::Signals;
using koios::Status;

namespace {
int failed_check = 0;
#define EXPECT(n, cond)                 \
  do {                                  \
    if (!(cond)) return failed_check = n; \
  } while (0)

int run() {
  // Events: create, signal, wait (satisfied and timed out).
  Handle event = 0;
  EXPECT(10, koios::event_create(0, &event) == Status::Ok && event != 0);
  EXPECT(11, koios::event_create(1, &event) == Status::InvalidArgs);
  EXPECT(12, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::Ok);
  Signals seen = Signals::None;
  EXPECT(13, koios::object_wait_one(event, Signals::Signaled, koios::kDeadlineInfinite, &seen) == Status::Ok);
  EXPECT(14, (seen & Signals::Signaled) == Signals::Signaled);
  EXPECT(15, koios::object_signal(event, Signals::Signaled, Signals::None) == Status::Ok);
  koios::i64 now = 0;
  koios::clock_get(0, &now);
  EXPECT(16, koios::object_wait_one(event, Signals::Signaled, now + 2'000'000, &seen) == Status::TimedOut);
  koios::i64 later = 0;
  koios::clock_get(0, &later);
  EXPECT(17, later - now >= 2'000'000);  // never early
  EXPECT(18, koios::object_wait_one(event, Signals::Signaled, koios::kDeadlineNow, nullptr) == Status::TimedOut);

  // Rights: a duplicate with fewer rights cannot do more; more rights cannot be had.
  Handle weak = 0;
  EXPECT(20, koios::handle_duplicate(event, Rights::Wait | Rights::Duplicate, &weak) == Status::Ok);
  EXPECT(21, koios::object_signal(weak, Signals::None, Signals::Signaled) == Status::AccessDenied);
  Handle stronger = 0;
  EXPECT(22, koios::handle_duplicate(weak, Rights::Wait | Rights::Signal, &stronger) != Status::Ok);
  EXPECT(23, koios::handle_close(weak) == Status::Ok);
  EXPECT(24, koios::handle_close(weak) == Status::BadHandle);  // closed values stay dead
  EXPECT(25, koios::object_signal(0x12345678, Signals::None, Signals::Signaled) == Status::BadHandle);

  // Channels: bytes and handles travel together; the handle moves (the sender loses it).
  Handle a = 0, b = 0;
  EXPECT(30, koios::channel_create(0, &a, &b) == Status::Ok);
  const char hello[] = "ping-16-bytes-ok";
  EXPECT(31, koios::channel_write(a, 0, hello, 16, &event, 1) == Status::Ok);
  EXPECT(32, koios::object_signal(event, Signals::None, Signals::Signaled) == Status::BadHandle);  // moved
  EXPECT(33, koios::object_wait_one(b, Signals::Readable, koios::kDeadlineInfinite, nullptr) == Status::Ok);
  char buf[16] = {};
  Handle got = 0;
  koios::MessageSizes sizes{0, 0};
  EXPECT(34, koios::channel_read(b, 0, buf, &got, 8, 1, &sizes) == Status::BufferTooSmall);
  EXPECT(35, sizes.bytes == 16 && sizes.handles == 1);  // the message stays queued
  EXPECT(36, koios::channel_read(b, 0, buf, &got, 16, 1, &sizes) == Status::Ok);
  for (int i = 0; i < 16; ++i) EXPECT(37, buf[i] == hello[i]);
  EXPECT(38, koios::object_signal(got, Signals::None, Signals::Signaled) == Status::Ok);  // it works here
  EXPECT(39, koios::channel_read(b, 0, buf, &got, 16, 1, &sizes) == Status::ShouldWait);

  // Checks in order: BadHandle, then WrongType, then AccessDenied.
  EXPECT(40, koios::channel_write(got, 0, hello, 1, nullptr, 0) == Status::WrongType);  // an event
  Handle read_only = 0;
  EXPECT(41, koios::handle_duplicate(a, Rights::Read | Rights::Transfer, &read_only) == Status::Ok);
  EXPECT(42, koios::channel_write(read_only, 0, hello, 1, nullptr, 0) == Status::AccessDenied);
  EXPECT(43, koios::channel_write(0x7777, 0, hello, 1, nullptr, 0) == Status::BadHandle);
  EXPECT(44, koios::channel_write(a, 0, hello, koios::kMaxMessageBytes + 1, nullptr, 0) == Status::OutOfRange);
  EXPECT(45, koios::channel_write(a, 0, reinterpret_cast<const void*>(0x80200000), 4, nullptr, 0) ==
                 Status::InvalidArgs);
  EXPECT(46, koios::channel_write(a, 2, hello, 1, nullptr, 0) == Status::InvalidArgs);

  // Related KoIDs: each channel end names the other.
  koios::InfoBasic ia{}, ib{};
  EXPECT(50, koios::object_get_info(a, 1, &ia, sizeof ia, nullptr, nullptr) == Status::Ok);
  EXPECT(51, koios::object_get_info(b, 1, &ib, sizeof ib, nullptr, nullptr) == Status::Ok);
  EXPECT(52, ia.related_koid == ib.koid && ib.related_koid == ia.koid && ia.type == koios::ObjectType::Channel);
  EXPECT(53, koios::object_get_info(a, 1, &ia, 4, nullptr, nullptr) == Status::BufferTooSmall);

  // Closing one end: the other sees PeerClosed, and writes fail.
  EXPECT(60, koios::handle_close(b) == Status::Ok);
  EXPECT(61, koios::object_wait_one(a, Signals::PeerClosed, koios::kDeadlineInfinite, &seen) == Status::Ok);
  EXPECT(62, koios::channel_write(a, 0, hello, 1, nullptr, 0) == Status::PeerClosed);

  // Sockets: a byte stream with short writes.
  Handle s0 = 0, s1 = 0;
  EXPECT(80, koios::socket_create(0, &s0, &s1) == Status::Ok);
  koios::u64 moved = 0;
  EXPECT(81, koios::socket_write(s0, 0, hello, 16, &moved) == Status::Ok && moved == 16);
  char sbuf[32] = {};
  EXPECT(82, koios::socket_read(s1, 0, sbuf, 10, &moved) == Status::Ok && moved == 10);
  EXPECT(83, koios::socket_read(s1, 0, sbuf + 10, 32, &moved) == Status::Ok && moved == 6);
  for (int i = 0; i < 16; ++i) EXPECT(84, sbuf[i] == hello[i]);
  EXPECT(85, koios::socket_read(s1, 0, sbuf, 1, &moved) == Status::ShouldWait);
  EXPECT(86, koios::socket_read(s1, 0, reinterpret_cast<void*>(0x80200000), 1, &moved) == Status::InvalidArgs);
  EXPECT(87, koios::handle_close(s0) == Status::Ok);
  EXPECT(88, koios::socket_read(s1, 0, sbuf, 1, &moved) == Status::PeerClosed);
  EXPECT(89, koios::socket_write(a, 0, hello, 1, &moved) == Status::WrongType);  // a channel

  // A vmo call on a channel: the type is checked before anything else about the call.
  EXPECT(70, koios::vmo_get_size(a, nullptr) == Status::WrongType);
  // Tokens: the minter keeps one side and recognises the other by related koids; the side handed
  // out carries Enter; when the minter's side goes, the token reports PeerClosed.
  Handle token = 0, kept = 0;
  EXPECT(90, koios::token_create(1, &token, &kept) == Status::InvalidArgs);
  EXPECT(91, koios::token_create(0, &token, &kept) == Status::Ok);
  koios::InfoBasic token_info{}, kept_info{};
  EXPECT(92, koios::object_get_info(token, 1, &token_info, sizeof token_info, nullptr, nullptr) == Status::Ok);
  EXPECT(93, koios::object_get_info(kept, 1, &kept_info, sizeof kept_info, nullptr, nullptr) == Status::Ok);
  EXPECT(94, token_info.type == koios::ObjectType::Token && kept_info.related_koid == token_info.koid &&
                 token_info.related_koid == kept_info.koid);
  EXPECT(95, (token_info.rights & Rights::Enter) == Rights::Enter);
  // The minter signals the side it handed out (pidsrv: a pidfd's process has exited); a side
  // handed out without SignalPeer cannot signal back. (No new objects here: the boot's KoIDs, and
  // with them the benchmarks' table probes, stay as they were.)
  Handle weak_token = 0;
  EXPECT(105, koios::object_wait_one(token, Signals::User0, koios::kDeadlineNow, nullptr) == Status::TimedOut);
  EXPECT(106, koios::object_signal_peer(kept, Signals::None, Signals::User0) == Status::Ok);
  EXPECT(107, koios::object_wait_one(token, Signals::User0, koios::kDeadlineNow, nullptr) == Status::Ok);
  EXPECT(108, koios::handle_replace(token, koios::kRightsBasic, &weak_token) == Status::Ok);
  EXPECT(109, koios::object_signal_peer(weak_token, Signals::None, Signals::User0) == Status::AccessDenied);
  token = weak_token;
  EXPECT(96, koios::handle_close(kept) == Status::Ok);
  EXPECT(97, koios::object_wait_one(token, Signals::PeerClosed, koios::kDeadlineNow, nullptr) == Status::Ok);
  EXPECT(98, koios::token_create(0, &token, reinterpret_cast<Handle*>(0x80200000)) == Status::InvalidArgs);
  // How a server knows its client (docs/ARCHITECTURE.md): the client's end comes without Transfer,
  // so the client cannot pass it on, nor get Transfer back.
  Handle server_end = 0, client_end = 0, pinned = 0, carrier_a = 0, carrier_b = 0, regained = 0;
  EXPECT(110, koios::channel_create(0, &server_end, &client_end) == Status::Ok);
  EXPECT(111, koios::handle_replace(client_end, Rights::Read | Rights::Write | Rights::Wait, &pinned) == Status::Ok);
  EXPECT(112, koios::channel_create(0, &carrier_a, &carrier_b) == Status::Ok);
  EXPECT(113, koios::channel_write(carrier_a, 0, "c", 1, &pinned, 1) == Status::AccessDenied);
  EXPECT(114, koios::handle_replace(pinned, Rights::Read | Rights::Write | Rights::Wait | Rights::Transfer, &regained) ==
                  Status::InvalidArgs);  // rights are only ever taken away
  EXPECT(115, koios::channel_write(pinned, 0, "hi", 2, nullptr, 0) == Status::Ok);  // it still works here
  EXPECT(116, koios::object_wait_one(server_end, Signals::Readable, koios::kDeadlineNow, nullptr) == Status::Ok);

  // Channels nested 5,000 deep (each queued in the next one's queue), then dropped at once: the
  // kernel frees them without recursing (a recursion this deep would overflow a kernel stack).
  Handle top_a = 0, top_b = 0;
  EXPECT(100, koios::channel_create(0, &top_a, &top_b) == Status::Ok);
  for (int i = 0; i < 5000; ++i) {
    Handle next_a = 0, next_b = 0;
    EXPECT(101, koios::channel_create(0, &next_a, &next_b) == Status::Ok);
    EXPECT(102, koios::channel_write(next_a, 0, "n", 1, &top_b, 1) == Status::Ok);  // top_b into next_b's queue
    EXPECT(103, koios::handle_close(top_a) == Status::Ok);
    top_a = next_a;
    top_b = next_b;
  }
  EXPECT(104, koios::handle_close(top_a) == Status::Ok && koios::handle_close(top_b) == Status::Ok);
  // The handles still open (a, read_only, got, token) are closed by process exit.
  return 0;
}
}  // namespace

extern "C" int main() {
  int code = run();
  char line[48];
  user::say(code == 0 ? "objects: all checks passed" : user::with_number(line, "objects: check failed: ", code));
  return code;
}
