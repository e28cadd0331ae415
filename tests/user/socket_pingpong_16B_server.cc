// tests/user/socket_pingpong_16B_server.cc: reads 16 bytes, adds one to the first word, writes
// them back; until the client's end goes. a0 = its end of the socket pair.
#include "user_lib.h"

extern "C" int main(koios::Handle socket) {
  koios::u64 message[2];
  for (;;) {
    for (koios::u64 done = 0; done < sizeof message;) {
      koios::u64 n = 0;
      koios::Status s = koios::socket_read(socket, 0, reinterpret_cast<char*>(message) + done, sizeof message - done, &n);
      if (s == koios::Status::PeerClosed) return 0;
      if (s == koios::Status::ShouldWait) {
        koios::object_wait_one(socket, koios::Signals::Readable | koios::Signals::PeerClosed, koios::kDeadlineInfinite,
                               nullptr);
        continue;
      }
      if (s != koios::Status::Ok) return 1;
      done += n;
    }
    message[0] += 1;
    koios::u64 n = 0;
    if (koios::socket_write(socket, 0, message, sizeof message, &n) != koios::Status::Ok || n != sizeof message)
      return 2;  // 16 bytes always fit: the client waits for each reply
  }
}
