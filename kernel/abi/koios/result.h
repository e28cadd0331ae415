// kernel/abi/koios/result.h: errors are values. Result<T> holds either a T or a non-Ok Status.
// No exceptions and no allocation, so it works in the kernel, in servers and on the host.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "koios/status.h"

namespace koios {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Status::NoMemory;` both read naturally.
  Result(T value) : status_(Status::Ok) { new (&storage_) T(std::move(value)); }
  Result(Status status) : status_(status == Status::Ok ? Status::Internal : status) {}
  Result(const Result& other) : status_(other.status_) {
    if (ok()) new (&storage_) T(other.value_ref());
  }
  Result(Result&& other) : status_(other.status_) {
    if (ok()) new (&storage_) T(std::move(other.value_ref()));
  }
  Result& operator=(Result other) {
    destroy();
    status_ = other.status_;
    if (ok()) new (&storage_) T(std::move(other.value_ref()));
    return *this;
  }
  ~Result() { destroy(); }

  bool ok() const { return status_ == Status::Ok; }
  Status status() const { return status_; }
  // value() on an error is a programming error; callers check ok() or use TRY.
  T& value() & { return value_ref(); }
  const T& value() const& { return value_ref(); }
  T&& value() && { return std::move(value_ref()); }
  T value_or(T fallback) const { return ok() ? value_ref() : fallback; }

 private:
  T& value_ref() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  const T& value_ref() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }
  void destroy() {
    if (ok()) value_ref().~T();
  }

  Status status_;
  alignas(T) unsigned char storage_[sizeof(T)];
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : status_(Status::Ok) {}
  Result(Status status) : status_(status) {}
  bool ok() const { return status_ == Status::Ok; }
  Status status() const { return status_; }

 private:
  Status status_;
};

namespace internal {
inline Status status_of(Status s) { return s; }
template <typename T>
Status status_of(const Result<T>& r) { return r.status(); }
template <typename T>
T unwrap(Result<T>&& r) { return std::move(r).value(); }
inline void unwrap(Result<void>&&) {}
inline void unwrap(Status) {}
}  // namespace internal

}  // namespace koios

// TRY(expr): evaluate a Result (or Status); on error return its status from the enclosing function,
// otherwise yield the value. A GNU statement expression, supported by GCC and Clang.
#define TRY(expr)                                                               \
  ({                                                                            \
    auto&& try_result_ = (expr);                                                \
    if (::koios::internal::status_of(try_result_) != ::koios::Status::Ok)       \
      return ::koios::internal::status_of(try_result_);                         \
    ::koios::internal::unwrap(std::move(try_result_));                          \
  })
