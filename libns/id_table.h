// libns/id_table.h: the pid number -> object table of one pid namespace, a two-level radix like
// Linux's IDR: a top array of leaf pointers, leaves of 1024 slots allocated on first use and freed
// when empty. Lookup is two indexings whatever the population; allocation scans from a cursor and
// skips full leaves by their counts, so it does not grow with the number of live ids.
// Owned by its PidNamespace; frees its leaves when destroyed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/allocator.h"
#include "libns/result.h"

namespace ns {

template <class T>
class IdTable {
 public:
  static constexpr uint32_t kLeafBits = 10;
  static constexpr uint32_t kLeafSize = 1u << kLeafBits;

  IdTable(Allocator& a, uint32_t max_id) : alloc_(&a), max_id_(max_id) {}
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;
  ~IdTable() {
    for (uint32_t i = 0; i < top_size_; ++i) if (top_[i]) alloc_->destroy(top_[i]);
    if (top_) alloc_->deallocate(top_, top_size_ * sizeof(Leaf*), alignof(Leaf*));
  }

  T* find(uint32_t id) const {
    if (id >= max_id_ || !top_) return nullptr;
    Leaf* l = top_[id >> kLeafBits];
    return l ? l->slot[id & (kLeafSize - 1)] : nullptr;
  }

  // Linux's idr_alloc_cyclic: the first free id in [max(start, min), max_id), then wrapping to
  // [min, start). EAGAIN-free: the caller maps "full" (NoSpc) to the errno it needs.
  Result<uint32_t> alloc_cyclic(T* value, uint32_t min, uint32_t start) {
    NS_TRY_STATUS(ensure_top());
    if (start < min) start = min;
    auto r = alloc_range(value, start, max_id_);
    if (r.ok() || r.error() != Errno::NoSpc) return r;
    return alloc_range(value, min, start);
  }

  // Places value at exactly id (EEXIST if taken).
  Status insert_at(uint32_t id, T* value) {
    if (id >= max_id_) return Errno::Inval;
    NS_TRY_STATUS(ensure_top());
    Leaf* l = NS_TRY(leaf(id));
    if (l->slot[id & (kLeafSize - 1)]) return Errno::Exist;
    l->slot[id & (kLeafSize - 1)] = value;
    ++l->used;
    ++count_;
    return {};
  }

  void remove(uint32_t id) {
    if (id >= max_id_ || !top_) return;
    Leaf*& l = top_[id >> kLeafBits];
    if (!l || !l->slot[id & (kLeafSize - 1)]) return;
    l->slot[id & (kLeafSize - 1)] = nullptr;
    --count_;
    if (--l->used == 0) { alloc_->destroy(l); l = nullptr; }
  }

  uint32_t count() const { return count_; }
  uint32_t max_id() const { return max_id_; }

  // Calls f(id, T*) for every occupied id in increasing order; f may remove the current id.
  template <class F>
  void for_each(F&& f) const {
    for (uint32_t i = 0; i < top_size_; ++i) {
      for (uint32_t j = 0; j < kLeafSize; ++j) {
        Leaf* l = top_[i];
        if (!l) break;
        if (T* v = l->slot[j]) f((i << kLeafBits) | j, v);
      }
    }
  }

 private:
  struct Leaf {
    uint32_t used = 0;
    T* slot[kLeafSize] = {};
  };
  Status ensure_top() {
    if (top_) return {};
    top_size_ = (max_id_ + kLeafSize - 1) >> kLeafBits;
    void* p = alloc_->allocate(top_size_ * sizeof(Leaf*), alignof(Leaf*));
    if (!p) { top_size_ = 0; return Errno::NoMem; }
    top_ = static_cast<Leaf**>(p);
    for (uint32_t i = 0; i < top_size_; ++i) top_[i] = nullptr;
    return {};
  }
  Result<Leaf*> leaf(uint32_t id) {
    Leaf*& l = top_[id >> kLeafBits];
    if (!l) l = alloc_->make<Leaf>();
    if (!l) return Errno::NoMem;
    return l;
  }
  Result<uint32_t> alloc_range(T* value, uint32_t from, uint32_t to) {
    uint32_t id = from;
    while (id < to) {
      Leaf* l = top_[id >> kLeafBits];
      if (l && l->used == kLeafSize) { id = ((id >> kLeafBits) + 1) << kLeafBits; continue; }
      if (!l || !l->slot[id & (kLeafSize - 1)]) {
        NS_TRY_STATUS(insert_at(id, value));
        return id;
      }
      ++id;
    }
    return Errno::NoSpc;
  }
  Allocator* alloc_;
  uint32_t max_id_;
  Leaf** top_ = nullptr;
  uint32_t top_size_ = 0;
  uint32_t count_ = 0;
};

}  // namespace ns
