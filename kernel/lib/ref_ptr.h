// kernel/lib/ref_ptr.h: intrusive reference counting (after fbl::RefPtr). An object derived from
// RefCounted is born holding one reference, which adopt() turns into the first RefPtr; copies add
// references and the object is deleted when the last RefPtr goes. Allocate with make_ref(), which
// uses `new (std::nothrow)` and answers NoMemory instead of throwing.
#pragma once

#include <atomic>
#include <new>
#include <utility>

#include "koios/result.h"
#include "koios/types.h"

namespace kernel {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  void add_ref() const { count_.fetch_add(1, std::memory_order_relaxed); }
  // A new reference unless the last one is already gone (the object is being destroyed): for an
  // object found through a plain-pointer list that its destructor leaves under the same lock.
  [[nodiscard]] bool try_add_ref() const {
    koios::u32 n = count_.load(std::memory_order_relaxed);
    while (n != 0)
      if (count_.compare_exchange_weak(n, n + 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
    return false;
  }
  // True when this released the last reference; the caller deletes the object.
  [[nodiscard]] bool release() const { return count_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  koios::u32 ref_count() const { return count_.load(std::memory_order_relaxed); }

 protected:
  ~RefCounted() = default;

 private:
  mutable std::atomic<koios::u32> count_{1};
};

template <typename T>
class RefPtr {
 public:
  constexpr RefPtr() = default;
  constexpr RefPtr(std::nullptr_t) {}
  RefPtr(const RefPtr& other) : ptr_(other.ptr_) {
    if (ptr_ != nullptr) ptr_->add_ref();
  }
  RefPtr(RefPtr&& other) : ptr_(other.ptr_) { other.ptr_ = nullptr; }
  template <typename U>
  RefPtr(const RefPtr<U>& other) : ptr_(other.get()) {
    if (ptr_ != nullptr) ptr_->add_ref();
  }
  template <typename U>
  RefPtr(RefPtr<U>&& other) : ptr_(other.leak_ref()) {}
  ~RefPtr() { reset(); }

  RefPtr& operator=(RefPtr other) {
    std::swap(ptr_, other.ptr_);
    return *this;
  }

  // Takes over the reference a freshly constructed object was born with.
  static RefPtr adopt(T* fresh) { return RefPtr(fresh, AdoptTag{}); }
  // A new reference to an object some other RefPtr already keeps alive (e.g. `this`).
  static RefPtr from_existing(T* alive) {
    if (alive != nullptr) alive->add_ref();
    return RefPtr(alive, AdoptTag{});
  }

  // A reference to a listed object, or null if it is already being destroyed (see try_add_ref).
  static RefPtr try_from_listed(T* listed) {
    if (listed == nullptr || !listed->try_add_ref()) return RefPtr();
    return RefPtr(listed, AdoptTag{});
  }

  void reset() {
    T* p = ptr_;
    ptr_ = nullptr;
    if (p != nullptr && p->release()) delete p;
  }
  // Gives up ownership without releasing; the caller must adopt() it again.
  T* leak_ref() {
    T* p = ptr_;
    ptr_ = nullptr;
    return p;
  }

  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }
  bool operator==(const RefPtr& other) const { return ptr_ == other.ptr_; }
  bool operator==(std::nullptr_t) const { return ptr_ == nullptr; }

 private:
  struct AdoptTag {};
  RefPtr(T* p, AdoptTag) : ptr_(p) {}
  T* ptr_ = nullptr;
};

// A downcast the caller has already checked (by object type; the kernel has no RTTI).
template <typename T, typename U>
RefPtr<T> ref_static_cast(RefPtr<U> from) {
  return RefPtr<T>::adopt(static_cast<T*>(from.leak_ref()));
}

template <typename T, typename... Args>
koios::Result<RefPtr<T>> make_ref(Args&&... args) {
  T* p = new (std::nothrow) T(std::forward<Args>(args)...);
  if (p == nullptr) return koios::Status::NoMemory;
  return RefPtr<T>::adopt(p);
}

}  // namespace kernel
