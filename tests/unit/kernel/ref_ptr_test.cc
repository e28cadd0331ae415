// tests/unit/kernel/ref_ptr_test.cc: intrusive reference counting (kernel/lib/ref_ptr.h, own_ptr.h).
#include <catch2/catch.hpp>

#include "kernel/lib/own_ptr.h"
#include "kernel/lib/ref_ptr.h"

namespace {
int alive = 0;
struct Base : kernel::RefCounted {
  Base() { ++alive; }
  virtual ~Base() { --alive; }
};
struct Derived final : Base {
  explicit Derived(int v) : value(v) {}
  int value;
};
}  // namespace

using kernel::RefPtr;

TEST_CASE("an adopted object lives exactly as long as its last reference", "[ref_ptr]") {
  {
    RefPtr<Derived> a = kernel::make_ref<Derived>(7).value();
    CHECK(alive == 1);
    CHECK(a->ref_count() == 1);
    RefPtr<Derived> b = a;
    CHECK(a->ref_count() == 2);
    RefPtr<Derived> c = std::move(b);
    CHECK(b == nullptr);
    CHECK(a->ref_count() == 2);
    a.reset();
    CHECK(alive == 1);
    CHECK(c->value == 7);
  }
  CHECK(alive == 0);
}

TEST_CASE("a reference converts to its base and back by an explicit static cast", "[ref_ptr]") {
  {
    RefPtr<Base> base = kernel::make_ref<Derived>(3).value();
    CHECK(base->ref_count() == 1);
    RefPtr<Derived> again = kernel::ref_static_cast<Derived>(base);
    CHECK(again->value == 3);
    CHECK(again->ref_count() == 2);
    RefPtr<Base> from_this = RefPtr<Base>::from_existing(again.get());
    CHECK(again->ref_count() == 3);
  }
  CHECK(alive == 0);
}

TEST_CASE("assigning a reference to itself keeps the object", "[ref_ptr]") {
  RefPtr<Derived> a = kernel::make_ref<Derived>(1).value();
  RefPtr<Derived>& same = a;
  a = same;
  CHECK(a->ref_count() == 1);
  CHECK(alive == 1);
}

TEST_CASE("an owning pointer deletes its object once, when it goes or is reset", "[own_ptr]") {
  {
    kernel::OwnPtr<Derived> p = kernel::make_own<Derived>(5).value();
    CHECK(alive == 1);
    kernel::OwnPtr<Derived> q = std::move(p);
    CHECK(!p);
    CHECK(q->value == 5);
    q.reset(new Derived(6));
    CHECK(alive == 1);
  }
  CHECK(alive == 0);
}
