// kernel/lib/own_ptr.h: sole ownership of a heap object (the kernel's unique_ptr, without <memory>).
#pragma once

#include <new>
#include <utility>

#include "koios/result.h"

namespace kernel {

template <typename T>
class OwnPtr {
 public:
  constexpr OwnPtr() = default;
  constexpr OwnPtr(std::nullptr_t) {}
  explicit OwnPtr(T* p) : ptr_(p) {}
  OwnPtr(OwnPtr&& other) : ptr_(other.release()) {}
  OwnPtr& operator=(OwnPtr&& other) {
    reset(other.release());
    return *this;
  }
  OwnPtr(const OwnPtr&) = delete;
  OwnPtr& operator=(const OwnPtr&) = delete;
  ~OwnPtr() { reset(); }

  void reset(T* p = nullptr) {
    T* old = ptr_;
    ptr_ = p;
    delete old;
  }
  T* release() {
    T* p = ptr_;
    ptr_ = nullptr;
    return p;
  }
  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  T* ptr_ = nullptr;
};

template <typename T, typename... Args>
koios::Result<OwnPtr<T>> make_own(Args&&... args) {
  T* p = new (std::nothrow) T(std::forward<Args>(args)...);
  if (p == nullptr) return koios::Status::NoMemory;
  return OwnPtr<T>(p);
}

}  // namespace kernel
