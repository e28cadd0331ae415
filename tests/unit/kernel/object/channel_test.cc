// tests/unit/kernel/object/channel_test.cc: channel messages, limits, handle transfer and peer death.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kernel/object/channel.h"
#include "kernel/object/event.h"
#include "kernel/object/event_pair.h"
#include "kernel/object/handle_table.h"
#include "leak_check.h"

using kernel::Channel;
using kernel::Event;
using kernel::HandleTable;
using kernel::Message;
using kernel::OwnPtr;
using kernel::RefPtr;
using koios::Handle;
using koios::MessageSizes;
using koios::Rights;
using koios::Signals;
using koios::Status;

namespace {
struct Table : HandleTable {
  explicit Table(koios::u64 secret, koios::u32 quota = 256) : HandleTable(secret) { REQUIRE(init(quota) == Status::Ok); }
};

// Two processes' tables and a channel between them: `a` in table one, `b` in table two.
struct Fixture {
  Table one{1}, two{2};
  Handle a = 0, b = 0;
  RefPtr<Channel> end_a, end_b;
  Fixture() {
    auto pair = Channel::create().value();
    end_a = pair.first;
    end_b = pair.second;
    a = one.add(std::move(pair.first), Channel::kDefaultRights).value();
    b = two.add(std::move(pair.second), Channel::kDefaultRights).value();
  }
};

Status write(HandleTable& table, Channel& channel, const std::string& text, std::vector<Handle> handles = {}) {
  auto message = Message::create(text.data(), static_cast<koios::u32>(text.size()), handles.data(),
                                 static_cast<koios::u32>(handles.size()));
  if (!message.ok()) return message.status();
  return channel.write(table, std::move(message).value());
}

std::string text_of(const Message& m) { return std::string(reinterpret_cast<const char*>(m.bytes()), m.num_bytes()); }
}  // namespace

TEST_CASE("a message written at one end is read at the other, in order", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  CHECK(f.end_a->related_koid() == f.end_b->koid());
  CHECK(f.end_b->signals() == Signals::Writable);
  REQUIRE(write(f.one, *f.end_a, "first") == Status::Ok);
  REQUIRE(write(f.one, *f.end_a, "second") == Status::Ok);
  CHECK(f.end_b->signals() == (Signals::Writable | Signals::Readable));
  CHECK(f.end_a->signals() == Signals::Writable);   // nothing queued for a
  MessageSizes sizes{};
  auto m1 = f.end_b->read(f.two, 100, 0, &sizes).value();
  CHECK(text_of(*m1) == "first");
  CHECK(sizes.bytes == 5);
  auto m2 = f.end_b->read(f.two, 100, 0, &sizes).value();
  CHECK(text_of(*m2) == "second");
  CHECK(f.end_b->signals() == Signals::Writable);
  CHECK(f.end_b->read(f.two, 100, 0, &sizes).status() == Status::ShouldWait);
}

TEST_CASE("a message carries its transaction id in the shared header", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  koios::MessageHeader header{0x1234, 7};
  auto m = Message::create(&header, sizeof header, nullptr, 0).value();
  REQUIRE(f.end_a->write(f.one, std::move(m)) == Status::Ok);
  CHECK(f.end_b->read(f.two, 64, 0, nullptr).value()->txid() == 0x1234);
  CHECK(Message::create(2, 0).value()->txid() == 0);
}

TEST_CASE("messages over the byte or handle limit are refused before anything moves", "[channel]") {
  LeakCheck leaks;
  CHECK(Message::create(koios::kMaxMessageBytes + 1, 0).status() == Status::OutOfRange);
  CHECK(Message::create(0, koios::kMaxMessageHandles + 1).status() == Status::OutOfRange);
  CHECK(Message::create(koios::kMaxMessageBytes, koios::kMaxMessageHandles).ok());
}

TEST_CASE("a reader's small buffer gets BufferTooSmall, the sizes, and the message stays", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  Handle ev = f.one.add(Event::create().value(), Event::kDefaultRights).value();
  REQUIRE(write(f.one, *f.end_a, "twelve bytes", {ev}) == Status::Ok);
  MessageSizes sizes{};
  CHECK(f.end_b->read(f.two, 11, 1, &sizes).status() == Status::BufferTooSmall);
  CHECK(sizes.bytes == 12);
  CHECK(sizes.handles == 1);
  CHECK(f.end_b->read(f.two, 12, 0, &sizes).status() == Status::BufferTooSmall);
  CHECK(f.end_b->queued_messages() == 1);
  CHECK(f.two.count() == 1);
  auto m = f.end_b->read(f.two, 12, 1, &sizes).value();
  CHECK(text_of(*m) == "twelve bytes");
  CHECK(f.two.count() == 2);
}

TEST_CASE("handles move with the bytes into the reader's table", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  auto event = Event::create().value();
  Handle ev = f.one.add(event, Event::kDefaultRights).value();
  REQUIRE(write(f.one, *f.end_a, "take this", {ev}) == Status::Ok);
  CHECK(f.one.lookup_any(ev, Rights::None).status() == Status::BadHandle);
  CHECK(f.one.count() == 1);
  CHECK(event->handle_count() == 1);   // in flight
  auto m = f.end_b->read(f.two, 100, 4, nullptr).value();
  REQUIRE(m->num_handles() == 1);
  Handle received = m->handle_values()[0];
  auto found = f.two.lookup<Event>(received, Rights::Signal);
  REQUIRE(found.ok());
  CHECK(found.value().get() == event.get());
  CHECK(f.two.lookup_any(received, Rights::None).value().rights == Event::kDefaultRights);
  CHECK(event->handle_count() == 1);
}

TEST_CASE("a write whose handles cannot all move moves nothing", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  Handle ok = f.one.add(Event::create().value(), Event::kDefaultRights).value();
  Handle stuck = f.one.add(Event::create().value(), Rights::Wait).value();
  CHECK(write(f.one, *f.end_a, "x", {ok, stuck}) == Status::AccessDenied);
  CHECK(write(f.one, *f.end_a, "x", {ok, 0xDEAD}) == Status::BadHandle);
  CHECK(write(f.one, *f.end_a, "x", {ok, ok}) == Status::BadHandle);
  CHECK(f.one.count() == 3);
  CHECK(f.end_b->queued_messages() == 0);
  CHECK(f.one.lookup<Event>(ok, Rights::Transfer).ok());
  SECTION("a channel cannot carry either of its own ends") {
    CHECK(write(f.one, *f.end_a, "x", {ok, f.a}) == Status::NotSupported);
    Handle other_end = f.one.add(f.end_b, Channel::kDefaultRights).value();
    CHECK(write(f.one, *f.end_a, "x", {other_end}) == Status::NotSupported);
    CHECK(f.one.count() == 4);
  }
}

TEST_CASE("a full peer queue answers ShouldWait and clears Writable until a read", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  Handle ev = f.one.add(Event::create().value(), Event::kDefaultRights).value();
  for (koios::u32 i = 0; i < koios::kMaxQueuedMessages; ++i) REQUIRE(write(f.one, *f.end_a, "m") == Status::Ok);
  CHECK_FALSE(koios::intersects(f.end_a->signals(), Signals::Writable));
  CHECK(write(f.one, *f.end_a, "one too many", {ev}) == Status::ShouldWait);
  CHECK(f.one.lookup<Event>(ev, Rights::Transfer).ok());   // the handle did not move
  CHECK(f.end_b->queued_messages() == koios::kMaxQueuedMessages);
  REQUIRE(f.end_b->read(f.two, 10, 0, nullptr).ok());
  CHECK(koios::intersects(f.end_a->signals(), Signals::Writable));
  CHECK(write(f.one, *f.end_a, "fits again", {ev}) == Status::Ok);
}

TEST_CASE("a reader whose table is full gets NoResources and the message stays", "[channel]") {
  LeakCheck leaks;
  Table one{1}, two{2, 2};
  auto pair = Channel::create().value();
  auto end_a = pair.first, end_b = pair.second;
  REQUIRE(one.add(std::move(pair.first), Channel::kDefaultRights).ok());
  REQUIRE(two.add(std::move(pair.second), Channel::kDefaultRights).ok());
  Handle e1 = one.add(Event::create().value(), Event::kDefaultRights).value();
  Handle e2 = one.add(Event::create().value(), Event::kDefaultRights).value();
  REQUIRE(write(one, *end_a, "two handles", {e1, e2}) == Status::Ok);
  CHECK(end_b->read(two, 100, 2, nullptr).status() == Status::NoResources);
  CHECK(end_b->queued_messages() == 1);
  CHECK(two.count() == 1);
}

TEST_CASE("writing to a channel whose peer is gone answers PeerClosed and moves nothing", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  Handle ev = f.one.add(Event::create().value(), Event::kDefaultRights).value();
  REQUIRE(write(f.two, *f.end_b, "left for a") == Status::Ok);
  REQUIRE(f.two.close(f.b) == Status::Ok);
  CHECK(f.end_a->signals() == (Signals::PeerClosed | Signals::Readable));
  CHECK(write(f.one, *f.end_a, "anyone?", {ev}) == Status::PeerClosed);
  CHECK(f.one.lookup<Event>(ev, Rights::Transfer).ok());
  SECTION("what was queued before can still be read, then PeerClosed") {
    CHECK(text_of(*f.end_a->read(f.one, 100, 0, nullptr).value()) == "left for a");
    CHECK(f.end_a->read(f.one, 100, 0, nullptr).status() == Status::PeerClosed);
  }
}

TEST_CASE("handles in flight are closed when the channel end holding them dies", "[channel]") {
  LeakCheck leaks;
  auto start = kernel::KernelObject::live_count();
  {
    Fixture f;
    auto pair = kernel::EventPair::create().value();
    Handle side = f.one.add(pair.first, kernel::EventPair::kDefaultRights).value();
    auto watched = kernel::Event::create().value();
    Handle ev = f.one.add(watched, Event::kDefaultRights).value();
    for (int i = 0; i < 5; ++i) REQUIRE(write(f.one, *f.end_a, "bytes") == Status::Ok);
    REQUIRE(write(f.one, *f.end_a, "with handles", {ev, side}) == Status::Ok);
    CHECK(watched->handle_count() == 1);
    CHECK_FALSE(koios::intersects(pair.second->signals(), Signals::PeerClosed));
    REQUIRE(f.two.close(f.b) == Status::Ok);
    CHECK(watched->handle_count() == 0);
    CHECK(koios::intersects(pair.second->signals(), Signals::PeerClosed));
  }
  CHECK(kernel::KernelObject::live_count() == start);
}

TEST_CASE("a channel end sent through a channel still works and its peer stays open", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  Table three{3};
  // A second channel: x stays in table one, y travels one -> two -> three.
  auto pair = Channel::create().value();
  auto end_x = pair.first, end_y = pair.second;
  Handle x = f.one.add(std::move(pair.first), Channel::kDefaultRights).value();
  Handle y = f.one.add(std::move(pair.second), Channel::kDefaultRights).value();
  (void)x;
  REQUIRE(write(f.one, *f.end_a, "here is y", {y}) == Status::Ok);
  CHECK_FALSE(koios::intersects(end_x->signals(), Signals::PeerClosed));
  auto m = f.end_b->read(f.two, 100, 1, nullptr).value();
  Handle y_in_two = m->handle_values()[0];
  // two -> three through a third channel
  auto pair2 = Channel::create().value();
  auto end_p = pair2.first, end_q = pair2.second;
  REQUIRE(f.two.add(std::move(pair2.first), Channel::kDefaultRights).ok());
  REQUIRE(three.add(std::move(pair2.second), Channel::kDefaultRights).ok());
  REQUIRE(write(f.two, *end_p, "and on", {y_in_two}) == Status::Ok);
  Handle y_in_three = end_q->read(three, 100, 1, nullptr).value()->handle_values()[0];
  auto y_again = three.lookup<Channel>(y_in_three, Rights::Write).value();
  CHECK(y_again.get() == end_y.get());
  REQUIRE(write(three, *y_again, "hello x") == Status::Ok);
  CHECK(text_of(*end_x->read(f.one, 100, 0, nullptr).value()) == "hello x");
  CHECK_FALSE(koios::intersects(end_x->signals(), Signals::PeerClosed));
  REQUIRE(three.close(y_in_three) == Status::Ok);
  CHECK(koios::intersects(end_x->signals(), Signals::PeerClosed));
}

TEST_CASE("a channel pair that never had handles is freed without leaks", "[channel]") {
  LeakCheck leaks;
  auto pair = Channel::create().value();
  auto message = Message::create("x", 1, nullptr, 0).value();
  Table t{9};
  REQUIRE(pair.first->write(t, std::move(message)) == Status::Ok);
}

TEST_CASE("an observer on a channel end sees Readable when a message arrives", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  struct Waiter final : kernel::SignalObserver {
    Waiter() : SignalObserver(Signals::Readable | Signals::PeerClosed) {}
    Action on_signals(Signals current) override {
      if (!koios::intersects(current, watched())) return Action::Keep;
      woken = current;
      return Action::Remove;
    }
    Signals woken = Signals::None;
  } waiter;
  f.end_b->add_observer(&waiter);
  CHECK(waiter.woken == Signals::None);
  REQUIRE(write(f.one, *f.end_a, "wake up") == Status::Ok);
  CHECK(waiter.woken == (Signals::Readable | Signals::Writable));
  CHECK_FALSE(f.end_b->remove_observer(&waiter));
}

TEST_CASE("a writer and a reader on two threads pass handles without losing any", "[channel]") {
  LeakCheck leaks;
  constexpr int kMessages = 5000;
  Fixture f;
  std::atomic<int> received{0};
  std::atomic<bool> failed{false};   // Catch2 assertions are not thread-safe: check after join
  std::thread writer([&] {
    for (int i = 0; i < kMessages && !failed; ++i) {
      Handle ev = f.one.add(Event::create().value(), Event::kDefaultRights).value_or(0);
      for (;;) {
        Status s = write(f.one, *f.end_a, std::to_string(i), {ev});
        if (s == Status::Ok) break;
        if (s != Status::ShouldWait || failed) {
          failed = true;
          return;
        }
        std::this_thread::yield();
      }
    }
  });
  std::thread reader([&] {
    while (received < kMessages && !failed) {
      auto m = f.end_b->read(f.two, 100, 1, nullptr);
      if (!m.ok()) {
        if (m.status() != Status::ShouldWait) failed = true;
        std::this_thread::yield();
        continue;
      }
      if (std::stoi(text_of(*m.value())) != received.load() ||
          f.two.close(m.value()->handle_values()[0]) != Status::Ok)
        failed = true;
      ++received;
    }
  });
  writer.join();
  reader.join();
  CHECK_FALSE(failed);
  CHECK(received == kMessages);
  CHECK(f.one.count() == 1);
  CHECK(f.two.count() == 1);
}

namespace {
Status write_txid(HandleTable& table, Channel& channel, koios::u32 txid, koios::u32 payload) {
  struct {
    koios::MessageHeader header;
    koios::u32 payload;
  } body{{txid, 0}, payload};
  auto m = Message::create(&body, sizeof body, nullptr, 0);
  if (!m.ok()) return m.status();
  return channel.write(table, std::move(m).value());
}
koios::u32 payload_of(const Message& m) {
  koios::u32 v;
  std::memcpy(&v, m.bytes() + sizeof(koios::MessageHeader), sizeof v);
  return v;
}
void count_wake(void* counter) { ++*static_cast<int*>(counter); }
}  // namespace

TEST_CASE("a call's reply is taken by its txid and other messages stay queued in order", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  REQUIRE(write_txid(f.two, *f.end_b, 5, 50) == Status::Ok);
  REQUIRE(write_txid(f.two, *f.end_b, 9, 90) == Status::Ok);
  REQUIRE(write_txid(f.two, *f.end_b, 7, 70) == Status::Ok);
  auto reply = f.end_a->read_reply(f.one, 9, 64, 0, nullptr);
  REQUIRE(reply.ok());
  CHECK(payload_of(*reply.value()) == 90);
  CHECK(f.end_a->read_reply(f.one, 9, 64, 0, nullptr).status() == Status::ShouldWait);
  CHECK(payload_of(*f.end_a->read(f.one, 64, 0, nullptr).value()) == 50);  // order kept
  CHECK(payload_of(*f.end_a->read(f.one, 64, 0, nullptr).value()) == 70);
  CHECK(f.end_a->read(f.one, 64, 0, nullptr).status() == Status::ShouldWait);
  CHECK(f.end_a->read_reply(f.one, 0, 64, 0, nullptr).status() == Status::InvalidArgs);
  // The queue's tail is right after taking its last message from the middle.
  REQUIRE(write_txid(f.two, *f.end_b, 1, 10) == Status::Ok);
  REQUIRE(write_txid(f.two, *f.end_b, 2, 20) == Status::Ok);
  REQUIRE(f.end_a->read_reply(f.one, 2, 64, 0, nullptr).ok());
  REQUIRE(write_txid(f.two, *f.end_b, 3, 30) == Status::Ok);
  CHECK(payload_of(*f.end_a->read(f.one, 64, 0, nullptr).value()) == 10);
  CHECK(payload_of(*f.end_a->read(f.one, 64, 0, nullptr).value()) == 30);
}

TEST_CASE("a caller is woken by its own reply and by the peer going, not by other messages", "[channel]") {
  LeakCheck leaks;
  Fixture f;
  int wakes = 0;
  Channel::CallWaiter waiter;
  waiter.txid = 42;
  waiter.wake = count_wake;
  waiter.context = &wakes;
  f.end_a->add_call_waiter(&waiter);
  REQUIRE(write_txid(f.two, *f.end_b, 41, 0) == Status::Ok);
  CHECK(wakes == 0);
  CHECK_FALSE(waiter.reply_ready);
  REQUIRE(write_txid(f.two, *f.end_b, 42, 0) == Status::Ok);
  CHECK(wakes == 1);
  CHECK(waiter.reply_ready);
  f.end_a->remove_call_waiter(&waiter);

  Channel::CallWaiter second;
  second.txid = 43;
  second.wake = count_wake;
  second.context = &wakes;
  f.end_a->add_call_waiter(&second);
  REQUIRE(f.two.close(f.b) == Status::Ok);  // the peer's last handle
  f.end_b = nullptr;
  CHECK(second.peer_closed);
  CHECK(wakes == 2);
  f.end_a->remove_call_waiter(&second);
}
