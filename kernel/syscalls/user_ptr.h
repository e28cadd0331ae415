// kernel/syscalls/user_ptr.h: pointer arguments of syscalls. A handler never dereferences a user
// address: it copies through the calling thread's page table (UserAspace::copy_in/copy_out), so a
// bad pointer is a status for the caller, never a kernel fault.
#pragma once

#include "kernel/sched/scheduler.h"

namespace kernel {

template <typename T>
class UserPtr {
 public:
  explicit UserPtr(koios::u64 address) : address_(address) {}
  koios::u64 address() const { return address_; }
  bool is_null() const { return address_ == 0; }

  // Copies `count` objects in (for pointers to const) or out (otherwise).
  koios::Status copy_in(std::remove_const_t<T>* dst, koios::usize count = 1) const {
    return space()->copy_in(dst, address_, sizeof(T) * count);
  }
  koios::Status copy_out(const std::remove_const_t<T>* src, koios::usize count = 1) const
    requires(!std::is_const_v<T>)
  {
    return space()->copy_out(address_, src, sizeof(T) * count);
  }
  koios::Status check_writable(koios::usize count = 1) const { return space()->check_writable(address_, sizeof(T) * count); }

 private:
  // Not const: a copy may fault pages in (demand paging, copy on write).
  static UserAspace* space() { return Scheduler::current()->user_aspace(); }
  koios::u64 address_;
};

// `const void*` / `void*` arguments are byte buffers.
template <>
class UserPtr<const void> {
 public:
  explicit UserPtr(koios::u64 address) : address_(address) {}
  koios::u64 address() const { return address_; }
  koios::Status copy_in(void* dst, koios::usize bytes) const {
    return Scheduler::current()->user_aspace()->copy_in(dst, address_, bytes);
  }

 private:
  koios::u64 address_;
};

template <>
class UserPtr<void> {
 public:
  explicit UserPtr(koios::u64 address) : address_(address) {}
  koios::u64 address() const { return address_; }
  koios::Status copy_in(void* dst, koios::usize bytes) const {
    return Scheduler::current()->user_aspace()->copy_in(dst, address_, bytes);
  }
  koios::Status copy_out(const void* src, koios::usize bytes) const {
    return Scheduler::current()->user_aspace()->copy_out(address_, src, bytes);
  }
  koios::Status check_writable(koios::usize bytes) const {
    return Scheduler::current()->user_aspace()->check_writable(address_, bytes);
  }

 private:
  koios::u64 address_;
};

}  // namespace kernel
