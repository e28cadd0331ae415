// tests/user/channel_call_16B.cc: the channel_call_16B benchmark's client: a round trip of 16 bytes
// each way with the process channel_call_16B_server, through channel_call (Linux's reference
// is two pipes between two processes). a0 = its end of the channel.
#include "user_lib.h"

extern "C" int main(koios::Handle channel) {
  constexpr koios::u64 kIterations = 20000;
  struct Message {
    koios::MessageHeader header;
    koios::u64 payload;
  };
  static_assert(sizeof(Message) == 16);
  Message request{{0, 1}, 0}, reply{{0, 0}, 0};
  koios::ChannelCallArgs args{&request, nullptr, &reply, nullptr, sizeof request, 0, sizeof reply, 0};
  koios::MessageSizes sizes{0, 0};
  koios::i64 start = 0, end = 0;
  koios::clock_get(0, &start);
  for (koios::u64 i = 0; i < kIterations; ++i) {
    request.payload = i;
    if (koios::channel_call(channel, 0, koios::kDeadlineInfinite, &args, &sizes) != koios::Status::Ok) return 1;
    if (sizes.bytes != sizeof reply || reply.payload != i + 1) return 2;  // the server adds one
  }
  koios::clock_get(0, &end);
  user::report_bench("channel_call_16B", kIterations, end - start);
  return 0;  // exiting closes the channel, which ends the server
}
