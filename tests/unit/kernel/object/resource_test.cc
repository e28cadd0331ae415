// tests/unit/kernel/object/resource_test.cc: one resource per kind, made once; root covers all.
#include <catch2/catch.hpp>

#include "kernel/object/handle_table.h"
#include "kernel/object/resource.h"

using kernel::Resource;
using koios::ResourceKind;
using koios::Signals;
using koios::Status;

TEST_CASE("root covers every kind and each other kind covers only itself", "[resource]") {
  for (koios::u32 k = 1; k <= koios::kResourceKindMax; ++k) {
    auto kind = static_cast<ResourceKind>(k);
    CHECK(koios::resource_covers(ResourceKind::Root, kind));
    CHECK(koios::resource_covers(kind, kind));
    if (kind != ResourceKind::Root) CHECK_FALSE(koios::resource_covers(kind, ResourceKind::Root));
  }
  CHECK_FALSE(koios::resource_covers(ResourceKind::Console, ResourceKind::Power));
  CHECK_FALSE(koios::resource_covers(ResourceKind::Power, ResourceKind::Info));
  CHECK_FALSE(koios::resource_kind_valid(static_cast<ResourceKind>(0)));
  CHECK_FALSE(koios::resource_kind_valid(static_cast<ResourceKind>(koios::kResourceKindMax + 1)));
}

TEST_CASE("the resources are made once and every lookup names the same object", "[resource]") {
  // One process-wide set, as in the kernel: the first test to get here makes them.
  if (!Resource::of(ResourceKind::Root)) {
    CHECK_FALSE(kernel::root_resource());
    REQUIRE(Resource::create_all() == Status::Ok);
  }
  CHECK(Resource::create_all() == Status::BadState);
  auto live = kernel::KernelObject::live_count();
  for (koios::u32 k = 1; k <= koios::kResourceKindMax; ++k) {
    auto kind = static_cast<ResourceKind>(k);
    auto r = Resource::of(kind);
    REQUIRE(r);
    CHECK(r->kind() == kind);
    CHECK(r->type() == koios::ObjectType::Resource);
    CHECK(Resource::of(kind).get() == r.get());
  }
  CHECK(kernel::root_resource().get() == Resource::of(ResourceKind::Root).get());
  CHECK_FALSE(Resource::of(static_cast<ResourceKind>(0)));
  CHECK(kernel::KernelObject::live_count() == live);  // lookups make nothing

  SECTION("handles to a resource come and go; the resource stays") {
    kernel::HandleTable table(7);
    REQUIRE(table.init(8) == Status::Ok);
    auto h = table.add(Resource::of(ResourceKind::Console), Resource::kDefaultRights).value();
    CHECK(table.lookup<Resource>(h, koios::Rights::Read).value()->kind() == ResourceKind::Console);
    REQUIRE(table.close(h) == Status::Ok);
    CHECK(Resource::of(ResourceKind::Console));
    CHECK(kernel::KernelObject::live_count() == live);
  }
  SECTION("set_signal_if mirrors a condition in a signal") {
    auto console = Resource::of(ResourceKind::Console);
    console->set_signal_if(Signals::Readable, [] { return true; });
    CHECK(koios::intersects(console->signals(), Signals::Readable));
    console->set_signal_if(Signals::Readable, [] { return false; });
    CHECK_FALSE(koios::intersects(console->signals(), Signals::Readable));
  }
}
