// tests/unit/libns/containers_test.cc: libns's own allocators and containers, whose failure paths
// are ours (ENOMEM instead of exceptions).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <random>

#include "libns/allocator.h"
#include "libns/heap_allocator.h"
#include "libns/id_table.h"
#include "libns/koid_map.h"
#include "libns/vec.h"

TEST_CASE("BufferAllocator hands out aligned blocks, reuses freed ones and fails when full", "[containers]") {
  alignas(4096) static unsigned char buf[1 << 16];
  ns::BufferAllocator a(buf, sizeof buf);
  void* p = a.allocate(24, 8);
  REQUIRE(p);
  CHECK(reinterpret_cast<uintptr_t>(p) % 8 == 0);
  CHECK(a.bytes_in_use() == 32);
  a.deallocate(p, 24, 8);
  CHECK(a.bytes_in_use() == 0);
  CHECK(a.allocate(20, 8) == p);   // same class, reused
  CHECK(a.allocate(1 << 17, 8) == nullptr);
  void* big = a.allocate(4096, 4096);
  REQUIRE(big);
  CHECK(reinterpret_cast<uintptr_t>(big) % 4096 == 0);
}

TEST_CASE("LimitAllocator refuses past its budget", "[containers]") {
  ns::HeapAllocator heap;
  ns::LimitAllocator lim(heap, 100);
  void* a = lim.allocate(60, 8);
  REQUIRE(a);
  CHECK(lim.allocate(60, 8) == nullptr);
  lim.deallocate(a, 60, 8);
  void* b = lim.allocate(60, 8);
  CHECK(b);
  lim.deallocate(b, 60, 8);
}

TEST_CASE("Vec grows, erases in order and reports ENOMEM", "[containers]") {
  ns::HeapAllocator heap;
  ns::Vec<int> v(heap);
  for (int i = 0; i < 100; ++i) REQUIRE(v.push_back(i).ok());
  v.erase_at(0);
  CHECK(v[0] == 1);
  CHECK(v.size() == 99);
  CHECK(v.erase_value(50));
  CHECK_FALSE(v.contains(50));
  ns::LimitAllocator lim(heap, 16);
  ns::Vec<int> w(lim);
  REQUIRE(w.push_back(1).ok());   // 4 ints = 16 bytes
  for (int i = 0; i < 3; ++i) REQUIRE(w.push_back(i).ok());
  CHECK(w.push_back(9).error() == ns::Errno::NoMem);
}

TEST_CASE("KoidMap matches std::map under random inserts and erases", "[containers]") {
  ns::HeapAllocator heap;
  ns::KoidMap<uint64_t> m(heap);
  std::map<uint64_t, uint64_t> ref;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    uint64_t k = rng() % 3000 + 1;
    if (rng() % 3) {
      auto s = m.insert(k, k * 3);
      CHECK(s.ok() == (ref.count(k) == 0));
      ref.emplace(k, k * 3);
    } else {
      CHECK(m.erase(k) == (ref.erase(k) == 1));
    }
  }
  CHECK(m.size() == ref.size());
  for (uint64_t k = 1; k <= 3000; ++k) {
    auto* v = m.find(k);
    REQUIRE((v != nullptr) == (ref.count(k) == 1));
    if (v) CHECK(*v == k * 3);
  }
  CHECK(m.insert(0, 1).error() == ns::Errno::Inval);
}

TEST_CASE("IdTable allocates cyclically and frees empty leaves", "[containers]") {
  ns::HeapAllocator heap;
  int x = 0;
  {
    ns::IdTable<int> t(heap, 5000);
    CHECK(t.alloc_cyclic(&x, 1, 0).value() == 1);
    CHECK(t.alloc_cyclic(&x, 1, 2).value() == 2);
    REQUIRE(t.insert_at(3000, &x).ok());
    CHECK(t.insert_at(3000, &x).error() == ns::Errno::Exist);
    CHECK(t.alloc_cyclic(&x, 1, 3000).value() == 3001);
    size_t with_leaf = heap.bytes_in_use();
    t.remove(3000);
    t.remove(3001);
    CHECK(heap.bytes_in_use() < with_leaf);   // the leaf holding 3000.. is gone
    CHECK(t.find(3000) == nullptr);
    CHECK(t.find(1) == &x);
    CHECK(t.count() == 2);
    CHECK(t.alloc_cyclic(&x, 300, 4999).value() == 4999);
    CHECK(t.alloc_cyclic(&x, 300, 5000).value() == 300);   // wrapped to the floor
  }
  CHECK(heap.bytes_in_use() == 0);
}
