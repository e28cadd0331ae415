// tests/user/ipc_parts.cc: the pieces of an IPC round trip, each timed alone (bench=ipc_parts):
// a handle lookup (object_signal on an event), a channel write and read with no other process,
// a wait that is already satisfied, and socket write and read. Figures for finding where
// channel_call_16B and socket_pingpong_16B spend their time; not paired with Linux.
#include "user_lib.h"

namespace {
template <typename F>
void time(const char* name, koios::u64 iterations, F body) {
  koios::i64 start = 0, end = 0;
  koios::clock_get(0, &start);
  for (koios::u64 i = 0; i < iterations; ++i) body();
  koios::clock_get(0, &end);
  user::report_bench(name, iterations, end - start);
}
}  // namespace

extern "C" int main() {
  constexpr koios::u64 kN = 20000;
  koios::Handle event = 0, a = 0, b = 0, s0 = 0, s1 = 0;
  if (koios::event_create(0, &event) != koios::Status::Ok) return 1;
  if (koios::channel_create(0, &a, &b) != koios::Status::Ok) return 2;
  if (koios::socket_create(0, &s0, &s1) != koios::Status::Ok) return 3;
  koios::u64 msg[2] = {1, 2};
  koios::MessageSizes sizes{0, 0};
  koios::u64 moved = 0;
  time("ipc_part_object_signal", kN, [&] { koios::object_signal(event, koios::Signals::None, koios::Signals::User0); });
  time("ipc_part_channel_write_read_16B", kN, [&] {
    koios::channel_write(a, 0, msg, 16, nullptr, 0);
    koios::channel_read(b, 0, msg, nullptr, 16, 0, &sizes);
  });
  koios::object_signal(event, koios::Signals::None, koios::Signals::Signaled);
  time("ipc_part_wait_one_satisfied", kN,
       [&] { koios::object_wait_one(event, koios::Signals::Signaled, koios::kDeadlineInfinite, nullptr); });
  time("ipc_part_socket_write_read_16B", kN, [&] {
    koios::socket_write(s0, 0, msg, 16, &moved);
    koios::socket_read(s1, 0, msg, 16, &moved);
  });
  return 0;
}
