// servers/utils/ps.cc: ps [-e|-A] [-f] [-o FORMAT]... as procps prints it (procfmt.cc), from
// pidsrv's List (servers/proto/pid.h): without -e the processes of the caller's session, with -e
// every process of its pid namespace. No BSD options; no controlling terminals yet (TTY is "?").
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "koios/result.h"
#include "process.h"
#include "servers/utils/procfmt.h"
#include "syscalls.h"

namespace {

// procps's message, then its usage; error null when already printed.
int usage(const char* error) {
  if (error) std::fprintf(stderr, "%s\n", error);
  std::fprintf(stderr, "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n"
               "  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bool all = false, full = false;
  utils::Column cols[utils::kMaxColumns];
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] != '-' || a[1] == '\0') return usage("error: unsupported option (BSD syntax)");
    for (const char* p = a + 1; *p; ++p) {
      if (*p == 'e' || *p == 'A') {
        all = true;
      } else if (*p == 'f') {
        full = true;
      } else if (*p == 'o') {
        const char* list = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
        if (!list) return usage("error: improper list");
        const char* bad = nullptr;
        if (!utils::parse_columns(list, cols, &count, &bad)) {
          size_t n = std::strcspn(bad, ", ");
          std::fprintf(stderr, "error: unknown user-defined format specifier \"%.*s\"\n", static_cast<int>(n), bad);
          return usage(nullptr);
        }
        break;
      } else {
        return usage("error: unsupported SysV option");
      }
    }
  }
  if (count == 0) count = full ? utils::full_columns(cols) : utils::default_columns(cols);

  pid_t sid = all ? 0 : getsid(0);
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  static char line[1024];
  utils::format_header(cols, count, line, sizeof line);
  std::fputs(line, stdout);
  proto::pid::ValueRequest request{};
  static proto::pid::ListReply reply;
  for (;;) {
    if (int e = koios::pid_request(proto::pid::Op::List, request, &reply); e != 0) {
      std::fprintf(stderr, "ps: cannot list processes: %s\n", std::strerror(e));
      return 1;
    }
    if (reply.count == 0) break;
    for (koios::u32 k = 0; k < reply.count && k < proto::pid::kListBatch; ++k) {
      const proto::pid::ProcInfo& p = reply.procs[k];
      request.value = p.pid;
      if (!all && p.sid != sid) continue;
      utils::format_row(cols, count, p, now, line, sizeof line);
      std::fputs(line, stdout);
    }
  }
  return 0;
}
