// tests/user/syscall_fuzz.cc: a bounded random-syscall fuzzer generated from the one syscall list.
// Every syscall of kernel/abi/koios/syscalls.def is called with arguments drawn by their declared
// types: handles from a pool of live, closed, forged and wrong-type handles; pointers from good,
// kernel, unmapped, misaligned and read-only addresses; sizes around the limits; deadlines never
// infinite and channel_read never with kChannelReadWait (a wait must end). a0 = the iteration
// count; the seed is fixed, so a run repeats.
// Exits 0 when every call came back with a status (the kernel's self-test then checks that it
// survived and leaked no object); a call that returns something not in status.def exits 1.
#include <type_traits>

#include "user_lib.h"

namespace {

koios::u64 g_state = 0x9e3779b97f4a7c15ull;
koios::u64 next_random() {  // xorshift64*
  g_state ^= g_state >> 12;
  g_state ^= g_state << 25;
  g_state ^= g_state >> 27;
  return g_state * 2685821657736338717ull;
}

alignas(16) koios::u8 g_buffer[8192];
koios::Handle g_handles[16];
koios::u32 g_handle_count = 0;
int g_bad_status = 0;

bool known_status(koios::Status s) {
  switch (s) {
#define STATUS(name, value, doc) \
  case koios::Status::name:      \
    return true;
#include "koios/status.def"
#undef STATUS
  }
  return false;
}

koios::Handle any_handle() {
  switch (next_random() % 6) {
    case 0: return 0;
    case 1: return koios::Handle(next_random());               // forged
    default: return g_handles[next_random() % g_handle_count];  // live, or closed by an earlier call
  }
}

koios::u64 any_pointer() {
  switch (next_random() % 8) {
    case 0: return 0;
    case 1: return 0x80200000;                                       // the kernel
    case 2: return 0xffffffc000000000ull;                            // kernel stacks
    case 3: return 0x2000000000ull;                                  // unmapped user
    case 4: return reinterpret_cast<koios::u64>(&known_status);      // read-only code
    case 5: return reinterpret_cast<koios::u64>(g_buffer) + 1 + next_random() % 64;  // misaligned
    case 6: return reinterpret_cast<koios::u64>(g_buffer) + sizeof g_buffer - 4;     // runs off the end
    default: return reinterpret_cast<koios::u64>(g_buffer) + (next_random() % 64) * 8;
  }
}

koios::u64 any_number() {
  switch (next_random() % 6) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~0ull;
    case 3: return 16;
    case 4: return koios::kMaxMessageBytes + 1;
    default: return next_random() % 256;
  }
}

template <typename T>
T draw() {
  if constexpr (std::is_same_v<T, koios::Handle>) {
    return any_handle();
  } else if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<T>(any_pointer());
  } else if constexpr (std::is_same_v<T, koios::i64>) {
    koios::i64 now = 0;  // deadlines: now, or 20 us ahead (long enough to block); never infinite
    koios::clock_get(0, &now);
    return next_random() % 2 ? 0 : now + 20'000;
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(any_number()));
  } else {
    return static_cast<T>(any_number());
  }
}

template <typename Stub, typename R, typename... A>
void call_with_random(const Stub& stub, R (*)(A...)) {
  if constexpr (std::is_void_v<R>) {
    return;  // process_exit / thread_exit would end the fuzzer
  } else {
    koios::Status s = stub(draw<A>()...);
    if (!known_status(s)) g_bad_status = 1;
  }
}

// The stubs the fuzzer calls: koios's, except where a drawn argument could block for good.
namespace stubs {
using namespace koios;
// kChannelReadWait has no deadline (on a channel whose queue stays empty it waits for ever), so
// the fuzzer drops that option bit and keeps the rest.
inline Status channel_read(Handle handle, u32 options, void* bytes, Handle* handles, u32 num_bytes, u32 num_handles,
                           MessageSizes* actual) {
  return koios::channel_read(handle, options & ~kChannelReadWait, bytes, handles, num_bytes, num_handles, actual);
}
}  // namespace stubs

using CallFn = void (*)();
#define SYSCALL(number, family, verb, ret, args, doc) \
  void call_##family##_##verb() { call_with_random(stubs::family##_##verb, static_cast<koios::syscall_type::family##_##verb*>(nullptr)); }
#include "koios/syscalls.def"
#undef SYSCALL

constexpr CallFn kCalls[] = {
#define SYSCALL(number, family, verb, ret, args, doc) call_##family##_##verb,
#include "koios/syscalls.def"
#undef SYSCALL
};

void refill_handles() {
  g_handle_count = 0;
  koios::Handle a = 0, b = 0;
  if (koios::event_create(0, &a) == koios::Status::Ok) g_handles[g_handle_count++] = a;
  if (koios::channel_create(0, &a, &b) == koios::Status::Ok) g_handles[g_handle_count++] = a, g_handles[g_handle_count++] = b;
  if (koios::socket_create(0, &a, &b) == koios::Status::Ok) g_handles[g_handle_count++] = a, g_handles[g_handle_count++] = b;
  if (koios::eventpair_create(0, &a, &b) == koios::Status::Ok) g_handles[g_handle_count++] = a, g_handles[g_handle_count++] = b;
  if (koios::port_create(0, &a) == koios::Status::Ok) g_handles[g_handle_count++] = a;
  if (koios::timer_create(0, &a) == koios::Status::Ok) g_handles[g_handle_count++] = a;
  if (g_handle_count == 0) g_handles[g_handle_count++] = 0;
}

}  // namespace

extern "C" int main(koios::u64 iterations) {
  if (iterations == 0) iterations = 20000;
  for (koios::u64 i = 0; i < iterations; ++i) {
    if (i % 256 == 0) refill_handles();  // keep live handles around; old ones stay for exit to close
    // Raw numbers outside the list must answer BadSyscall.
    if (i % 97 == 0) {
      koios::u64 result = koios::internal::raw_syscall(200 + next_random() % 4000, 0, 0, 0, 0, 0, 0, 0);
      if (static_cast<koios::Status>(static_cast<koios::i32>(result)) != koios::Status::BadSyscall) return 2;
    }
    kCalls[next_random() % (sizeof kCalls / sizeof kCalls[0])]();
    if (g_bad_status) return 1;
  }
  user::say("syscall_fuzz: every call answered a status");
  return 0;
}
