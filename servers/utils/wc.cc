// servers/utils/wc.cc: wc [-lwcm] [FILE...]: newline, word and byte counts of each file ("-" or
// none: standard input) and a "total" line for several, in GNU's column widths (the digits of the
// regular files' total size, at least 7 when a pipe or terminal is counted, 1 for one count of one
// file). -m counts bytes: the C locale.
#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

namespace {

struct Counts {
  unsigned long long lines = 0, words = 0, bytes = 0;
};

bool count_fd(int fd, Counts* c) {
  static char buf[4096];
  bool in_word = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    c->bytes += size_t(n);
    for (ssize_t i = 0; i < n; ++i) {
      unsigned char ch = static_cast<unsigned char>(buf[i]);
      if (ch == '\n') ++c->lines;
      bool space = ch == ' ' || (ch >= '\t' && ch <= '\r');
      if (!space && !in_word) ++c->words;
      in_word = !space;
    }
  }
}

bool g_lines, g_words, g_bytes;
int g_width = 1;

void print(const Counts& c, const char* name) {
  const char* sep = "";
  if (g_lines) std::printf("%s%*llu", sep, g_width, c.lines), sep = " ";
  if (g_words) std::printf("%s%*llu", sep, g_width, c.words), sep = " ";
  if (g_bytes) std::printf("%s%*llu", sep, g_width, c.bytes), sep = " ";
  if (name) std::printf(" %s", name);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("wc");
  int n = utils::parse_options(argc, argv, "lwcm", 1, "[OPTION]... [FILE]...", [&](char o, const char*) {
    if (o == 'l') g_lines = true;
    if (o == 'w') g_words = true;
    if (o == 'c' || o == 'm') g_bytes = true;
  });
  if (!g_lines && !g_words && !g_bytes) g_lines = g_words = g_bytes = true;
  bool named = n > 0;
  static char dash[] = "-";
  static char* just_stdin[] = {nullptr, dash, nullptr};
  if (n == 0) {
    argv = just_stdin;
    n = 1;
  }
  // GNU's width: from what stat says of every operand before counting.
  if (!(n == 1 && g_lines + g_words + g_bytes == 1)) {
    unsigned long long regular = 0;
    int minimum = 1;
    for (int i = 1; i <= n; ++i) {
      struct stat st;
      bool is_stdin = std::strcmp(argv[i], "-") == 0;
      if ((is_stdin ? fstat(0, &st) : stat(argv[i], &st)) != 0) continue;
      if (S_ISREG(st.st_mode)) regular += (unsigned long long)st.st_size;
      else minimum = 7;
    }
    for (; regular >= 10; regular /= 10) ++g_width;
    if (g_width < minimum) g_width = minimum;
  }
  Counts total;
  int status = 0;
  for (int i = 1; i <= n; ++i) {
    bool is_stdin = std::strcmp(argv[i], "-") == 0;
    int fd = is_stdin ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      utils::error("%s: %s", argv[i], utils::errtext(errno));
      status = 1;
      continue;
    }
    Counts c;
    bool ok = count_fd(fd, &c);
    if (!ok) {
      utils::error("%s: %s", argv[i], utils::errtext(errno));
      status = 1;
    }
    if (!is_stdin) close(fd);
    if (!ok) continue;
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
    print(c, named ? argv[i] : nullptr);
  }
  if (n > 1) print(total, "total");
  return status;
}
