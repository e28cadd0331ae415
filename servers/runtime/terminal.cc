// servers/runtime/terminal.cc: see terminal.h.
#include "terminal.h"

#include <cerrno>
#include <csignal>

#include "koios/resource.h"
#include "koios/signals.h"
#include "mutex.h"
#include "signal_glue.h"

namespace koios::runtime {

namespace {

constexpr usize kLineMax = 1024;   // Linux's N_TTY keeps 4,096; a console line is shorter here

// The line being typed, and the rest of a finished line the caller's buffer could not take: one
// line discipline per process, so threads reading the terminal take turns, as on Linux (n_tty's
// read lock), held while one waits for its line.
Mutex g_lock;
char g_line[kLineMax];
usize g_length = 0;
usize g_ready = 0;     // g_line[0..g_ready) is finished and not yet handed over
usize g_offset = 0;    // handed over so far
bool g_after_cr = false;   // a terminal ends a line with \r, a pipe with \n: \r\n is one end

i64 now_ns() {
  i64 now = 0;
  (void)clock_get(0, &now);
  return now;
}

void echo(Handle console, const char* s, usize n) { (void)console_write(console, s, n); }

// One byte of input, waiting for it. Status::Interrupted when a signal handler ran meanwhile.
Status next_byte(Handle console, char* c) {
  for (;;) {
    u64 got = 0;
    Status s = console_read(console, c, 1, &got);
    if (s == Status::Ok && got == 1) return Status::Ok;
    if (s != Status::Ok && s != Status::ShouldWait) return s;
    // A deadline, not an infinite wait: under QEMU's icount, input arrives only with a timer armed.
    u64 serial = handler_serial();
    Signals seen = Signals::None;
    s = object_wait_one(console, Signals::Readable, now_ns() + 100'000'000, &seen);
    if (s == Status::Interrupted && !retry_after_interrupt(serial)) return s;
    if (s != Status::Ok && s != Status::TimedOut && s != Status::Interrupted) return s;
  }
}

long hand_over(void* buffer, usize size) {
  usize n = g_ready - g_offset < size ? g_ready - g_offset : size;
  char* out = static_cast<char*>(buffer);
  for (usize i = 0; i < n; ++i) out[i] = g_line[g_offset + i];
  g_offset += n;
  if (g_offset == g_ready) g_ready = g_offset = g_length = 0;
  return long(n);
}

// terminal_read under g_lock; *interrupt: a ^C was read, for the caller to raise SIGINT once the
// lock is released (a handler may read the terminal again).
long read_locked(Handle console, void* buffer, usize size, bool* interrupt) {
  if (g_ready != 0) return hand_over(buffer, size);
  for (;;) {
    char c = 0;
    Status s = next_byte(console, &c);
    if (s == Status::Interrupted) {
      errno = EINTR;
      return -1;
    }
    if (s != Status::Ok) {
      errno = EIO;
      return -1;
    }
    bool skip = g_after_cr && c == '\n';
    g_after_cr = c == '\r';
    if (skip) continue;
    switch (c) {
      case 0x03:   // ^C: SIGINT to ourselves, the line typed so far dropped (as ISIG flushes)
        echo(console, "^C\n", 3);
        g_length = 0;
        *interrupt = true;
        return -1;
      case 0x04:   // ^D
        if (g_length == 0) return 0;
        g_ready = g_length;
        return hand_over(buffer, size);
      case 0x7f:
      case 0x08:
        if (g_length > 0) {
          --g_length;
          echo(console, "\b \b", 3);
        }
        continue;
      case 0x15:   // ^U
        for (; g_length > 0; --g_length) echo(console, "\b \b", 3);
        continue;
      case '\r':
      case '\n':
        g_line[g_length++] = '\n';
        echo(console, "\n", 1);
        g_ready = g_length;
        return hand_over(buffer, size);
      default:
        if (g_length + 1 >= kLineMax) continue;   // full: what a terminal does, drop the byte
        g_line[g_length++] = c;
        echo(console, &c, 1);
    }
  }
}

}  // namespace

long terminal_read(Handle console, void* buffer, usize size) {
  if (size == 0) return 0;
  bool interrupt = false;
  long n;
  {
    MutexLock hold(g_lock);
    n = read_locked(console, buffer, size, &interrupt);
  }
  if (interrupt) {
    (void)raise(SIGINT);
    errno = EINTR;
  }
  return n;
}

long terminal_write(Handle console, const char* data, usize size) {
  for (usize done = 0; done < size;) {
    usize n = size - done < kConsoleWriteMax ? size - done : kConsoleWriteMax;
    if (console_write(console, data + done, n) != Status::Ok) {
      errno = EIO;
      return -1;
    }
    done += n;
  }
  return long(size);
}

}  // namespace koios::runtime
