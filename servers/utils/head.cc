// servers/utils/head.cc: head [-n [-]N] [-c [-]N] [-qv] [-N] [FILE...]: the first N lines (10) or
// bytes of each file ("-" or none: standard input), with "==> NAME <==" headers between several;
// a negative N prints all but the last N. GNU's messages.
#include <fcntl.h>

#include "util.h"

namespace {

unsigned long long g_count = 10;
bool g_bytes = false;
bool g_all_but = false;   // -n -N / -c -N

bool head_fd(int fd) {
  if (g_all_but) {
    utils::Buffer b;
    if (int e = utils::read_all(fd, b)) {
      errno = e;
      return false;
    }
    size_t end = b.size;
    if (g_bytes) {
      end = g_count >= end ? 0 : end - size_t(g_count);
    } else {
      // Keep the first (lines - N) lines; a final line without '\n' counts as one.
      unsigned long long lines = 0;
      for (size_t i = 0; i < b.size; ++i) lines += b.data[i] == '\n';
      if (b.size > 0 && b.data[b.size - 1] != '\n') ++lines;
      unsigned long long keep = g_count >= lines ? 0 : lines - g_count;
      end = 0;
      while (keep > 0 && end < b.size)
        if (b.data[end++] == '\n') --keep;
    }
    return utils::write_all(1, b.data, end);
  }
  static char buf[4096];
  unsigned long long left = g_count;
  while (left > 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    size_t take = size_t(n);
    if (g_bytes) {
      if (take > left) take = size_t(left);
      left -= take;
    } else {
      for (size_t i = 0; i < size_t(n); ++i)
        if (buf[i] == '\n' && --left == 0) {
          take = i + 1;
          break;
        }
    }
    if (!utils::write_all(1, buf, take)) return false;
  }
  return true;
}

bool set_count(const char* arg, bool bytes) {
  g_bytes = bytes;
  g_all_but = arg[0] == '-';
  if (utils::parse_count(arg + (g_all_but || arg[0] == '+'), &g_count)) return true;
  utils::error("invalid number of %s: '%s'", bytes ? "bytes" : "lines", arg);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("head");
  return utils::head_tail_main(argc, argv, false, set_count, head_fd);
}
