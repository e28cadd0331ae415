// tests/user/socket_pingpong_16B.cc: the socket_pingpong_16B benchmark's client: 16 bytes each way
// with socket_pingpong_16B_server over a socket pair (Linux's reference: two pipes). a0 = its end.
#include "user_lib.h"

namespace {
bool transfer(koios::Handle s, void* buf, koios::u64 size, bool write) {
  koios::u64 done = 0;
  auto* bytes = static_cast<char*>(buf);
  while (done < size) {
    koios::u64 n = 0;
    koios::Status st = write ? koios::socket_write(s, 0, bytes + done, size - done, &n)
                             : koios::socket_read(s, 0, bytes + done, size - done, &n);
    if (st == koios::Status::ShouldWait) {
      koios::Signals want = write ? koios::Signals::Writable : koios::Signals::Readable;
      if (koios::object_wait_one(s, want | koios::Signals::PeerClosed, koios::kDeadlineInfinite, nullptr) !=
          koios::Status::Ok)
        return false;
      continue;
    }
    if (st != koios::Status::Ok) return false;
    done += n;
  }
  return true;
}
}  // namespace

extern "C" int main(koios::Handle socket) {
  constexpr koios::u64 kIterations = 20000;
  koios::u64 message[2] = {0, 0};
  koios::i64 start = 0, end = 0;
  koios::clock_get(0, &start);
  for (koios::u64 i = 0; i < kIterations; ++i) {
    message[0] = i;
    if (!transfer(socket, message, sizeof message, true)) return 1;
    if (!transfer(socket, message, sizeof message, false)) return 2;
    if (message[0] != i + 1) return 3;
  }
  koios::clock_get(0, &end);
  user::report_bench("socket_pingpong_16B", kIterations, end - start);
  return 0;
}
