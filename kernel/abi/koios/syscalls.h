// kernel/abi/koios/syscalls.h: syscalls.def expanded into what both sides share: the numbers, the
// names and each syscall's C++ function type. The kernel builds its dispatch table from these
// types (decoding a0..a6 by parameter type, pointers becoming UserIn/UserOut), the runtime its stubs.
#pragma once

#include <type_traits>

#include "koios/channel.h"
#include "koios/handle.h"
#include "koios/object_info.h"
#include "koios/object_type.h"
#include "koios/port.h"
#include "koios/resource.h"
#include "koios/rights.h"
#include "koios/signals.h"
#include "koios/status.h"
#include "koios/types.h"
#include "koios/vm.h"

namespace koios {

// a0..a6 carry arguments; a7 carries the number.
inline constexpr u32 kMaxSyscallArgs = 7;

enum class Syscall : u32 {
#define SYSCALL(number, family, verb, ret, args, doc) family##_##verb = number,
#include "koios/syscalls.def"
#undef SYSCALL
};

inline constexpr u32 kSyscallCount = 0
#define SYSCALL(number, family, verb, ret, args, doc) +1
#include "koios/syscalls.def"
#undef SYSCALL
    ;

// "channel_write"; nullptr for a number no syscall has.
constexpr const char* syscall_name(Syscall s) {
  switch (s) {
#define SYSCALL(number, family, verb, ret, args, doc) \
  case Syscall::family##_##verb:                     \
    return #family "_" #verb;
#include "koios/syscalls.def"
#undef SYSCALL
  }
  return nullptr;
}

// The function type of each syscall, with its argument names: syscall_type::channel_write is
// Status(Handle handle, u32 options, const void* bytes, ...).
namespace syscall_type {
#define SYSCALL(number, family, verb, ret, args, doc) using family##_##verb = ret args;
#include "koios/syscalls.def"
#undef SYSCALL
}  // namespace syscall_type

template <typename Fn>
struct SyscallTraits;
template <typename R, typename... A>
struct SyscallTraits<R(A...)> {
  using Return = R;
  static constexpr u32 kArity = sizeof...(A);
  // Every argument fits one register.
  static constexpr bool kRegisterSized = ((sizeof(A) <= sizeof(u64) && (std::is_integral_v<A> || std::is_enum_v<A> ||
                                                                         std::is_pointer_v<A>)) && ...);
};

namespace internal {
constexpr bool syscall_numbers_unique() {
  constexpr u32 numbers[] = {
#define SYSCALL(number, family, verb, ret, args, doc) number,
#include "koios/syscalls.def"
#undef SYSCALL
  };
  for (u32 i = 0; i < kSyscallCount; ++i)
    for (u32 j = i + 1; j < kSyscallCount; ++j)
      if (numbers[i] == numbers[j]) return false;
  return true;
}
}  // namespace internal

static_assert(internal::syscall_numbers_unique(), "syscalls.def: two syscalls share a number");
#define SYSCALL(number, family, verb, ret, args, doc)                                                  \
  static_assert(SyscallTraits<syscall_type::family##_##verb>::kArity <= kMaxSyscallArgs,              \
                #family "_" #verb ": more arguments than registers");                                   \
  static_assert(SyscallTraits<syscall_type::family##_##verb>::kRegisterSized,                          \
                #family "_" #verb ": an argument does not fit a register");                             \
  static_assert(std::is_same_v<ret, Status> || std::is_void_v<ret>, #family "_" #verb ": returns Status or nothing");
#include "koios/syscalls.def"
#undef SYSCALL

}  // namespace koios
