// servers/runtime/syscalls.h: the user side of kernel/abi/koios/syscalls.def. Each syscall is a
// typed function object, koios::channel_write(...) and so on, generated from the one list: the
// number goes in a7, arguments in a0..a6, the status comes back in a0.
#pragma once

#include <type_traits>

#include "koios/syscalls.h"

namespace koios {
namespace internal {

inline u64 raw_syscall(u64 number, u64 v0, u64 v1, u64 v2, u64 v3, u64 v4, u64 v5, u64 v6) {
  register u64 a0 asm("a0") = v0;
  register u64 a1 asm("a1") = v1;
  register u64 a2 asm("a2") = v2;
  register u64 a3 asm("a3") = v3;
  register u64 a4 asm("a4") = v4;
  register u64 a5 asm("a5") = v5;
  register u64 a6 asm("a6") = v6;
  register u64 a7 asm("a7") = number;
  asm volatile("ecall"
               : "+r"(a0)
               : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
               : "memory");
  return a0;
}

template <typename T>
u64 to_raw(T v) {
  if constexpr (std::is_pointer_v<T>) return reinterpret_cast<u64>(v);
  else if constexpr (std::is_enum_v<T>) return static_cast<u64>(static_cast<std::underlying_type_t<T>>(v));
  else return static_cast<u64>(v);
}

// The I-th argument as a register value; 0 past the last. (No array: the zero-fill of one would
// be a memset call, and user programs may have no C library.)
template <unsigned I>
u64 nth() {
  return 0;
}
template <unsigned I, typename T, typename... Rest>
u64 nth(T first, Rest... rest) {
  if constexpr (I == 0) return to_raw(first);
  else return nth<I - 1>(rest...);
}

template <u32 Number, typename Fn>
struct Stub;
template <u32 Number, typename R, typename... A>
struct Stub<Number, R(A...)> {
  R operator()(A... args) const {
    static_assert(sizeof...(A) <= kMaxSyscallArgs);
    u64 result = raw_syscall(Number, nth<0>(args...), nth<1>(args...), nth<2>(args...), nth<3>(args...),
                             nth<4>(args...), nth<5>(args...), nth<6>(args...));
    if constexpr (std::is_void_v<R>) {
      (void)result;
      if constexpr (Number == static_cast<u32>(Syscall::process_exit) ||
                    Number == static_cast<u32>(Syscall::thread_exit))
        __builtin_unreachable();
    } else {
      return static_cast<R>(static_cast<i32>(static_cast<i64>(result)));
    }
  }
};

}  // namespace internal

#define SYSCALL(number, family, verb, ret, args, doc) \
  inline constexpr internal::Stub<number, syscall_type::family##_##verb> family##_##verb{};
#include "koios/syscalls.def"
#undef SYSCALL

}  // namespace koios
