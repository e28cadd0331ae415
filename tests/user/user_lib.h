// tests/user/user_lib.h: the little the user test programs need before picolibc (issue 6).
#pragma once

#include "koios/object_info.h"
#include "koios/task.h"
#include "syscalls.h"

namespace user {

inline koios::usize length(const char* s) {
  koios::usize n = 0;
  while (s[n] != 0) ++n;
  return n;
}

inline void say(const char* s) { koios::debug_write(s, length(s)); }

// "text 123" into buf; returns buf.
inline char* with_number(char* buf, const char* text, koios::i64 value) {
  koios::usize n = 0;
  for (; text[n] != 0; ++n) buf[n] = text[n];
  if (value < 0) buf[n++] = '-', value = -value;
  char digits[24];
  int d = 0;
  do digits[d++] = char('0' + value % 10), value /= 10; while (value != 0);
  while (d > 0) buf[n++] = digits[--d];
  buf[n] = 0;
  return buf;
}

// Prints "BENCH name iterations ns_per_op" (one decimal), the line scripts/bench collects.
inline void report_bench(const char* name, koios::u64 iterations, koios::i64 total_ns) {
  char line[96], number[32];
  koios::usize n = 0;
  for (const char* p = "BENCH "; *p; ++p) line[n++] = *p;
  for (const char* p = name; *p; ++p) line[n++] = *p;
  line[n++] = ' ';
  for (const char* p = with_number(number, "", koios::i64(iterations)); *p; ++p) line[n++] = *p;
  line[n++] = ' ';
  koios::i64 tenths = total_ns * 10 / koios::i64(iterations);
  for (const char* p = with_number(number, "", tenths / 10); *p; ++p) line[n++] = *p;
  line[n++] = '.';
  line[n++] = char('0' + tenths % 10);
  koios::debug_write(line, n);
}

// ---- for the programs that run threads of their own (tasks, channel_read_wait) ----

// A thread's last call: thread_exit does not return.
[[noreturn]] inline void finish_thread() {
  koios::thread_exit();
  for (;;) {
  }
}

inline void sleep_ms(int ms) {
  koios::i64 now = 0;
  koios::clock_get(0, &now);
  koios::clock_nanosleep(now + ms * 1'000'000ll);
}

// Until the object asserts one of `signals`; the 20 s deadline only catches a hang (loaded hosts
// are slow).
inline koios::Status wait_for(koios::Handle h, koios::Signals signals, koios::Signals* seen = nullptr) {
  koios::i64 now = 0;
  koios::clock_get(0, &now);
  return koios::object_wait_one(h, signals, now + 20'000'000'000, seen);
}

// Until the thread sleeps in a wait (object_get_info Thread: Blocked): a test that must catch it
// blocked cannot rely on a delay on a loaded host. False after 20 s.
inline bool wait_until_blocked(koios::Handle thread) {
  for (int i = 0; i < 20000; ++i) {
    koios::InfoThread info{};
    if (koios::object_get_info(thread, static_cast<koios::u32>(koios::InfoTopic::Thread), &info, sizeof info, nullptr,
                               nullptr) == koios::Status::Ok &&
        info.state == koios::ThreadState::Blocked)
      return true;
    sleep_ms(1);
  }
  return false;
}

}  // namespace user
