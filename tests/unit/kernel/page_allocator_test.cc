// tests/unit/kernel/page_allocator_test.cc: the physical page allocator's bookkeeping.
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "kernel/vm/page_allocator.h"

using kernel::PageAllocator;
using koios::Status;

namespace {
constexpr koios::u64 kBase = 0x80000000;
constexpr koios::u64 kPage = PageAllocator::kPageSize;

struct Fixture {
  std::vector<koios::u64> bitmap;
  PageAllocator pa;
  explicit Fixture(koios::u64 pages = 1000) : bitmap(PageAllocator::bitmap_bytes(pages * kPage) / 8) {
    REQUIRE(pa.add_range(kBase, pages * kPage, bitmap.data()) == Status::Ok);
    pa.release(kBase, pages * kPage);
  }
};
}  // namespace

TEST_CASE("a new range starts in use until released", "[pmm]") {
  std::vector<koios::u64> bitmap(2);
  PageAllocator pa;
  REQUIRE(pa.add_range(kBase, 100 * kPage, bitmap.data()) == Status::Ok);
  CHECK(pa.total_pages() == 100);
  CHECK(pa.free_pages() == 0);
  CHECK(pa.alloc().status() == Status::NoMemory);
  pa.release(kBase, 100 * kPage);
  CHECK(pa.free_pages() == 100);
}

TEST_CASE("every page is handed out once, aligned and inside the range", "[pmm]") {
  Fixture f(300);
  std::set<koios::u64> seen;
  for (int i = 0; i < 300; ++i) {
    auto p = f.pa.alloc();
    REQUIRE(p.ok());
    CHECK(p.value() % kPage == 0);
    CHECK(p.value() >= kBase);
    CHECK(p.value() < kBase + 300 * kPage);
    CHECK(seen.insert(p.value()).second);
  }
  CHECK(f.pa.alloc().status() == Status::NoMemory);
  CHECK(f.pa.free_pages() == 0);
  for (auto p : seen) REQUIRE(f.pa.free(p) == Status::Ok);
  CHECK(f.pa.free_pages() == 300);
}

TEST_CASE("reserved ranges are never handed out; partial pages round outward", "[pmm]") {
  Fixture f(64);
  f.pa.reserve(kBase + 10 * kPage + 1, kPage);  // touches pages 10 and 11
  CHECK(f.pa.free_pages() == 62);
  for (int i = 0; i < 62; ++i) {
    auto p = f.pa.alloc();
    REQUIRE(p.ok());
    CHECK(p.value() != kBase + 10 * kPage);
    CHECK(p.value() != kBase + 11 * kPage);
  }
}

TEST_CASE("double frees and foreign addresses are refused without changing state", "[pmm]") {
  Fixture f(16);
  auto p = f.pa.alloc().value();
  CHECK(f.pa.free(p) == Status::Ok);
  CHECK(f.pa.free(p) == Status::BadState);
  CHECK(f.pa.free_pages() == 16);
  CHECK(f.pa.free(p + 1) == Status::InvalidArgs);
  CHECK(f.pa.free(kBase - kPage) == Status::InvalidArgs);
  CHECK(f.pa.free(kBase + 16 * kPage) == Status::InvalidArgs);
  auto run = f.pa.alloc_contiguous(4).value();
  CHECK(f.pa.free(run + kPage) == Status::Ok);
  CHECK(f.pa.free_contiguous(run, 4) == Status::BadState);  // one of the four is already free
  CHECK(f.pa.free_pages() == 13);
}

TEST_CASE("contiguous runs honour count and alignment", "[pmm]") {
  Fixture f(1024);
  auto a = f.pa.alloc();  // fragment the start
  REQUIRE(a.ok());
  auto run = f.pa.alloc_contiguous(16, 16);
  REQUIRE(run.ok());
  CHECK((run.value() / kPage) % 16 == 0);
  for (int i = 0; i < 16; ++i) CHECK_FALSE(f.pa.is_free(run.value() + i * kPage));
  CHECK(f.pa.alloc_contiguous(2000).status() == Status::NoMemory);
  CHECK(f.pa.alloc_contiguous(0).status() == Status::InvalidArgs);
  CHECK(f.pa.alloc_contiguous(1, 3).status() == Status::InvalidArgs);
}

TEST_CASE("overlapping or malformed ranges are refused", "[pmm]") {
  std::vector<koios::u64> a(2), b(2);
  PageAllocator pa;
  REQUIRE(pa.add_range(kBase, 64 * kPage, a.data()) == Status::Ok);
  CHECK(pa.add_range(kBase + 32 * kPage, 64 * kPage, b.data()) == Status::AlreadyExists);
  CHECK(pa.add_range(kBase + 1, 64 * kPage, b.data()) == Status::InvalidArgs);
  CHECK(pa.add_range(0x1000, 64 * kPage, nullptr) == Status::InvalidArgs);
}
