// servers/utils/cat.cc: cat [FILE...]: copies each file ("-" or none: standard input) to standard
// output; exits 1 when a file could not be read.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {

bool write_all(const char* p, long n) {
  while (n > 0) {
    long w = write(1, p, static_cast<size_t>(n));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= w;
  }
  return true;
}

bool copy(int fd) {
  static char buf[4096];
  for (;;) {
    long n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (!write_all(buf, n)) return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return copy(0) ? 0 : 1;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-") == 0) {
      if (!copy(0)) status = 1;
      continue;
    }
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      std::fprintf(stderr, "cat: %s: %s\n", argv[i], std::strerror(errno));
      status = 1;
      continue;
    }
    if (!copy(fd)) {
      std::fprintf(stderr, "cat: %s: %s\n", argv[i], std::strerror(errno));
      status = 1;
    }
    close(fd);
  }
  return status;
}
