// servers/runtime/stdio.cc: picolibc's stdin, stdout and stderr over fds 0, 1 and 2 of the fd table
// (fd.cc): whatever those fds are (the start-up sockets, the console, a file or a pipe after dup2).
// picolibc's tinystdio calls put() for each character and flush() at fflush; we keep a line, because
// the console (debug_write) shows one line per call and a write per character would be one
// syscall (or server call) per character.
#include <cerrno>
#include <cstdio>

#include "stdio_glue.h"

namespace koios::runtime {

namespace {

// debug_write's limit (kernel/syscalls/debug.cc): one console line.
constexpr usize kLine = 256;

struct Stream {
  FILE file;            // first: picolibc hands put/get/flush this pointer
  int fd;
  usize used;           // output: bytes in buf; input: bytes in buf not yet consumed start at `next`
  usize next;
  char buf[kLine];
};

int put(char c, FILE* f);
int get(FILE* f);
int flush(FILE* f);

Stream g_in{{0, __SRD, nullptr, get, nullptr}, 0, 0, 0, {}};
Stream g_out{{0, __SWR, put, nullptr, flush}, 1, 0, 0, {}};
Stream g_err{{0, __SWR, put, nullptr, flush}, 2, 0, 0, {}};

Stream* stream_of(FILE* f) { return reinterpret_cast<Stream*>(f); }

int flush_stream(Stream* s) {
  if (s->used == 0) return 0;
  long n = fd_write_raw(s->fd, s->buf, s->used);   // errno is set on failure
  s->used = 0;
  return n < 0 ? _FDEV_ERR : 0;
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

int get(FILE* f) {
  Stream* s = stream_of(f);
  if (s->next == s->used) {
    long n = fd_read_raw(s->fd, s->buf, sizeof s->buf);
    if (n <= 0) return n == 0 ? _FDEV_EOF : _FDEV_ERR;
    s->next = 0;
    s->used = usize(n);
  }
  return static_cast<unsigned char>(s->buf[s->next++]);
}

}  // namespace

void stdio_flush_all() {
  (void)flush_stream(&g_out);
  (void)flush_stream(&g_err);
}

usize stdin_take_buffered(void* buffer, usize size) {
  usize n = g_in.used - g_in.next < size ? g_in.used - g_in.next : size;
  for (usize i = 0; i < n; ++i) static_cast<char*>(buffer)[i] = g_in.buf[g_in.next + i];
  g_in.next += n;
  return n;
}

}  // namespace koios::runtime

// picolibc's names for the three streams (PICOLIBC_STDIO_GLOBALS; <stdio.h> declares them extern).
FILE* const stdin = &koios::runtime::g_in.file;
FILE* const stdout = &koios::runtime::g_out.file;
FILE* const stderr = &koios::runtime::g_err.file;
