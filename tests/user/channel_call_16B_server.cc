// tests/user/channel_call_16B_server.cc: answers every 16-byte request with the payload plus one
// and the request's txid, until the client's end goes. a0 = its end of the channel. It waits and
// reads in one call (kChannelReadWait), as Linux's side of the pair blocks in read().
#include "user_lib.h"

extern "C" int main(koios::Handle channel) {
  struct Message {
    koios::MessageHeader header;
    koios::u64 payload;
  } message;
  for (;;) {
    koios::MessageSizes sizes{0, 0};
    koios::Status s = koios::channel_read(channel, koios::kChannelReadWait, &message, nullptr, sizeof message, 0, &sizes);
    if (s == koios::Status::PeerClosed) return 0;
    if (s != koios::Status::Ok || sizes.bytes != sizeof message) return 2;
    message.payload += 1;
    if (koios::channel_write(channel, 0, &message, sizeof message, nullptr, 0) != koios::Status::Ok) return 3;
  }
}
