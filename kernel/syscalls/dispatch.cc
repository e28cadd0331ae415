// kernel/syscalls/dispatch.cc: decodes a7 and a0..a6 into a call of the handler, by the handler's
// own parameter types, and puts the status in a0.
#include "kernel/syscalls/dispatch.h"

#include <utility>

#include "platform/platform.h"

namespace kernel {
namespace {

using koios::Status;
using koios::u64;
using Invoke = void (*)(platform::TrapFrame& frame);

template <typename T>
T decode(u64 raw) {
  if constexpr (std::is_enum_v<T>) return static_cast<T>(static_cast<std::underlying_type_t<T>>(raw));
  else if constexpr (std::is_integral_v<T>) return static_cast<T>(raw);
  else return T(raw);  // UserPtr
}

template <auto& Handler, typename Fn>
struct Invoker;
template <auto& Handler, typename R, typename... A>
struct Invoker<Handler, R(A...)> {
  static void call(platform::TrapFrame& f) { call_with(f, std::index_sequence_for<A...>{}); }
  template <std::size_t... I>
  static void call_with(platform::TrapFrame& f, std::index_sequence<I...>) {
    if (&Handler == nullptr) {  // weak: not written yet
      f.x[10] = static_cast<u64>(static_cast<koios::i64>(Status::NotSupported));
      return;
    }
    if constexpr (std::is_void_v<R>) {
      Handler(decode<A>(f.x[10 + I])...);
      f.x[10] = 0;
    } else {
      f.x[10] = static_cast<u64>(static_cast<koios::i64>(Handler(decode<A>(f.x[10 + I])...)));
    }
  }
};

constexpr koios::u32 kTableSize = 256;

struct Table {
  Invoke entries[kTableSize] = {};
};

constexpr Table make_table() {
  Table t;
#define SYSCALL(number, family, verb, ret, args, doc)                                            \
  static_assert(number < kTableSize, "syscall number beyond the dispatch table");                \
  t.entries[number] = &Invoker<sys_##family##_##verb,                                             \
                               KernelHandler<koios::syscall_type::family##_##verb>::Type>::call;
#include "koios/syscalls.def"
#undef SYSCALL
  return t;
}

constexpr Table kTable = make_table();

}  // namespace

void on_syscall(platform::TrapFrame& frame) {
  u64 number = frame.x[17];
  if (number >= kTableSize || kTable.entries[number] == nullptr) {
    frame.x[10] = static_cast<u64>(static_cast<koios::i64>(Status::BadSyscall));
    return;
  }
  kTable.entries[number](frame);
}

}  // namespace kernel
