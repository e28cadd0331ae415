// servers/runtime/posix.cc: the POSIX calls picolibc itself makes that are not about fds (those are
// fd.cc's) nor about processes and signals (process.cc, signal.cc).
#include <cerrno>
#include <csignal>
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

// getpid, kill and the other process and signal calls: process.cc and signal.cc (over pidsrv).

}  // extern "C"
