// tests/user/channel_read_wait.cc: channel_read with kChannelReadWait from user space: it answers
// at once when it can (a message queued, the peer gone, a bad argument), blocks otherwise until a
// message arrives (from another thread), the peer goes, or the thread is suspended (Interrupted).
// Started by the kernel with a1 = a handle to this process. Each failed check returns its own
// exit code.
#include "user_lib.h"

using koios::Handle;
using koios::MessageSizes;
using koios::Signals;
using koios::Status;
using koios::u64;

namespace {

using user::finish_thread;
using user::sleep_ms;
using user::wait_for;
using user::wait_until_blocked;

#define EXPECT(n, cond)    \
  do {                     \
    if (!(cond)) return n; \
  } while (0)

constexpr koios::u32 kWait = koios::kChannelReadWait;
constexpr int kStackBytes = 16 * 1024;
alignas(16) char g_stacks[3][kStackBytes];
u64 stack_top(int i) { return reinterpret_cast<u64>(&g_stacks[i][kStackBytes]); }
u64 entry_of(void (*fn)(u64)) { return reinterpret_cast<u64>(fn); }

volatile long g_status = 1;       // what the helper thread's read answered
volatile u64 g_payload = 0;

// Writes one 8-byte message to `channel` a little later, so the main thread is blocked by then.
void late_writer(u64 channel) {
  sleep_ms(3);
  u64 word = 0x5eed;
  koios::channel_write(Handle(channel), 0, &word, sizeof word, nullptr, 0);
  finish_thread();
}

// Closes `channel` a little later.
void late_closer(u64 channel) {
  sleep_ms(3);
  koios::handle_close(Handle(channel));
  finish_thread();
}

// Blocks in a waiting read that only an interruption ends.
void blocked_reader(u64 channel) {
  u64 word = 0;
  g_status = static_cast<long>(koios::channel_read(Handle(channel), kWait, &word, nullptr, sizeof word, 0, nullptr));
  finish_thread();
}

Status start(Handle self, void (*fn)(u64), int stack, u64 arg, Handle* thread) {
  Status s = koios::thread_create(self, "helper", 6, 0, thread);
  if (s != Status::Ok) return s;
  return koios::thread_start(*thread, entry_of(fn), stack_top(stack), arg, 0);
}

int run(Handle self) {
  Handle a = 0, b = 0, t = 0;
  u64 word = 0;
  MessageSizes sizes{0, 0};
  EXPECT(10, koios::channel_create(0, &a, &b) == Status::Ok);

  // Answered at once: unknown options, a bad handle, a bad buffer (before any wait), a message
  // already queued.
  EXPECT(11, koios::channel_read(b, 2, &word, nullptr, sizeof word, 0, nullptr) == Status::InvalidArgs);
  EXPECT(12, koios::channel_read(b, kWait | 2, &word, nullptr, sizeof word, 0, nullptr) == Status::InvalidArgs);
  EXPECT(13, koios::channel_read(0x7777, kWait, &word, nullptr, sizeof word, 0, nullptr) == Status::BadHandle);
  EXPECT(14, koios::channel_read(b, kWait, reinterpret_cast<void*>(0x80200000), nullptr, 8, 0, nullptr) ==
                 Status::InvalidArgs);
  EXPECT(15, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, reinterpret_cast<MessageSizes*>(0x80200000)) ==
                 Status::InvalidArgs);
  word = 41;
  EXPECT(16, koios::channel_write(a, 0, &word, sizeof word, nullptr, 0) == Status::Ok);
  word = 0;
  EXPECT(17, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, &sizes) == Status::Ok);
  EXPECT(18, word == 41 && sizes.bytes == sizeof word && sizes.handles == 0);
  // Without the option an empty queue still answers ShouldWait.
  EXPECT(19, koios::channel_read(b, 0, &word, nullptr, sizeof word, 0, nullptr) == Status::ShouldWait);

  // Blocks until another thread writes; a message too big for the buffer is reported and stays.
  EXPECT(20, start(self, late_writer, 0, a, &t) == Status::Ok);
  char small[4];
  sizes = MessageSizes{0, 0};
  EXPECT(21, koios::channel_read(b, kWait, small, nullptr, sizeof small, 0, &sizes) == Status::BufferTooSmall);
  EXPECT(22, sizes.bytes == 8 && sizes.handles == 0);
  EXPECT(23, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, &sizes) == Status::Ok && word == 0x5eed);
  EXPECT(24, wait_for(t, Signals::Terminated) == Status::Ok);
  koios::handle_close(t);

  // Blocks until the peer goes: PeerClosed.
  EXPECT(30, start(self, late_closer, 1, a, &t) == Status::Ok);
  EXPECT(31, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, nullptr) == Status::PeerClosed);
  EXPECT(32, wait_for(t, Signals::Terminated) == Status::Ok);
  koios::handle_close(t);
  // Alone and empty: PeerClosed at once.
  EXPECT(33, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, nullptr) == Status::PeerClosed);
  koios::handle_close(b);

  // A reader blocked in the wait, suspended and resumed, sees Interrupted; the message written
  // meanwhile stays queued for the next read.
  EXPECT(40, koios::channel_create(0, &a, &b) == Status::Ok);
  EXPECT(41, start(self, blocked_reader, 2, b, &t) == Status::Ok);
  EXPECT(39, wait_until_blocked(t));
  EXPECT(42, g_status == 1);
  EXPECT(43, koios::task_suspend(t) == Status::Ok);
  EXPECT(44, wait_for(t, Signals::Suspended) == Status::Ok);
  word = 7;
  EXPECT(45, koios::channel_write(a, 0, &word, sizeof word, nullptr, 0) == Status::Ok);
  EXPECT(46, koios::task_resume(t) == Status::Ok);
  EXPECT(47, wait_for(t, Signals::Terminated) == Status::Ok);
  EXPECT(48, g_status == static_cast<long>(Status::Interrupted));
  koios::handle_close(t);
  word = 0;
  EXPECT(49, koios::channel_read(b, kWait, &word, nullptr, sizeof word, 0, nullptr) == Status::Ok && word == 7);
  koios::handle_close(a);
  koios::handle_close(b);
  return 0;
}

}  // namespace

extern "C" int main(u64, u64 self, u64) { return run(Handle(self)); }
