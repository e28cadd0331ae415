// servers/utils/util.h: what every utility here shares: GNU-style option parsing and messages,
// errno texts as glibc words them, and whole-buffer output. Header-only, so each program stays one
// .cc and links only what it uses.
#pragma once

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace utils {

inline const char* g_prog = "?";

// Error messages start with the program's name, as GNU's do.
inline void init(const char* name) { g_prog = name; }

// glibc's words where picolibc's differ (scripts and tests compare the text).
inline const char* errtext(int e) {
  if (e == EXDEV) return "Invalid cross-device link";
  return std::strerror(e);
}

// "PROG: MESSAGE\n" on stderr.
inline void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline void error(const char* fmt, ...) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s: ", g_prog);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
}

// GNU's second line after a usage error, then the exit.
[[noreturn]] inline void try_help(int status) {
  std::fprintf(stderr, "Try '%s --help' for more information.\n", g_prog);
  std::exit(status);
}

// Parses options as GNU getopt does: clusters (-la), an argument attached or next (-n5, -n 5),
// options after operands too (permutation) unless `spec` starts with '+', `--` ends them, a lone
// `-` is an operand. `spec` is getopt's ("ln:" = -l, -n ARG). `on(opt, arg)` sees each option.
// `--help` prints `usage` and exits 0; a bad option prints GNU's message and exits `bad_status`.
// Operands are moved to argv[1..]; answers how many there are.
template <typename F>
int parse_options(int argc, char** argv, const char* spec, int bad_status, const char* usage, F on) {
  bool in_order = spec[0] == '+';
  if (in_order) ++spec;
  int operands = 0;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    char* a = argv[i];
    if (options_done || a[0] != '-' || a[1] == 0) {
      argv[1 + operands++] = a;
      if (in_order) options_done = true;
      continue;
    }
    if (a[1] == '-') {
      if (a[2] == 0) {
        options_done = true;
        continue;
      }
      if (std::strcmp(a, "--help") == 0) {
        std::printf("Usage: %s %s\n", g_prog, usage);
        std::exit(0);
      }
      error("unrecognized option '%s'", a);
      try_help(bad_status);
    }
    for (char* p = a + 1; *p; ++p) {
      const char* s = std::strchr(spec, *p);
      if (*p == ':' || s == nullptr) {
        error("invalid option -- '%c'", *p);
        try_help(bad_status);
      }
      if (s[1] != ':') {
        on(*p, static_cast<const char*>(nullptr));
        continue;
      }
      const char* arg = p[1] ? p + 1 : nullptr;
      if (arg == nullptr) {
        if (i + 1 >= argc) {
          error("option requires an argument -- '%c'", *p);
          try_help(bad_status);
        }
        arg = argv[++i];
      }
      on(*p, arg);
      break;
    }
  }
  argv[1 + operands] = nullptr;
  return operands;
}

// A non-negative decimal count ("10"); false for anything else, empty or past 2^63.
inline bool parse_count(const char* s, unsigned long long* out) {
  if (*s == 0) return false;
  unsigned long long v = 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
    if (v > (~0ull >> 1) / 10) return false;
    v = v * 10 + unsigned(*s - '0');
  }
  *out = v;
  return true;
}

inline bool write_all(int fd, const void* data, size_t n) {
  std::fflush(stdout);
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= size_t(w);
  }
  return true;
}

// A growing byte buffer from malloc (no exceptions on the target).
struct Buffer {
  char* data = nullptr;
  size_t size = 0;
  size_t capacity = 0;
  ~Buffer() { std::free(data); }
  bool reserve(size_t n) {
    if (n <= capacity) return true;
    size_t c = capacity ? capacity : 4096;
    while (c < n) c *= 2;
    char* d = static_cast<char*>(std::realloc(data, c));
    if (d == nullptr) return false;
    data = d;
    capacity = c;
    return true;
  }
  bool append(const char* p, size_t n) {
    if (!reserve(size + n)) return false;
    std::memcpy(data + size, p, n);
    size += n;
    return true;
  }
};

// Reads fd to its end into `out`. Answers 0 or the errno (ENOMEM when the buffer cannot grow).
inline int read_all(int fd, Buffer& out) {
  for (;;) {
    if (!out.reserve(out.size + 4096)) return ENOMEM;
    ssize_t n = read(fd, out.data + out.size, out.capacity - out.size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    out.size += size_t(n);
  }
}

// Lines of an fd, one at a time, without copying more than one line's worth. A last line without
// '\n' is still a line (`newline` says whether it had one).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // Answers 1 with a line in *line/*length, 0 at the end, -1 on a read error (errno set).
  int next(const char** line, size_t* length, bool* newline) {
    for (;;) {
      char* nl = buf_.size > start_ ? static_cast<char*>(std::memchr(buf_.data + start_, '\n', buf_.size - start_)) : nullptr;
      if (nl != nullptr) {
        *line = buf_.data + start_;
        *length = size_t(nl - (buf_.data + start_));
        *newline = true;
        start_ += *length + 1;
        return 1;
      }
      if (eof_) {
        if (start_ == buf_.size) return 0;
        *line = buf_.data + start_;
        *length = buf_.size - start_;
        *newline = false;
        start_ = buf_.size;
        return 1;
      }
      if (start_ > 0) {   // keep only the partial line
        std::memmove(buf_.data, buf_.data + start_, buf_.size - start_);
        buf_.size -= start_;
        start_ = 0;
      }
      if (!buf_.reserve(buf_.size + 4096)) {
        errno = ENOMEM;
        return -1;
      }
      ssize_t n = read(fd_, buf_.data + buf_.size, buf_.capacity - buf_.size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return -1;
      if (n == 0) eof_ = true;
      if (n > 0 && std::memchr(buf_.data + buf_.size, 0, size_t(n)) != nullptr) nul_seen_ = true;
      buf_.size += size_t(n);
    }
  }

  // Whether a NUL byte was read so far (grep's test for a binary file: as GNU's, it looks ahead
  // at what it has read, not only at the current line).
  bool nul_seen() const { return nul_seen_; }

 private:
  int fd_;
  Buffer buf_;
  bool nul_seen_ = false;
  size_t start_ = 0;
  bool eof_ = false;
};

// cp and mv: SOURCE... DEST as the n operands argv[1..n]. Missing operands exit with GNU's
// messages. Answers 1 when DEST is a directory to copy or move into, 0 when it names the one
// result, -1 (said why) when several sources need a directory that is not there.
inline int target_directory(int n, char** argv) {
  if (n == 0) {
    error("missing file operand");
    try_help(1);
  }
  if (n == 1) {
    error("missing destination file operand after '%s'", argv[1]);
    try_help(1);
  }
  struct stat st;
  int target_errno = stat(argv[n], &st) == 0 ? (S_ISDIR(st.st_mode) ? 0 : ENOTDIR) : errno;
  if (n > 2 && target_errno != 0) {
    error("target '%s': %s", argv[n], errtext(target_errno));
    return -1;
  }
  return target_errno == 0 ? 1 : 0;
}

// head and tail: the obsolete count form (-5, and +5 where `plus` allows it), -n/-c N, -q/-v,
// then each FILE ("-" or none: standard input) through `each` under GNU's ==> NAME <== headers.
// `set_count(text, bytes)` takes the count (false: it said why); `each(fd)` false on a read error.
template <typename SetCount, typename Each>
int head_tail_main(int argc, char** argv, bool plus, SetCount&& set_count, Each&& each) {
  if (argc > 1 && (argv[1][0] == '-' || (plus && argv[1][0] == '+')) && argv[1][1] >= '0' && argv[1][1] <= '9') {
    if (!set_count(argv[1][0] == '+' ? argv[1] : argv[1] + 1, false)) return 1;
    for (int i = 1; i < argc; ++i) argv[i] = argv[i + 1];   // argv[argc] is NULL
    --argc;
  }
  int verbose = -1;
  bool ok = true;
  int n = parse_options(argc, argv, "n:c:qv", 1, "[OPTION]... [FILE]...", [&](char o, const char* arg) {
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
      error("cannot open '%s' for reading: %s", argv[i], errtext(errno));
      status = 1;
      continue;
    }
    if (headers) {
      std::printf("%s==> %s <==\n", first ? "" : "\n", name);
      first = false;
    }
    if (!each(fd)) {
      error("error reading '%s': %s", name, errtext(errno));
      status = 1;
    }
    if (!is_stdin) close(fd);
  }
  return status;
}

}  // namespace utils
