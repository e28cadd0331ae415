// tests/unit/kernel/object/port_test.cc: port queues, async waits, cancellation and clean-up.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "kernel/object/channel.h"
#include "kernel/object/event.h"
#include "kernel/object/handle.h"
#include "kernel/object/port.h"
#include "leak_check.h"

using kernel::Event;
using kernel::KernelHandle;
using kernel::Port;
using kernel::RefPtr;
using koios::PacketType;
using koios::PortPacket;
using koios::Signals;
using koios::Status;

namespace {
PortPacket user_packet(koios::u64 key, koios::u64 word) {
  PortPacket p{};
  p.key = key;
  p.type = PacketType::SignalOne;  // the port makes it User whatever the sender says
  p.data[0] = word;
  return p;
}
}  // namespace

TEST_CASE("user packets come out in order, typed User, and an empty port answers ShouldWait", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  CHECK(port->dequeue().status() == Status::ShouldWait);
  CHECK(port->queue_user(user_packet(1, 10)) == Status::Ok);
  CHECK(port->queue_user(user_packet(2, 20)) == Status::Ok);
  auto first = port->dequeue().value();
  CHECK((first.key == 1 && first.data[0] == 10 && first.type == PacketType::User));
  CHECK(port->dequeue().value().key == 2);
  CHECK(port->dequeue().status() == Status::ShouldWait);
}

TEST_CASE("a full port refuses user packets with ShouldWait until one is read", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  for (koios::u32 i = 0; i < koios::kMaxPortPackets; ++i) REQUIRE(port->queue_user(user_packet(i, 0)) == Status::Ok);
  CHECK(port->queue_user(user_packet(9999, 0)) == Status::ShouldWait);
  CHECK(port->dequeue().value().key == 0);
  CHECK(port->queue_user(user_packet(9999, 0)) == Status::Ok);
  // The packets still queued are freed with the port (LeakCheck counts objects; ASan the rest).
}

TEST_CASE("an async wait queues one SignalOne packet when a watched signal is asserted", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  REQUIRE(port->wait_async(event, 42, Signals::Signaled | Signals::User1, 0) == Status::Ok);
  CHECK(port->async_waits() == 1);
  CHECK(event->user_signal(Signals::None, Signals::User0) == Status::Ok);  // not watched
  CHECK(port->dequeue().status() == Status::ShouldWait);
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  auto packet = port->dequeue().value();
  CHECK(packet.key == 42);
  CHECK(packet.type == PacketType::SignalOne);
  CHECK(packet.status == Status::Ok);
  CHECK(packet.trigger == (Signals::Signaled | Signals::User1));
  CHECK(packet.observed == (Signals::Signaled | Signals::User0));
  CHECK(port->async_waits() == 0);
  // One-shot: later changes queue nothing.
  CHECK(event->user_signal(Signals::Signaled, Signals::None) == Status::Ok);
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  CHECK(port->dequeue().status() == Status::ShouldWait);
}

TEST_CASE("a wait on a signal asserted already fires at once", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  REQUIRE(port->wait_async(event, 7, Signals::Signaled, 0) == Status::Ok);
  CHECK(port->queued_packets() == 1);
  CHECK(port->dequeue().value().key == 7);
}

TEST_CASE("async-wait packets are never refused by a port full of user packets", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  REQUIRE(port->wait_async(event, 5, Signals::Signaled, 0) == Status::Ok);
  for (koios::u32 i = 0; i < koios::kMaxPortPackets; ++i) REQUIRE(port->queue_user(user_packet(100, 0)) == Status::Ok);
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  CHECK(port->queued_packets() == koios::kMaxPortPackets + 1);
  for (koios::u32 i = 0; i < koios::kMaxPortPackets; ++i) REQUIRE(port->dequeue().value().key == 100);
  CHECK(port->dequeue().value().key == 5);
}

TEST_CASE("a port binds at most kMaxPortAsyncWaits waits and only one-shot ones", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  CHECK(port->wait_async(event, 1, Signals::Signaled, 1) == Status::InvalidArgs);
  for (koios::u32 i = 0; i < koios::kMaxPortAsyncWaits; ++i) REQUIRE(port->wait_async(event, i, Signals::Signaled, 0) == Status::Ok);
  CHECK(port->wait_async(event, 0, Signals::Signaled, 0) == Status::NoResources);
  CHECK(port->cancel(event.get(), 3) == Status::Ok);
  CHECK(port->wait_async(event, 0, Signals::Signaled, 0) == Status::Ok);
}

TEST_CASE("port cancel removes armed waits and queued packets of one source and key", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto a = Event::create().value();
  auto b = Event::create().value();
  REQUIRE(port->wait_async(a, 1, Signals::Signaled, 0) == Status::Ok);
  REQUIRE(port->wait_async(a, 2, Signals::Signaled, 0) == Status::Ok);
  REQUIRE(port->wait_async(b, 1, Signals::Signaled, 0) == Status::Ok);
  CHECK(port->cancel(a.get(), 1) == Status::Ok);
  CHECK(port->cancel(a.get(), 1) == Status::NotFound);
  CHECK(port->cancel(a.get(), 99) == Status::NotFound);
  CHECK(a->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  CHECK(b->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  CHECK(port->queued_packets() == 2);  // a/2 and b/1
  CHECK(port->cancel(b.get(), 1) == Status::Ok);  // fired but unread: the packet goes
  auto left = port->dequeue().value();
  CHECK((left.key == 2 && port->dequeue().status() == Status::ShouldWait));
  CHECK(port->async_waits() == 0);
}

TEST_CASE("a port's last handle going cancels its waits and frees its packets", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  KernelHandle handle(port, Port::kDefaultRights);
  REQUIRE(port->wait_async(event, 1, Signals::Signaled, 0) == Status::Ok);
  REQUIRE(port->wait_async(event, 2, Signals::User0, 0) == Status::Ok);
  CHECK(event->user_signal(Signals::None, Signals::User0) == Status::Ok);
  REQUIRE(port->queue_user(user_packet(3, 0)) == Status::Ok);
  handle.reset();
  CHECK(port->async_waits() == 0);
  CHECK(port->queued_packets() == 0);
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);  // nobody observes
  CHECK(port->dequeue().status() == Status::ShouldWait);
  CHECK(port->wait_async(event, 4, Signals::Signaled, 0) == Status::BadState);
  CHECK(port->queue_user(user_packet(5, 0)) == Status::BadState);
}

TEST_CASE("an armed wait keeps its source alive until the wait ends", "[port]") {
  LeakCheck leaks;
  auto start = kernel::KernelObject::live_count();
  auto port = Port::create().value();
  {
    auto event = Event::create().value();
    REQUIRE(port->wait_async(event, 1, Signals::Signaled, 0) == Status::Ok);
  }
  CHECK(kernel::KernelObject::live_count() == start + 2);  // the port and the event
  KernelHandle handle(port, Port::kDefaultRights);
  handle.reset();  // the port's last handle: the wait is canceled and lets the event go
  CHECK(kernel::KernelObject::live_count() == start + 1);
}

TEST_CASE("a channel end's PeerClosed reaches the port even as the peer is destroyed", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto pair = kernel::Channel::create().value();
  REQUIRE(port->wait_async(pair.first, 9, Signals::PeerClosed, 0) == Status::Ok);
  pair.second.reset();
  auto packet = port->dequeue().value();
  CHECK((packet.key == 9 && koios::intersects(packet.observed, Signals::PeerClosed)));
}

TEST_CASE("a port can wait on itself and still die cleanly", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  KernelHandle handle(port, Port::kDefaultRights);
  REQUIRE(port->wait_async(port, 1, Signals::User3, 0) == Status::Ok);
  CHECK(port->user_signal(Signals::None, Signals::User3) == Status::Ok);
  CHECK(port->dequeue().value().key == 1);
  REQUIRE(port->wait_async(port, 2, Signals::User4, 0) == Status::Ok);
  handle.reset();
  port.reset();
}

TEST_CASE("a reader's waiter is told of every packet queued", "[port]") {
  LeakCheck leaks;
  auto port = Port::create().value();
  auto event = Event::create().value();
  int wakes = 0;
  Port::Waiter waiter;
  waiter.wake = [](void* count) { ++*static_cast<int*>(count); };
  waiter.context = &wakes;
  port->add_waiter(&waiter);
  REQUIRE(port->queue_user(user_packet(1, 0)) == Status::Ok);
  REQUIRE(port->wait_async(event, 2, Signals::Signaled, 0) == Status::Ok);
  CHECK(event->user_signal(Signals::None, Signals::Signaled) == Status::Ok);
  CHECK(wakes == 2);
  port->remove_waiter(&waiter);
  REQUIRE(port->queue_user(user_packet(3, 0)) == Status::Ok);
  CHECK(wakes == 2);
}

TEST_CASE("signal, cancel, read and close racing on several threads lose nothing and free everything", "[port]") {
  LeakCheck leaks;
  for (int round = 0; round < 200; ++round) {
    auto port = Port::create().value();
    auto event = Event::create().value();
    KernelHandle handle(port, Port::kDefaultRights);
    constexpr int kWaits = 32;
    for (int i = 0; i < kWaits; ++i) REQUIRE(port->wait_async(event, i % 4, Signals::Signaled, 0) == Status::Ok);
    std::atomic<int> read{0};
    std::thread signaler([&] { (void)event->user_signal(Signals::None, Signals::Signaled); });
    std::thread canceler([&] { (void)port->cancel(event.get(), 1); });
    std::thread reader([&] {
      for (int i = 0; i < 1000; ++i)
        if (port->dequeue().ok()) read.fetch_add(1);
    });
    std::thread armer([&] {
      for (int i = 0; i < 8; ++i) (void)port->wait_async(event, 5, Signals::Signaled, 0);
    });
    signaler.join();
    canceler.join();
    armer.join();
    reader.join();
    while (port->dequeue().ok()) read.fetch_add(1);
    CHECK(port->async_waits() == 0);  // everything fired (the event stays Signaled)
    if (round % 2 == 0) handle.reset();  // and sometimes the port closes with waits gone already
  }
}
