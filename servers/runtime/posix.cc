// servers/runtime/posix.cc: the POSIX calls picolibc itself makes, minimal until the fd layer.
// FIXME(#6): file descriptors beyond stdio (open/close/lseek/fstat over mountsrv, pipes, dup2),
// replace these; the errno values are what they answer.
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdio_glue.h"
#include "syscalls.h"

extern "C" {

// exit() has run atexit handlers and destructors; what stdio holds goes out, then the process ends.
void _exit(int status) {
  koios::runtime::stdio_flush_all();
  koios::process_exit(status);
  __builtin_unreachable();  // process_exit does not return
}

ssize_t write(int fd, const void* buffer, size_t size) { return koios::runtime::stdio_write(fd, buffer, size); }
ssize_t read(int fd, void* buffer, size_t size) { return koios::runtime::stdio_read(fd, buffer, size); }

int open(const char*, int, ...) {
  errno = ENOENT;  // there is no file system yet
  return -1;
}

int close(int fd) {
  if (fd >= 0 && fd <= 2) return 0;  // stdio stays open: its handles belong to the stdio streams
  errno = EBADF;
  return -1;
}

off_t lseek(int fd, off_t, int) {
  errno = fd >= 0 && fd <= 2 ? ESPIPE : EBADF;  // stdio is sockets, which do not seek
  return -1;
}

int fstat(int fd, struct stat* st) {
  if (fd < 0 || fd > 2) {
    errno = EBADF;
    return -1;
  }
  *st = {};
  st->st_mode = S_IFIFO;  // a socket behaves as a pipe
  return 0;
}

int isatty(int) {
  errno = ENOTTY;
  return 0;
}

// getpid, kill and the other process and signal calls: process.cc and signal.cc (over pidsrv).

}  // extern "C"
