// servers/runtime/posix.cc: the POSIX calls picolibc itself makes that are not about fds (those are
// fd.cc's). FIXME(#6): getpid from pidsrv and kill as signals replace these.
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

pid_t getpid() { return 1; }  // until pidsrv gives processes pids

int kill(pid_t, int) {
  errno = ENOSYS;
  return -1;
}

}  // extern "C"
