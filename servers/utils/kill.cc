// servers/utils/kill.cc: kill [-s SIG | -SIG | -N] PID...; kill -l [SIG|STATUS...]. procps's kill:
// signal names with or without SIG, in any case, or numbers; `kill -l 137` names the signal of an
// exit status above 128 as bash does. A failed pid prints `kill: (PID) - No such process` and the
// status is 1; the other pids are still signalled.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "linux_signal.h"
#include "servers/utils/procfmt.h"

namespace {

// Linux's messages (picolibc's strerror words some differently).
const char* error_text(int e) {
  switch (e) {
    case ESRCH: return "No such process";
    case EPERM: return "Operation not permitted";
    case EINVAL: return "Invalid argument";
    default: return std::strerror(e);
  }
}

int list(int argc, char** argv, int first) {
  if (first >= argc) {
    char buf[512];
    utils::format_signal_list(buf, sizeof buf);
    std::fputs(buf, stdout);
    return 0;
  }
  int status = 0;
  for (int i = first; i < argc; ++i) {
    const char* a = argv[i];
    if (*a >= '0' && *a <= '9') {
      int n = std::atoi(a);
      if (n > 128) n -= 128;   // an exit status: the signal that ended the process
      if (const char* name = utils::signal_name(n)) {
        std::printf("%s\n", name);
        continue;
      }
    } else if (int sig = utils::signal_number(a); sig > 0) {
      std::printf("%d\n", sig);
      continue;
    }
    std::fprintf(stderr, "kill: unknown signal name %s\n", a);
    status = 1;
  }
  return status;
}

bool parse_pid(const char* s, int* out) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0 || v < -2147483647L || v > 2147483647L) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int sig = SIGTERM;
  int i = 1;
  for (; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strcmp(a, "--") == 0) {
      ++i;
      break;
    }
    if (std::strcmp(a, "-l") == 0 || std::strcmp(a, "--list") == 0) return list(argc, argv, i + 1);
    if (std::strcmp(a, "-s") == 0 || std::strcmp(a, "--signal") == 0) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kill: option requires an argument -- 's'\n");
        return 1;
      }
      sig = utils::signal_number(argv[++i]);
      if (sig < 0) {
        std::fprintf(stderr, "kill: unknown signal name %s\n", argv[i]);
        return 1;
      }
      continue;
    }
    if (a[0] == '-' && a[1] != '\0') {
      // -9, -KILL, -SIGKILL; a negative pid after them needs "--", as with procps.
      sig = utils::signal_number(a + 1);
      if (sig < 0) {
        std::fprintf(stderr, "kill: unknown signal name %s\n", a + 1);
        return 1;
      }
      continue;
    }
    break;
  }
  if (i >= argc) {
    std::fprintf(stderr, "kill: not enough arguments\nUsage: kill [-s SIG | -SIG] PID...\n       kill -l [SIG]\n");
    return 1;
  }
  int status = 0;
  for (; i < argc; ++i) {
    int pid = 0;
    if (!parse_pid(argv[i], &pid)) {
      std::fprintf(stderr, "kill: failed to parse argument: '%s'\n", argv[i]);
      status = 1;
      continue;
    }
    if (kill(pid, sig) != 0) {
      std::fprintf(stderr, "kill: (%d) - %s\n", pid, error_text(errno));
      status = 1;
    }
  }
  return status;
}
