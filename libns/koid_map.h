// libns/koid_map.h: an open-addressing hash map from a 64-bit key (a KoID) to a value, with linear
// probing and backward-shift deletion, so lookups stay O(1) without tombstones. Memory from an
// ns::Allocator; insert fails with ENOMEM rather than throwing. Owned by its containing object.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/allocator.h"
#include "libns/result.h"

namespace ns {

template <class V>
class KoidMap {
 public:
  explicit KoidMap(Allocator& a) : alloc_(&a) {}
  KoidMap(const KoidMap&) = delete;
  KoidMap& operator=(const KoidMap&) = delete;
  ~KoidMap() { if (slots_) alloc_->deallocate(slots_, cap_ * sizeof(Slot), alignof(Slot)); }

  // Key 0 is reserved as "empty" (kInvalidKoid is never a live object).
  Status insert(uint64_t key, V value) {
    if (key == 0) return Errno::Inval;
    if ((size_ + 1) * 4 > cap_ * 3) NS_TRY_STATUS(grow(cap_ ? cap_ * 2 : 16));
    size_t i = hash(key) & (cap_ - 1);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) return Errno::Exist;
      i = (i + 1) & (cap_ - 1);
    }
    slots_[i].key = key;
    slots_[i].value = value;
    ++size_;
    return {};
  }
  V* find(uint64_t key) {
    if (!cap_ || key == 0) return nullptr;
    size_t i = hash(key) & (cap_ - 1);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) return &slots_[i].value;
      i = (i + 1) & (cap_ - 1);
    }
    return nullptr;
  }
  const V* find(uint64_t key) const { return const_cast<KoidMap*>(this)->find(key); }
  bool erase(uint64_t key) {
    if (!cap_ || key == 0) return false;
    size_t mask = cap_ - 1;
    size_t i = hash(key) & mask;
    while (slots_[i].key != key) {
      if (slots_[i].key == 0) return false;
      i = (i + 1) & mask;
    }
    // Backward-shift: move later entries of the probe run into the hole so probes never stop early.
    size_t hole = i;
    size_t j = (i + 1) & mask;
    while (slots_[j].key != 0) {
      size_t home = hash(slots_[j].key) & mask;
      bool movable = (hole <= j) ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) { slots_[hole] = slots_[j]; hole = j; }
      j = (j + 1) & mask;
    }
    slots_[hole].key = 0;
    --size_;
    return true;
  }
  size_t size() const { return size_; }
  // Calls f(key, value&) for every entry; f must not insert or erase.
  template <class F>
  void for_each(F&& f) {
    for (size_t i = 0; i < cap_; ++i) if (slots_[i].key) f(slots_[i].key, slots_[i].value);
  }
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < cap_; ++i) if (slots_[i].key) f(slots_[i].key, slots_[i].value);
  }
  size_t capacity_bytes() const { return cap_ * sizeof(Slot); }

 private:
  struct Slot { uint64_t key; V value; };
  static size_t hash(uint64_t k) {
    k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ULL; k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  Status grow(size_t ncap) {
    void* p = alloc_->allocate(ncap * sizeof(Slot), alignof(Slot));
    if (!p) return Errno::NoMem;
    Slot* old = slots_;
    size_t ocap = cap_;
    slots_ = static_cast<Slot*>(p);
    cap_ = ncap;
    for (size_t i = 0; i < cap_; ++i) slots_[i].key = 0;
    size_ = 0;
    for (size_t i = 0; i < ocap; ++i) if (old[i].key) (void)insert(old[i].key, old[i].value);
    if (old) alloc_->deallocate(old, ocap * sizeof(Slot), alignof(Slot));
    return {};
  }
  Allocator* alloc_;
  Slot* slots_ = nullptr;
  size_t cap_ = 0;
  size_t size_ = 0;
};

}  // namespace ns
