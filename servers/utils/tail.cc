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
  return utils::head_tail_main(argc, argv, true, set_count, tail_fd);
}
