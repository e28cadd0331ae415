// kernel/syscalls/dispatch.h: how syscalls.def becomes the kernel's handlers. Each syscall
// family_verb has a handler sys_family_verb in kernel/syscalls/<family>.cc whose parameters are the
// ABI's, with every pointer T* turned into UserPtr<T>. A syscall without a handler yet answers
// NotSupported (its declaration is weak), never a silent success.
#pragma once

#include <type_traits>

#include "koios/syscalls.h"
#include "kernel/syscalls/user_ptr.h"

namespace kernel {

// The calling process: syscalls come only from user threads, which always have one.
inline Process& current_process() { return *this_hart().current_thread->process(); }
inline HandleTable& current_handles() { return current_process().handles(); }

template <typename T>
struct KernelArg {
  using Type = T;
};
template <typename T>
struct KernelArg<T*> {
  using Type = UserPtr<T>;
};

template <typename Fn>
struct KernelHandler;
template <typename R, typename... A>
struct KernelHandler<R(A...)> {
  using Type = R(typename KernelArg<A>::Type...);
};

#define SYSCALL(number, family, verb, ret, args, doc) \
  [[gnu::weak]] KernelHandler<koios::syscall_type::family##_##verb>::Type sys_##family##_##verb;
#include "koios/syscalls.def"
#undef SYSCALL

}  // namespace kernel
