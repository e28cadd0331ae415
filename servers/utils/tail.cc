// servers/utils/tail.cc: tail [-n [+]N] [-c [+]N] [-qv] [-N] [FILE...]: the last N lines (10) or
// bytes of each file ("-" or none: standard input), or from line/byte N on with "+N"; "==> NAME <=="
// headers between several. No -f (files here do not grow under a reader). GNU's messages.
#include <fcntl.h>

#include "util.h"

namespace {

unsigned long long g_count = 10;
bool g_bytes = false;
bool g_from_start = false;   // +N

bool tail_fd(int fd) {
  utils::Buffer b;
  if (int e = utils::read_all(fd, b)) {
    errno = e;
    return false;
  }
  size_t start = 0;
  if (g_bytes) {
    if (g_from_start) start = g_count == 0 ? 0 : (g_count - 1 >= b.size ? b.size : size_t(g_count - 1));
    else start = g_count >= b.size ? 0 : b.size - size_t(g_count);
  } else if (g_from_start) {
    // Skip N-1 lines.
    for (unsigned long long skip = g_count > 0 ? g_count - 1 : 0; skip > 0 && start < b.size;)
      if (b.data[start++] == '\n') --skip;
  } else {
    // Back over N line ends; a final line without '\n' counts as a line.
    size_t i = b.size;
    unsigned long long lines = 0;
    if (i > 0 && b.data[i - 1] == '\n') --i;   // the last line's own '\n'
    while (i > 0) {
      if (b.data[i - 1] == '\n' && ++lines == g_count) break;
      --i;
    }
    start = g_count == 0 ? b.size : i;
  }
  return utils::write_all(1, b.data + start, b.size - start);
}

bool set_count(const char* arg, bool bytes) {
  g_bytes = bytes;
  g_from_start = arg[0] == '+';
  if (utils::parse_count(arg + (arg[0] == '+' || arg[0] == '-'), &g_count)) return true;
  utils::error("invalid number of %s: '%s'", bytes ? "bytes" : "lines", arg);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("tail");
  // The obsolete forms: tail -5 FILE, tail +5 FILE.
  if (argc > 1 && (argv[1][0] == '-' || argv[1][0] == '+') && argv[1][1] >= '0' && argv[1][1] <= '9') {
    if (!set_count(argv[1][0] == '+' ? argv[1] : argv[1] + 1, false)) return 1;
    for (int i = 1; i < argc; ++i) argv[i] = argv[i + 1];   // argv[argc] is NULL
    --argc;
  }
  int verbose = -1;
  bool ok = true;
  int n = utils::parse_options(argc, argv, "n:c:qv", 1, "[OPTION]... [FILE]...", [&](char o, const char* arg) {
    if (o == 'n' || o == 'c') ok = ok && set_count(arg, o == 'c');
    if (o == 'q') verbose = 0;
    if (o == 'v') verbose = 1;
  });
  if (!ok) return 1;
  static char dash[] = "-";
  static char* just_stdin[] = {nullptr, dash, nullptr};
  if (n == 0) {
    argv = just_stdin;
    n = 1;
  }
  bool headers = verbose == 1 || (verbose == -1 && n > 1);
  int status = 0;
  bool first = true;
  for (int i = 1; i <= n; ++i) {
    bool is_stdin = std::strcmp(argv[i], "-") == 0;
    const char* name = is_stdin ? "standard input" : argv[i];
    int fd = is_stdin ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      utils::error("cannot open '%s' for reading: %s", argv[i], utils::errtext(errno));
      status = 1;
      continue;
    }
    if (headers) {
      std::printf("%s==> %s <==\n", first ? "" : "\n", name);
      first = false;
    }
    if (!tail_fd(fd)) {
      utils::error("error reading '%s': %s", name, utils::errtext(errno));
      status = 1;
    }
    if (!is_stdin) close(fd);
  }
  return status;
}
