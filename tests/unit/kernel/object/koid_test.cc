// tests/unit/kernel/object/koid_test.cc: KoIDs are unique, monotonic and never 0.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "kernel/object/event.h"
#include "kernel/object/koid.h"
#include "leak_check.h"

TEST_CASE("KoIDs are unique and increasing over 100,000 object creations", "[koid]") {
  LeakCheck leaks;
  std::set<koios::Koid> seen;
  koios::Koid last = koios::kInvalidKoid;
  for (int i = 0; i < 100'000; ++i) {
    auto event = kernel::Event::create().value();
    koios::Koid koid = event->koid();
    CHECK(koid != koios::kInvalidKoid);
    if (koid <= last) FAIL("KoID went backwards: " << koid << " after " << last);
    last = koid;
    seen.insert(koid);
  }
  CHECK(seen.size() == 100'000);
}

TEST_CASE("KoIDs taken from several threads at once are all distinct", "[koid]") {
  constexpr int kThreads = 4, kEach = 25'000;
  std::vector<std::vector<koios::Koid>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&taken, t] {
      for (int i = 0; i < kEach; ++i) taken[t].push_back(kernel::allocate_koid());
    });
  for (auto& thread : threads) thread.join();
  std::set<koios::Koid> all;
  for (auto& list : taken) {
    CHECK(std::is_sorted(list.begin(), list.end()));
    all.insert(list.begin(), list.end());
  }
  CHECK(all.size() == kThreads * kEach);
  CHECK(all.count(koios::kInvalidKoid) == 0);
}
