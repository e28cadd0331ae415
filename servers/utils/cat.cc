// servers/utils/cat.cc: cat [-n] [FILE...]: copies each file ("-" or none: standard input) to
// standard output; -n numbers the lines as GNU does ("%6d\t", counting on across files). Exits 1
// when a file could not be read.
#include <fcntl.h>

#include "util.h"

namespace {

bool g_number;
unsigned long long g_line = 0;
bool g_at_line_start = true;

bool copy(int fd) {
  static char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (!g_number) {
      if (!utils::write_all(1, buf, size_t(n))) return false;
      continue;
    }
    for (ssize_t i = 0; i < n; ++i) {
      if (g_at_line_start) std::printf("%6llu\t", ++g_line);
      std::fputc(buf[i], stdout);
      g_at_line_start = buf[i] == '\n';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("cat");
  int n = utils::parse_options(argc, argv, "nu", 1, "[OPTION]... [FILE]...", [&](char o, const char*) {
    if (o == 'n') g_number = true;
  });
  static char dash[] = "-";
  static char* just_stdin[] = {nullptr, dash, nullptr};
  if (n == 0) {
    argv = just_stdin;
    n = 1;
  }
  int status = 0;
  for (int i = 1; i <= n; ++i) {
    bool is_stdin = std::strcmp(argv[i], "-") == 0;
    int fd = is_stdin ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      utils::error("%s: %s", argv[i], utils::errtext(errno));
      status = 1;
      continue;
    }
    if (!copy(fd)) {
      utils::error("%s: %s", argv[i], utils::errtext(errno));
      status = 1;
    }
    if (!is_stdin) close(fd);
  }
  std::fflush(stdout);
  return status;
}
