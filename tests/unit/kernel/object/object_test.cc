// tests/unit/kernel/object/object_test.cc: signals, observers, handle counts and object lifetime.
#include <catch2/catch.hpp>

#include <vector>

#include "kernel/object/event.h"
#include "kernel/object/handle.h"
#include "leak_check.h"

using kernel::Event;
using kernel::KernelHandle;
using kernel::SignalObserver;
using koios::Rights;
using koios::Signals;
using koios::Status;

namespace {
struct Recorder final : SignalObserver {
  explicit Recorder(Signals watched, bool once = false) : SignalObserver(watched), once(once) {}
  Action on_signals(Signals current) override {
    seen.push_back(current);
    return once && koios::intersects(current, watched()) ? Action::Remove : Action::Keep;
  }
  bool once;
  std::vector<Signals> seen;
};
}  // namespace

TEST_CASE("an object is alive exactly while references to it exist", "[object]") {
  auto start = kernel::KernelObject::live_count();
  {
    auto event = Event::create().value();
    CHECK(kernel::KernelObject::live_count() == start + 1);
    kernel::RefPtr<kernel::KernelObject> base = event;
    event.reset();
    CHECK(kernel::KernelObject::live_count() == start + 1);
  }
  CHECK(kernel::KernelObject::live_count() == start);
}

TEST_CASE("object_signal may touch only the signals the object allows", "[object]") {
  LeakCheck leaks;
  auto event = Event::create().value();
  CHECK(event->user_signal(Signals::None, Signals::Signaled | Signals::User7) == Status::Ok);
  CHECK(event->signals() == (Signals::Signaled | Signals::User7));
  CHECK(event->user_signal(Signals::Signaled, Signals::None) == Status::Ok);
  CHECK(event->signals() == Signals::User7);
  SECTION("a system signal is refused and nothing changes") {
    CHECK(event->user_signal(Signals::None, Signals::PeerClosed | Signals::User0) == Status::InvalidArgs);
    CHECK(event->user_signal(Signals::Readable, Signals::None) == Status::InvalidArgs);
    CHECK(event->signals() == Signals::User7);
  }
  SECTION("an object without a peer cannot signal one") {
    CHECK(event->user_signal_peer(Signals::None, Signals::User0) == Status::NotSupported);
  }
}

TEST_CASE("an observer sees the current signals at once and then every change", "[object]") {
  LeakCheck leaks;
  auto event = Event::create().value();
  event->user_signal(Signals::None, Signals::User1);
  Recorder recorder(Signals::Signaled);
  event->add_observer(&recorder);
  REQUIRE(recorder.seen.size() == 1);
  CHECK(recorder.seen[0] == Signals::User1);
  event->user_signal(Signals::None, Signals::Signaled);
  event->user_signal(Signals::None, Signals::Signaled);   // no change, no call
  event->user_signal(Signals::User1, Signals::None);
  REQUIRE(recorder.seen.size() == 3);
  CHECK(recorder.seen[1] == (Signals::User1 | Signals::Signaled));
  CHECK(recorder.seen[2] == Signals::Signaled);
  CHECK(event->remove_observer(&recorder));
  CHECK_FALSE(event->remove_observer(&recorder));
  event->user_signal(Signals::None, Signals::User2);
  CHECK(recorder.seen.size() == 3);
}

TEST_CASE("an observer that asks to be removed is called no more", "[object]") {
  LeakCheck leaks;
  auto event = Event::create().value();
  Recorder once(Signals::Signaled, true), always(Signals::Signaled);
  event->add_observer(&once);
  event->add_observer(&always);
  event->user_signal(Signals::None, Signals::Signaled);
  event->user_signal(Signals::Signaled, Signals::None);
  CHECK(once.seen.size() == 2);     // registration, then the change that satisfied it
  CHECK(always.seen.size() == 3);
  CHECK_FALSE(event->remove_observer(&once));
  CHECK(event->remove_observer(&always));

  SECTION("one already satisfied is never registered") {
    Recorder late(Signals::None | Signals::Signaled, true);
    event->user_signal(Signals::None, Signals::Signaled);
    event->add_observer(&late);
    CHECK(late.seen.size() == 1);
    CHECK_FALSE(event->remove_observer(&late));
  }
}

TEST_CASE("a kernel handle counts as a handle of its object until it is reset", "[object]") {
  LeakCheck leaks;
  auto event = Event::create().value();
  CHECK(event->handle_count() == 0);
  {
    KernelHandle a(event, Event::kDefaultRights);
    CHECK(event->handle_count() == 1);
    KernelHandle b = std::move(a);
    CHECK(event->handle_count() == 1);
    CHECK(!a);
    CHECK(b.rights() == Event::kDefaultRights);
    KernelHandle c(event, Rights::Wait);
    CHECK(event->handle_count() == 2);
    c = std::move(b);
    CHECK(event->handle_count() == 1);
  }
  CHECK(event->handle_count() == 0);
}
