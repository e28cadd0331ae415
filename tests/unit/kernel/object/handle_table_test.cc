// tests/unit/kernel/object/handle_table_test.cc: the rules of handles: checks in order, scrambled
// values, no immediate reuse, the quota, duplicate and replace, all-or-nothing transfer.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <vector>

#include "kernel/object/channel.h"
#include "kernel/object/event.h"
#include "kernel/object/event_pair.h"
#include "kernel/object/handle_table.h"
#include "leak_check.h"

using kernel::Event;
using kernel::EventPair;
using kernel::HandleTable;
using kernel::KernelHandle;
using koios::Handle;
using koios::Rights;
using koios::Status;

namespace {
struct Table : HandleTable {
  explicit Table(koios::u64 secret = 1, koios::u32 quota = 64) : HandleTable(secret) { REQUIRE(init(quota) == Status::Ok); }
};
Handle add_event(HandleTable& table, Rights rights = Event::kDefaultRights) {
  return table.add(Event::create().value(), rights).value();
}
}  // namespace

TEST_CASE("a table must be given room before it takes handles", "[handle_table]") {
  LeakCheck leaks;
  HandleTable table(1);
  CHECK(table.add(Event::create().value(), Event::kDefaultRights).status() == Status::NoResources);
  CHECK(table.init(0) == Status::InvalidArgs);
  CHECK(table.init(HandleTable::kMaxQuota + 1) == Status::InvalidArgs);
  CHECK(table.init(4) == Status::Ok);
  CHECK(table.init(4) == Status::BadState);
  CHECK(table.quota() == 4);
}

TEST_CASE("lookup checks the handle, then the type, then the rights", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  Handle event = add_event(table, Rights::Wait);
  SECTION("an invalid value is BadHandle whatever type and rights are asked") {
    CHECK(table.lookup<kernel::Channel>(koios::kInvalidHandle, Rights::Write).status() == Status::BadHandle);
    CHECK(table.lookup<kernel::Channel>(event ^ 0x40, Rights::Write).status() == Status::BadHandle);
  }
  SECTION("the wrong type is WrongType even when rights are also missing") {
    CHECK(table.lookup<kernel::Channel>(event, Rights::Write).status() == Status::WrongType);
  }
  SECTION("the right type without a needed right is AccessDenied") {
    CHECK(table.lookup<Event>(event, Rights::Signal).status() == Status::AccessDenied);
    CHECK(table.lookup<Event>(event, Rights::Wait | Rights::Signal).status() == Status::AccessDenied);
  }
  SECTION("all three checks passing gives the object") {
    auto found = table.lookup<Event>(event, Rights::Wait);
    REQUIRE(found.ok());
    CHECK(found.value()->type() == koios::ObjectType::Event);
    auto any = table.lookup_any(event, Rights::None);
    REQUIRE(any.ok());
    CHECK(any.value().rights == Rights::Wait);
    CHECK(any.value().object.get() == found.value().get());
  }
}

TEST_CASE("a handle value from one table is BadHandle in another", "[handle_table]") {
  LeakCheck leaks;
  Table a(HandleTable::secret_for(100, 42), 1000), b(HandleTable::secret_for(101, 42), 1000);
  std::vector<Handle> values_a, values_b;
  for (int i = 0; i < 1000; ++i) {
    values_a.push_back(add_event(a));
    values_b.push_back(add_event(b));
  }
  CHECK(values_a != values_b);
  int crossed = 0;
  for (Handle h : values_a) crossed += b.lookup_any(h, Rights::None).ok();
  for (Handle h : values_b) crossed += a.lookup_any(h, Rights::None).ok();
  CHECK(crossed == 0);
}

TEST_CASE("random values are almost never handles", "[handle_table]") {
  LeakCheck leaks;
  Table table(7, 1000);
  std::set<Handle> real;
  for (int i = 0; i < 1000; ++i) real.insert(add_event(table));
  std::mt19937 rng(12345);
  int valid = 0;
  for (int i = 0; i < 200'000; ++i) {
    Handle guess = rng();
    if (real.count(guess) == 0) valid += table.lookup_any(guess, Rights::None).ok();
  }
  CHECK(valid == 0);
}

TEST_CASE("handle values do not reveal the slot layout", "[handle_table]") {
  LeakCheck leaks;
  Table table(99, 16);
  Handle first = add_event(table), second = add_event(table);
  CHECK(first != koios::kInvalidHandle);
  CHECK(second - first != 1);
  CHECK((first ^ second) != 1);
}

TEST_CASE("a closed handle value is not reused at once", "[handle_table]") {
  LeakCheck leaks;
  Table table(3, 16);
  Handle first = add_event(table);
  REQUIRE(table.close(first) == Status::Ok);
  CHECK(table.close(first) == Status::BadHandle);
  CHECK(table.lookup_any(first, Rights::None).status() == Status::BadHandle);
  std::set<Handle> seen{first};
  for (int i = 0; i < 10'000; ++i) {
    Handle h = add_event(table);
    if (!seen.insert(h).second) FAIL("value reused after " << i << " add/close cycles");
    REQUIRE(table.close(h) == Status::Ok);
  }
  CHECK(table.count() == 0);
}

TEST_CASE("a full table answers NoResources and takes handles again once one closes", "[handle_table]") {
  LeakCheck leaks;
  Table table(5, 8);
  std::vector<Handle> handles;
  for (int i = 0; i < 8; ++i) handles.push_back(add_event(table));
  CHECK(table.count() == 8);
  auto event = Event::create().value();
  CHECK(table.add(event, Event::kDefaultRights).status() == Status::NoResources);
  CHECK(event->handle_count() == 0);   // the refused handle was dropped, not leaked
  CHECK(table.duplicate(handles[0], Rights::SameRights).status() == Status::NoResources);
  REQUIRE(table.close(handles[3]) == Status::Ok);
  CHECK(table.add(event, Event::kDefaultRights).ok());
  CHECK(table.count() == 8);
}

TEST_CASE("duplicate needs Duplicate and gives only a subset of the rights", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  Handle full = add_event(table, Rights::Duplicate | Rights::Wait | Rights::Signal);
  SECTION("a subset is granted and names the same object") {
    Handle dup = table.duplicate(full, Rights::Wait).value();
    CHECK(dup != full);
    CHECK(table.lookup_any(dup, Rights::None).value().rights == Rights::Wait);
    CHECK(table.lookup_any(dup, Rights::None).value().object == table.lookup_any(full, Rights::None).value().object);
    CHECK(table.lookup<Event>(full, Rights::None).value()->handle_count() == 2);
  }
  SECTION("SameRights copies the rights") {
    Handle dup = table.duplicate(full, Rights::SameRights).value();
    CHECK(table.lookup_any(dup, Rights::None).value().rights == (Rights::Duplicate | Rights::Wait | Rights::Signal));
  }
  SECTION("more rights than the original is InvalidArgs") {
    CHECK(table.duplicate(full, Rights::Wait | Rights::Write).status() == Status::InvalidArgs);
    CHECK(table.count() == 1);
  }
  SECTION("without Duplicate it is AccessDenied, before the rights are looked at") {
    Handle no_dup = add_event(table, Rights::Wait);
    CHECK(table.duplicate(no_dup, Rights::Wait).status() == Status::AccessDenied);
    CHECK(table.duplicate(no_dup, Rights::Write).status() == Status::AccessDenied);
  }
  SECTION("an invalid value is BadHandle") {
    CHECK(table.duplicate(koios::kInvalidHandle, Rights::Wait).status() == Status::BadHandle);
  }
}

TEST_CASE("replace swaps a handle for one with fewer rights, or changes nothing", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  Handle h = add_event(table, Rights::Wait | Rights::Signal);
  SECTION("a subset closes the old value and issues a new one") {
    Handle r = table.replace(h, Rights::Wait).value();
    CHECK(r != h);
    CHECK(table.lookup_any(h, Rights::None).status() == Status::BadHandle);
    CHECK(table.lookup<Event>(r, Rights::Signal).status() == Status::AccessDenied);
    CHECK(table.lookup<Event>(r, Rights::Wait).ok());
    CHECK(table.count() == 1);
  }
  SECTION("more rights is InvalidArgs and the old value stays valid") {
    CHECK(table.replace(h, Rights::Wait | Rights::Duplicate).status() == Status::InvalidArgs);
    CHECK(table.lookup<Event>(h, Rights::Wait | Rights::Signal).ok());
  }
  SECTION("replace needs no Duplicate right") {
    CHECK(table.replace(h, Rights::SameRights).ok());
  }
}

TEST_CASE("closing the last handle lets the object die", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  auto start = kernel::KernelObject::live_count();
  Handle h = add_event(table);
  CHECK(kernel::KernelObject::live_count() == start + 1);
  REQUIRE(table.close(h) == Status::Ok);
  CHECK(kernel::KernelObject::live_count() == start);
}

TEST_CASE("transfer moves handles out all or nothing", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  Handle a = add_event(table, Rights::Transfer | Rights::Wait);
  Handle b = add_event(table, Rights::Transfer);
  Handle no_transfer = add_event(table, Rights::Wait | Rights::Duplicate);
  KernelHandle out[4];

  SECTION("all valid and transferable: all move, in order") {
    Handle list[] = {b, a};
    REQUIRE(table.remove_for_transfer(list, 2, out) == Status::Ok);
    CHECK(table.count() == 1);
    CHECK(out[0].rights() == Rights::Transfer);
    CHECK(out[1].rights() == (Rights::Transfer | Rights::Wait));
    CHECK(out[0].object()->handle_count() == 1);   // in flight, still a handle
    CHECK(table.lookup_any(a, Rights::None).status() == Status::BadHandle);
  }
  SECTION("one without Transfer: AccessDenied and none move") {
    Handle list[] = {a, no_transfer, b};
    CHECK(table.remove_for_transfer(list, 3, out) == Status::AccessDenied);
    CHECK(table.count() == 3);
    CHECK(!out[0]);
  }
  SECTION("one invalid: BadHandle and none move") {
    Handle list[] = {a, b, 12345};
    CHECK(table.remove_for_transfer(list, 3, out) == Status::BadHandle);
    CHECK(table.count() == 3);
  }
  SECTION("one listed twice: BadHandle and none move") {
    Handle list[] = {a, b, a};
    CHECK(table.remove_for_transfer(list, 3, out) == Status::BadHandle);
    CHECK(table.count() == 3);
  }
  SECTION("a failing commit puts every handle back under its old value") {
    Handle list[] = {a, b};
    CHECK(table.remove_for_transfer(list, 2, out, [](KernelHandle*, koios::u32) { return Status::ShouldWait; }) ==
          Status::ShouldWait);
    CHECK(table.count() == 3);
    CHECK(table.lookup<Event>(a, Rights::Transfer | Rights::Wait).ok());
    CHECK(table.lookup<Event>(b, Rights::Transfer).ok());
    CHECK(!out[0]);
  }
  SECTION("more than a message can carry is OutOfRange") {
    Handle list[koios::kMaxMessageHandles + 1] = {};
    KernelHandle many[koios::kMaxMessageHandles + 1];
    CHECK(table.remove_for_transfer(list, koios::kMaxMessageHandles + 1, many) == Status::OutOfRange);
  }
}

TEST_CASE("close_all closes every handle and peers see it", "[handle_table]") {
  LeakCheck leaks;
  Table table;
  auto pair = EventPair::create().value();
  Handle mine = table.add(pair.first, EventPair::kDefaultRights).value();
  for (int i = 0; i < 10; ++i) add_event(table);
  (void)mine;
  pair.first.reset();
  CHECK_FALSE(koios::intersects(pair.second->signals(), koios::Signals::PeerClosed));
  table.close_all();
  CHECK(table.count() == 0);
  CHECK(koios::intersects(pair.second->signals(), koios::Signals::PeerClosed));
}
