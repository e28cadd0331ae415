// libns/result.h: errors are values. Result<T> holds either a T or the errno Linux would give;
// Result<void> (alias Status) holds only the errno. No exceptions anywhere in libns.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "libns/errno.h"

namespace ns {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& v) : error_(Errno::Ok) { new (&storage_) T(v); }
  Result(T&& v) : error_(Errno::Ok) { new (&storage_) T(std::move(v)); }
  Result(Errno e) : error_(e) {}
  Result(const Result& o) : error_(o.error_) { if (ok()) new (&storage_) T(o.ref()); }
  Result(Result&& o) : error_(o.error_) { if (ok()) new (&storage_) T(std::move(o.ref())); }
  Result& operator=(const Result&) = delete;
  ~Result() { if (ok()) ref().~T(); }

  bool ok() const { return error_ == Errno::Ok; }
  explicit operator bool() const { return ok(); }
  Errno error() const { return error_; }
  // Callers check ok() first; tests call value() directly and Catch2 reports the crash site.
  T& value() { if (!ok()) __builtin_trap(); return ref(); }
  const T& value() const { if (!ok()) __builtin_trap(); return ref(); }
  T value_or(T fallback) const { return ok() ? ref() : fallback; }

 private:
  T& ref() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  const T& ref() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }
  Errno error_;
  alignas(T) unsigned char storage_[sizeof(T)];
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : error_(Errno::Ok) {}
  Result(Errno e) : error_(e) {}
  bool ok() const { return error_ == Errno::Ok; }
  explicit operator bool() const { return ok(); }
  Errno error() const { return error_; }

 private:
  Errno error_;
};
using Status = Result<void>;
inline Status ok_status() { return Status(); }

}  // namespace ns

// TRY(expr): evaluate a Result; on error return its errno from the enclosing function, else yield
// the value. A GNU statement expression, which both gcc and clang accept.
#define NS_TRY(expr)                                          \
  ({                                                          \
    auto ns_try_result_ = (expr);                             \
    if (!ns_try_result_.ok()) return ns_try_result_.error(); \
    std::move(ns_try_result_.value());                        \
  })
#define NS_TRY_STATUS(expr)                                   \
  do {                                                        \
    auto ns_try_status_ = (expr);                             \
    if (!ns_try_status_.ok()) return ns_try_status_.error(); \
  } while (0)
