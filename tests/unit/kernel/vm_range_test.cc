// tests/unit/kernel/vm_range_test.cc: the range arithmetic behind vmar_map and vmar_unmap's statuses.
#include <catch2/catch.hpp>

#include "kernel/vm/vm_range.h"

using kernel::vm::kPage;
using koios::Status;
using koios::u64;

namespace {
struct Node {
  u64 base, size;
  Node* next;
};
}  // namespace

TEST_CASE("a request is InvalidArgs when empty or unaligned, OutOfRange when it does not fit", "[vm_range]") {
  constexpr u64 lo = 0x1000'0000, hi = 0x2000'0000;
  CHECK(kernel::vm::check_range(lo, kPage, lo, hi) == Status::Ok);
  CHECK(kernel::vm::check_range(lo, 0, lo, hi) == Status::InvalidArgs);
  CHECK(kernel::vm::check_range(lo + 1, kPage, lo, hi) == Status::InvalidArgs);
  CHECK(kernel::vm::check_range(lo, kPage + 1, lo, hi) == Status::InvalidArgs);
  CHECK(kernel::vm::check_range(lo - kPage, kPage, lo, hi) == Status::OutOfRange);
  CHECK(kernel::vm::check_range(hi, kPage, lo, hi) == Status::OutOfRange);
  CHECK(kernel::vm::check_range(hi - kPage, 2 * kPage, lo, hi) == Status::OutOfRange);
  CHECK(kernel::vm::check_range(hi - kPage, ~u64(0) & ~(kPage - 1), lo, hi) == Status::OutOfRange);  // overflow
  CHECK(kernel::vm::check_range(hi - kPage, kPage, lo, hi) == Status::Ok);
}

TEST_CASE("first fit finds the lowest gap that is large enough", "[vm_range]") {
  Node c{0x9000, 0x1000, nullptr}, b{0x4000, 0x2000, &c}, a{0x1000, 0x1000, &b};
  CHECK(kernel::vm::first_fit<Node>(nullptr, 0x1000, 0x1000, 0x10000).value() == 0x1000);
  CHECK(kernel::vm::first_fit(&a, 0x1000, 0x1000, 0x10000).value() == 0x2000);
  CHECK(kernel::vm::first_fit(&a, 0x2000, 0x1000, 0x10000).value() == 0x2000);
  CHECK(kernel::vm::first_fit(&a, 0x3000, 0x1000, 0x10000).value() == 0x6000);
  CHECK(kernel::vm::first_fit(&a, 0x4000, 0x1000, 0x10000).value() == 0xa000);
  CHECK(kernel::vm::first_fit(&a, 0x7000, 0x1000, 0x10000).status() == Status::NoResources);
  CHECK(kernel::vm::first_fit(&a, 0x1000, 0x4800, 0x10000).value() == 0x6000);  // lo inside a node
}

TEST_CASE("overlap is found for any shared byte and only then", "[vm_range]") {
  Node b{0x4000, 0x2000, nullptr}, a{0x1000, 0x1000, &b};
  CHECK(kernel::vm::first_overlap(&a, 0x2000, 0x2000) == nullptr);
  CHECK(kernel::vm::first_overlap(&a, 0x1000, 0x1000) == &a);
  CHECK(kernel::vm::first_overlap(&a, 0x3000, 0x2000) == &b);
  CHECK(kernel::vm::first_overlap(&a, 0x5000, 0x1000) == &b);
  CHECK(kernel::vm::first_overlap(&a, 0x6000, 0x1000) == nullptr);
  CHECK(kernel::vm::first_overlap(&a, 0x0, 0x10000) == &a);
}

TEST_CASE("insertion keeps the list sorted", "[vm_range]") {
  Node c{0x9000, 0x1000, nullptr}, b{0x4000, 0x1000, nullptr}, a{0x1000, 0x1000, nullptr};
  Node* head = nullptr;
  kernel::vm::insert_sorted(&head, &b);
  kernel::vm::insert_sorted(&head, &c);
  kernel::vm::insert_sorted(&head, &a);
  CHECK(head == &a);
  CHECK(a.next == &b);
  CHECK(b.next == &c);
  CHECK(c.next == nullptr);
}

TEST_CASE("an unmap cuts a mapping whole, at its head, at its tail or in its middle", "[vm_range]") {
  using kernel::vm::Cut;
  CHECK(kernel::vm::cut_of(0x1000, 0x3000, 0x1000, 0x3000) == Cut::Whole);
  CHECK(kernel::vm::cut_of(0x1000, 0x3000, 0x0, 0x10000) == Cut::Whole);
  CHECK(kernel::vm::cut_of(0x1000, 0x3000, 0x0, 0x2000) == Cut::Head);
  CHECK(kernel::vm::cut_of(0x1000, 0x3000, 0x3000, 0x2000) == Cut::Tail);
  CHECK(kernel::vm::cut_of(0x1000, 0x3000, 0x2000, 0x1000) == Cut::Middle);
}
