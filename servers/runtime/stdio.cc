// servers/runtime/stdio.cc: picolibc's stdin, stdout and stderr. picolibc's tinystdio calls put()
// for each character and flush() at fflush; we keep a line, because debug_write shows one line
// per call and a socket write per character would be one syscall per character.
#include <cerrno>
#include <cstdio>

#include "koios/signals.h"
#include "runtime.h"
#include "signal_glue.h"
#include "stdio_glue.h"
#include "syscalls.h"

namespace koios::runtime {

namespace {

// debug_write's limit (kernel/syscalls/debug.cc): one console line.
constexpr usize kLine = 256;

struct Stream {
  FILE file;            // first: picolibc hands put/get/flush this pointer
  Handle socket;        // kInvalidHandle: debug_write (output) or end of file (input)
  usize used;           // output: bytes in buf; input: bytes in buf not yet consumed start at `next`
  usize next;
  char buf[kLine];
};

int put(char c, FILE* f);
int get(FILE* f);
int flush(FILE* f);

Stream g_in{{0, __SRD, nullptr, get, nullptr}, kInvalidHandle, 0, 0, {}};
Stream g_out{{0, __SWR, put, nullptr, flush}, kInvalidHandle, 0, 0, {}};
Stream g_err{{0, __SWR, put, nullptr, flush}, kInvalidHandle, 0, 0, {}};

Stream* stream_of(FILE* f) { return reinterpret_cast<Stream*>(f); }

// Blocks until the socket has what `signal` names (or is closed for good).
Status wait_for(Handle socket, Signals signal) {
  Signals observed = Signals::None;
  return object_wait_one(socket, signal | Signals::PeerClosed, kDeadlineInfinite, &observed);
}

// All of it, through short writes; PeerClosed and other failures as a status.
Status write_all(Handle socket, const char* data, usize size) {
  if (socket == kInvalidHandle) {
    // An empty line is still a line; debug_write adds the newline if the text lacks one.
    while (size > 0) {
      usize chunk = size < kLine ? size : kLine;
      TRY(debug_write(data, chunk));
      data += chunk;
      size -= chunk;
    }
    return Status::Ok;
  }
  while (size > 0) {
    u64 written = 0;
    Status s = socket_write(socket, 0, data, size, &written);
    if (s == Status::ShouldWait) {
      TRY(wait_for(socket, Signals::Writable));
      continue;
    }
    if (s != Status::Ok) return s;
    data += written;
    size -= written;
  }
  return Status::Ok;
}

int errno_of(Status s) { return s == Status::PeerClosed ? EPIPE : EIO; }

int flush_stream(Stream* s) {
  if (s->used == 0) return 0;
  Status status = write_all(s->socket, s->buf, s->used);
  s->used = 0;
  if (status != Status::Ok) {
    errno = errno_of(status);
    return _FDEV_ERR;
  }
  return 0;
}

int put(char c, FILE* f) {
  Stream* s = stream_of(f);
  s->buf[s->used++] = c;
  if (c == '\n' || s->used == kLine) {
    if (flush_stream(s) != 0) return _FDEV_ERR;
  }
  return static_cast<unsigned char>(c);
}

int flush(FILE* f) { return flush_stream(stream_of(f)); }

// Fills the input buffer from the socket: the count, 0 at end of file, -1 with errno.
long fill(Stream* s, void* into, usize size) {
  if (s->socket == kInvalidHandle) return 0;
  for (;;) {
    u64 got = 0;
    Status status = socket_read(s->socket, 0, into, size, &got);
    if (status == Status::Ok) return long(got);
    if (status == Status::PeerClosed) return 0;
    if (status == Status::ShouldWait) {
      u64 serial = handler_serial();
      status = wait_for(s->socket, Signals::Readable);
      // A stop, or a handler with SA_RESTART: read again (signal_glue.h).
      if (status == Status::Interrupted && retry_after_interrupt(serial)) continue;
    }
    if (status != Status::Ok) {
      errno = status == Status::Interrupted ? EINTR : EIO;
      return -1;
    }
  }
}

int get(FILE* f) {
  Stream* s = stream_of(f);
  if (s->next == s->used) {
    long n = fill(s, s->buf, sizeof s->buf);
    if (n <= 0) return n == 0 ? _FDEV_EOF : _FDEV_ERR;
    s->next = 0;
    s->used = usize(n);
  }
  return static_cast<unsigned char>(s->buf[s->next++]);
}

Stream* stream_for_fd(int fd) {
  switch (fd) {
    case 0: return &g_in;
    case 1: return &g_out;
    case 2: return &g_err;
    default: return nullptr;
  }
}

}  // namespace

void stdio_init() {
  g_in.socket = startup_handle(StartupHandleKind::Fd, 0);
  g_out.socket = startup_handle(StartupHandleKind::Fd, 1);
  g_err.socket = startup_handle(StartupHandleKind::Fd, 2);
}

Handle stdio_socket(int fd) {
  Stream* s = stream_for_fd(fd);
  return s ? s->socket : kInvalidHandle;
}

void stdio_flush_all() {
  (void)flush_stream(&g_out);
  (void)flush_stream(&g_err);
}

long stdio_write(int fd, const void* buffer, usize size) {
  Stream* s = stream_for_fd(fd);
  if (s == nullptr || fd == 0) {
    errno = EBADF;
    return -1;
  }
  if (flush_stream(s) != 0) return -1;   // keep the order of printf's and write's bytes
  Status status = write_all(s->socket, static_cast<const char*>(buffer), size);
  if (status != Status::Ok) {
    errno = errno_of(status);
    return -1;
  }
  return long(size);
}

long stdio_read(int fd, void* buffer, usize size) {
  if (fd != 0) {
    errno = EBADF;
    return -1;
  }
  // What getc buffered comes first.
  if (g_in.next < g_in.used) {
    usize n = g_in.used - g_in.next < size ? g_in.used - g_in.next : size;
    for (usize i = 0; i < n; ++i) static_cast<char*>(buffer)[i] = g_in.buf[g_in.next + i];
    g_in.next += n;
    return long(n);
  }
  return fill(&g_in, buffer, size);
}

}  // namespace koios::runtime

// picolibc's names for the three streams (PICOLIBC_STDIO_GLOBALS; <stdio.h> declares them extern).
FILE* const stdin = &koios::runtime::g_in.file;
FILE* const stdout = &koios::runtime::g_out.file;
FILE* const stderr = &koios::runtime::g_err.file;
