// libns/vec.h: a growable array whose memory comes from an ns::Allocator and whose growth can fail
// (ENOMEM) instead of throwing. Owned by its containing object; frees its buffer when destroyed.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

#include "libns/allocator.h"
#include "libns/result.h"

namespace ns {

template <class T>
class Vec {
 public:
  explicit Vec(Allocator& a) : alloc_(&a) {}
  Vec(const Vec&) = delete;
  Vec& operator=(const Vec&) = delete;
  Vec(Vec&& o) : alloc_(o.alloc_), data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr; o.size_ = o.cap_ = 0;
  }
  ~Vec() { clear(); if (data_) alloc_->deallocate(data_, cap_ * sizeof(T), alignof(T)); }

  Status reserve(size_t n) {
    if (n <= cap_) return {};
    void* p = alloc_->allocate(n * sizeof(T), alignof(T));
    if (!p) return Errno::NoMem;
    T* nd = static_cast<T*>(p);
    for (size_t i = 0; i < size_; ++i) { new (&nd[i]) T(std::move(data_[i])); data_[i].~T(); }
    if (data_) alloc_->deallocate(data_, cap_ * sizeof(T), alignof(T));
    data_ = nd;
    cap_ = n;
    return {};
  }
  Status push_back(T v) {
    if (size_ == cap_) NS_TRY_STATUS(reserve(cap_ ? cap_ * 2 : 4));
    new (&data_[size_++]) T(std::move(v));
    return {};
  }
  // Removes element i keeping the order of the rest.
  void erase_at(size_t i) {
    for (size_t j = i; j + 1 < size_; ++j) data_[j] = std::move(data_[j + 1]);
    data_[--size_].~T();
  }
  // Removes the first element equal to v; returns whether one was found.
  bool erase_value(const T& v) {
    for (size_t i = 0; i < size_; ++i) if (data_[i] == v) { erase_at(i); return true; }
    return false;
  }
  bool contains(const T& v) const {
    for (size_t i = 0; i < size_; ++i) if (data_[i] == v) return true;
    return false;
  }
  void pop_back() { data_[--size_].~T(); }
  void clear() { while (size_) pop_back(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  size_t capacity_bytes() const { return cap_ * sizeof(T); }

 private:
  Allocator* alloc_;
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace ns
