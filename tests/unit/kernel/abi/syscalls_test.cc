// tests/unit/kernel/abi/syscalls_test.cc: syscalls.def expands, with plain C++ and nothing else, into
// what the kernel and the runtime need: handler declarations whose pointers become user-pointer
// wrappers, a dispatch table indexed by number that decodes registers by parameter type, and typed
// user stubs that encode them. A stub here "traps" by calling the table directly.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "koios/syscalls.h"

using namespace koios;

// ---- (a) the kernel side ----
// Outside the anonymous namespace: these are declarations only, as the kernel's syscalls.h would be.
namespace kernel_side {
// A stand-in for the kernel's UserIn<T>/UserOut<T>: a user address that must be copied through.
template <typename T>
struct UserPtr {
  T* raw;
};
template <typename T>
struct KernelArg {
  using type = T;
};
template <typename T>
struct KernelArg<T*> {
  using type = UserPtr<T>;
};
template <typename Fn>
struct KernelHandlerType;
template <typename R, typename... A>
struct KernelHandlerType<R(A...)> {
  using type = R(typename KernelArg<A>::type...);
};

namespace handlers {
// Declares Status sys_channel_write(Handle, u32, UserPtr<const void>, u32, UserPtr<const Handle>, u32);
#define SYSCALL(number, family, verb, ret, args, doc) \
  KernelHandlerType<syscall_type::family##_##verb>::type sys_##family##_##verb;
#include "koios/syscalls.def"
#undef SYSCALL
}  // namespace handlers

static_assert(std::is_same_v<decltype(handlers::sys_channel_write),
                             Status(Handle, u32, UserPtr<const void>, u32, UserPtr<const Handle>, u32)>);
static_assert(std::is_same_v<decltype(handlers::sys_process_exit), void(i64)>);
}  // namespace kernel_side

namespace {

// Registers to arguments and back, by type.
template <typename T>
T decode(u64 reg) {
  if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<T>(static_cast<uptr>(reg));
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(reg));
  } else {
    return static_cast<T>(reg);
  }
}
template <typename T>
u64 encode(T value) {
  if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<uptr>(value);
  } else if constexpr (std::is_enum_v<T>) {
    return encode(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<u64>(static_cast<i64>(value));
  } else {
    return static_cast<u64>(value);
  }
}

struct Call {
  u32 number = 0;
  std::vector<u64> args;
};
Call last_call;

// The handler every table entry calls here: it records what it was given, decoded by type.
template <Syscall S, typename R, typename... A>
R record(A... args) {
  last_call = Call{static_cast<u32>(S), {encode(args)...}};
  if constexpr (!std::is_void_v<R>) return Status::Ok;
}

using Regs = u64[kMaxSyscallArgs];
using RawHandler = u64 (*)(const Regs& regs);

template <Syscall S, typename Fn>
struct Dispatch;
template <Syscall S, typename R, typename... A>
struct Dispatch<S, R(A...)> {
  static u64 call(const Regs& regs) { return call_with(regs, std::index_sequence_for<A...>{}); }
  template <usize... I>
  static u64 call_with(const Regs& regs, std::index_sequence<I...>) {
    if constexpr (std::is_void_v<R>) {
      record<S, R, A...>(decode<A>(regs[I])...);
      return 0;
    } else {
      return encode(record<S, R, A...>(decode<A>(regs[I])...));
    }
  }
};

constexpr u32 kMaxNumber = [] {
  u32 max = 0;
#define SYSCALL(number, family, verb, ret, args, doc) max = number > max ? number : max;
#include "koios/syscalls.def"
#undef SYSCALL
  return max;
}();

struct Table {
  RawHandler by_number[kMaxNumber + 1];
};
constexpr Table kTable = [] {
  Table t{};
#define SYSCALL(number, family, verb, ret, args, doc) \
  t.by_number[number] = &Dispatch<Syscall::family##_##verb, syscall_type::family##_##verb>::call;
#include "koios/syscalls.def"
#undef SYSCALL
  return t;
}();

// The trap: a7 picks the entry, a0..a6 are the arguments, a0 carries the result back.
u64 trap(u64 number, const Regs& regs) {
  if (number > kMaxNumber || kTable.by_number[number] == nullptr) return encode(Status::BadSyscall);
  return kTable.by_number[number](regs);
}

// ---- (b) the user side: typed stubs ----
template <Syscall S, typename Fn>
struct Stub;
template <Syscall S, typename R, typename... A>
struct Stub<S, R(A...)> {
  R operator()(A... args) const {
    Regs regs{};
    u32 i = 0;
    ((regs[i++] = encode(args)), ...);
    u64 a0 = trap(static_cast<u64>(S), regs);
    if constexpr (std::is_void_v<R>) {
      (void)a0;
    } else {
      return decode<R>(a0);
    }
  }
};
namespace user {
#define SYSCALL(number, family, verb, ret, args, doc) \
  inline constexpr Stub<Syscall::family##_##verb, syscall_type::family##_##verb> family##_##verb{};
#include "koios/syscalls.def"
#undef SYSCALL
}  // namespace user

// ---- the list's own invariants, at compile time ----
constexpr bool numbers_unique_and_nonzero() {
  constexpr u32 numbers[] = {
#define SYSCALL(number, family, verb, ret, args, doc) number,
#include "koios/syscalls.def"
#undef SYSCALL
  };
  for (u32 i = 0; i < kSyscallCount; ++i) {
    if (numbers[i] == 0) return false;
    for (u32 j = i + 1; j < kSyscallCount; ++j)
      if (numbers[i] == numbers[j]) return false;
  }
  return true;
}
static_assert(numbers_unique_and_nonzero());
static_assert(kSyscallCount == sizeof(Table::by_number) / sizeof(RawHandler) -
                                   [] {
                                     u32 gaps = 0;
                                     for (RawHandler h : kTable.by_number) gaps += h == nullptr;
                                     return gaps;
                                   }());
static_assert(SyscallTraits<syscall_type::channel_read>::kArity == kMaxSyscallArgs);

std::vector<std::string> all_names() {
  std::vector<std::string> names;
#define SYSCALL(number, family, verb, ret, args, doc) names.push_back(syscall_name(Syscall::family##_##verb));
#include "koios/syscalls.def"
#undef SYSCALL
  return names;
}

}  // namespace

TEST_CASE("every syscall has a distinct name made of its family and verb", "[syscalls]") {
  auto names = all_names();
  CHECK(names.size() == kSyscallCount);
  std::set<std::string> unique(names.begin(), names.end());
  CHECK(unique.size() == names.size());
  CHECK(std::string(syscall_name(Syscall::channel_write)) == "channel_write");
  CHECK(syscall_name(static_cast<Syscall>(9999)) == nullptr);
}

TEST_CASE("the list covers every syscall issue 4 asks for", "[syscalls]") {
  auto names = all_names();
  std::set<std::string> have(names.begin(), names.end());
  for (const char* wanted :
       {"handle_close", "handle_duplicate", "handle_replace", "object_get_info", "object_signal", "object_wait_one",
        "object_wait_many", "object_wait_async", "port_create", "port_queue", "port_wait", "channel_create",
        "channel_write", "channel_read", "channel_call", "socket_create", "socket_write", "socket_read",
        "vmo_create", "vmo_read", "vmo_write", "vmo_get_size", "vmo_set_size", "vmo_create_child", "vmar_map",
        "vmar_unmap", "job_create", "process_create", "process_start", "process_exit", "thread_create",
        "thread_start", "thread_exit", "task_kill", "task_suspend", "task_resume", "thread_read_state",
        "thread_write_state", "futex_wait", "futex_wake", "clock_get", "clock_nanosleep", "timer_create",
        "timer_set", "timer_cancel", "console_read", "console_write", "system_shutdown", "debug_write"}) {
    INFO(wanted);
    CHECK(have.count(wanted) == 1);
  }
}

TEST_CASE("a user stub's arguments reach the handler intact through the registers", "[syscalls]") {
  const char bytes[] = "hello";
  const Handle handles[2] = {0x11, 0x22};
  Status status = user::channel_write(0xABCD, 0, bytes, 5, handles, 2);
  CHECK(status == Status::Ok);
  CHECK(last_call.number == 31);
  REQUIRE(last_call.args.size() == 6);
  CHECK(last_call.args[0] == 0xABCD);
  CHECK(last_call.args[2] == reinterpret_cast<uptr>(bytes));
  CHECK(last_call.args[3] == 5);
  CHECK(last_call.args[4] == reinterpret_cast<uptr>(handles));
  CHECK(last_call.args[5] == 2);

  user::object_signal(7, Signals::User0, Signals::Signaled | Signals::User1);
  CHECK(last_call.number == static_cast<u32>(Syscall::object_signal));
  CHECK(last_call.args[2] == static_cast<u32>(Signals::Signaled | Signals::User1));

  user::process_exit(-3);
  CHECK(last_call.number == static_cast<u32>(Syscall::process_exit));
  CHECK(static_cast<i64>(last_call.args[0]) == -3);

  user::thread_exit();
  CHECK(last_call.args.empty());
}

TEST_CASE("a number no syscall has answers BadSyscall", "[syscalls]") {
  Regs regs{};
  CHECK(decode<Status>(trap(0, regs)) == Status::BadSyscall);
  CHECK(decode<Status>(trap(4, regs)) == Status::BadSyscall);
  CHECK(decode<Status>(trap(kMaxNumber + 1, regs)) == Status::BadSyscall);
  CHECK(decode<Status>(trap(~0ull, regs)) == Status::BadSyscall);
}

TEST_CASE("a negative status survives the trip through a register", "[syscalls]") {
  u64 a0 = encode(Status::AccessDenied);
  CHECK(a0 == static_cast<u64>(-30));
  CHECK(decode<Status>(a0) == Status::AccessDenied);
}

TEST_CASE("rights and signals are bit sets with subset tests", "[abi]") {
  CHECK(contains(kRightsBasic, Rights::Duplicate | Rights::Transfer));
  CHECK_FALSE(contains(kRightsBasic, Rights::Read));
  CHECK(contains(Rights::Read, Rights::None));
  CHECK(contains(kRightsAll, kRightsBasic | kRightsIo | Rights::Enter | Rights::Manage | Rights::Execute));
  CHECK_FALSE(contains(kRightsAll, Rights::SameRights));
  CHECK(std::string(right_name(Rights::Transfer)) == "Transfer");
  CHECK(intersects(kUserSignals, Signals::User3));
  CHECK_FALSE(intersects(kUserSignals, Signals::PeerClosed));
}

TEST_CASE("object types and status codes have stable printable names", "[abi]") {
  CHECK(std::string(object_type_name(ObjectType::EventPair)) == "EventPair");
  CHECK(std::string(object_type_name(ObjectType::Token)) == "Token");
  CHECK(std::string(object_type_name(static_cast<ObjectType>(999))) == "Unknown");
  CHECK(std::string(status_name(Status::PeerClosed)) == "PeerClosed");
}

TEST_CASE("shared message layouts have the sizes servers rely on", "[abi]") {
  struct Request {
    MessageHeader header;
    u32 length;
    char name[64];
  };
  CHECK(sizeof(Request) == 76);
  CHECK(sizeof(MessageHeader) == 8);
}
