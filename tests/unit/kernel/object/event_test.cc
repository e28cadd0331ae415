// tests/unit/kernel/object/event_test.cc: events and event pairs.
#include <catch2/catch.hpp>

#include "kernel/object/event.h"
#include "kernel/object/event_pair.h"
#include "kernel/object/handle.h"
#include "kernel/object/handle_table.h"
#include "leak_check.h"

using kernel::EventPair;
using kernel::KernelHandle;
using koios::Signals;
using koios::Status;

TEST_CASE("the two sides of an event pair name each other by KoID", "[event_pair]") {
  LeakCheck leaks;
  auto pair = EventPair::create().value();
  CHECK(pair.first->koid() != pair.second->koid());
  CHECK(pair.first->related_koid() == pair.second->koid());
  CHECK(pair.second->related_koid() == pair.first->koid());
  CHECK(pair.first->type() == koios::ObjectType::EventPair);
}

TEST_CASE("an event pair side signals its peer", "[event_pair]") {
  LeakCheck leaks;
  auto pair = EventPair::create().value();
  CHECK(pair.first->user_signal_peer(Signals::None, Signals::Signaled | Signals::User4) == Status::Ok);
  CHECK(pair.second->signals() == (Signals::Signaled | Signals::User4));
  CHECK(pair.first->signals() == Signals::None);
  CHECK(pair.first->user_signal_peer(Signals::None, Signals::Writable) == Status::InvalidArgs);
}

TEST_CASE("when one side's last handle goes the other reports PeerClosed for good", "[event_pair]") {
  LeakCheck leaks;
  auto pair = EventPair::create().value();
  KernelHandle first(pair.first, EventPair::kDefaultRights);
  KernelHandle second(pair.second, EventPair::kDefaultRights);
  {
    KernelHandle extra(pair.first, EventPair::kDefaultRights);
  }
  CHECK_FALSE(koios::intersects(pair.second->signals(), Signals::PeerClosed));
  first.reset();
  CHECK(koios::intersects(pair.second->signals(), Signals::PeerClosed));
  CHECK(pair.second->user_signal_peer(Signals::None, Signals::User0) == Status::PeerClosed);
  CHECK(pair.second->related_koid() == pair.first->koid());   // still names the dead peer
  pair.first.reset();
  CHECK(koios::intersects(pair.second->signals(), Signals::PeerClosed));
}

TEST_CASE("a side destroyed without ever having a handle leaves its peer alone", "[event_pair]") {
  LeakCheck leaks;
  auto pair = EventPair::create().value();
  pair.first.reset();
  CHECK(koios::intersects(pair.second->signals(), Signals::PeerClosed));
  CHECK(pair.second->user_signal_peer(Signals::None, Signals::User0) == Status::PeerClosed);
}
