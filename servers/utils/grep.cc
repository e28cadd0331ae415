// servers/utils/grep.cc: grep [-vicnqlhHsFGEx] [-e PATTERN]... [-f FILE]... [PATTERN] [FILE...]:
// prints the lines that match (regex.h: basic regular expressions without groups, -E extended ones,
// -F fixed strings).
// Several patterns (-e, lines of one pattern, lines of a -f file) match when any does; -f is the way
// to long patterns, as a spawn's arguments are limited to 4 KiB (servers/proto/pid.h). Exit 0 when a
// line was selected, 1 when none, 2 on an error (unless -q found a match), as GNU grep. A file with
// a NUL byte is binary: its lines are not printed, only "grep: FILE: binary file matches".
#include <fcntl.h>
#include <sys/stat.h>

#include <new>

#include "regex.h"
#include "util.h"

namespace {

struct Pattern {
  const char* text;
  size_t length;
  utils::Regex regex;
};

Pattern* g_patterns;
int g_npatterns;
bool g_invert, g_icase, g_count, g_number, g_quiet, g_list, g_fixed, g_extended, g_silent, g_whole_line;
int g_with_name = -1;   // -H 1, -h 0, else by the number of files
bool g_have_patterns;   // -e or -f given: no PATTERN operand (an empty -f file is no pattern at all)

bool matches(const char* line, size_t n) {
  for (int i = 0; i < g_npatterns; ++i) {
    const Pattern& p = g_patterns[i];
    if (g_fixed && g_whole_line) {
      if (n == p.length && utils::fixed_search(line, n, p.text, p.length, g_icase)) return true;
    } else if (g_fixed ? utils::fixed_search(line, n, p.text, p.length, g_icase) : p.regex.search(line, n)) {
      return true;
    }
  }
  return false;
}

// Answers the number of selected lines, or -1 on a read error (errno set).
long long grep_fd(int fd, const char* name, bool with_name) {
  utils::LineReader reader(fd);
  long long selected = 0, number = 0;
  const char* line;
  size_t n;
  bool newline;
  for (;;) {
    int r = reader.next(&line, &n, &newline);
    if (r < 0) return -1;
    if (r == 0) break;
    ++number;
    if (matches(line, n) == g_invert) continue;
    ++selected;
    if (g_quiet) return selected;   // the answer is known
    if (g_list) break;
    if (g_count) continue;
    if (reader.nul_seen()) {
      // A binary file: GNU grep prints no lines of it, only that it matches, and stops.
      std::fflush(stdout);
      utils::error("%s: binary file matches", name);
      return selected;
    }
    if (with_name) std::printf("%s:", name);
    if (g_number) std::printf("%lld:", number);
    std::fwrite(line, 1, n, stdout);
    std::fputc('\n', stdout);
  }
  if (g_count) {
    if (with_name) std::printf("%s:", name);
    std::printf("%lld\n", selected);
  }
  if (g_list && selected > 0) std::printf("%s\n", name);
  return selected;
}

// Splits `text` at newlines into patterns (GNU: each line is a pattern).
bool add_patterns(const char* text) {
  for (;;) {
    const char* nl = std::strchr(text, '\n');
    size_t n = nl ? size_t(nl - text) : std::strlen(text);
    auto* grown = static_cast<Pattern*>(std::realloc(static_cast<void*>(g_patterns), sizeof(Pattern) * size_t(g_npatterns + 1)));
    if (grown == nullptr) return false;
    g_patterns = grown;
    new (&g_patterns[g_npatterns]) Pattern{text, n, {}};
    ++g_npatterns;
    if (nl == nullptr) return true;
    text = nl + 1;
  }
}

// -f FILE: one pattern a line; the file's contents stay allocated for the patterns that point in.
bool add_pattern_file(const char* path) {
  bool is_stdin = std::strcmp(path, "-") == 0;
  int fd = is_stdin ? 0 : open(path, O_RDONLY);
  if (fd < 0) {
    utils::error("%s: %s", path, utils::errtext(errno));
    std::exit(2);
  }
  // malloc and placement new: the target has no libstdc++ runtime (no operator new).
  void* memory = std::malloc(sizeof(utils::Buffer));
  auto* b = memory ? new (memory) utils::Buffer : nullptr;
  int e = b ? utils::read_all(fd, *b) : ENOMEM;
  if (!is_stdin) close(fd);
  if (e != 0) {
    utils::error("%s: %s", path, utils::errtext(e));
    std::exit(2);
  }
  if (b->size > 0 && b->data[b->size - 1] == '\n') --b->size;   // the last line's end starts no pattern
  bool empty = b->size == 0;
  if (!b->append("", 1)) return false;
  if (empty) return true;
  return add_patterns(b->data);
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("grep");
  bool ok = true;
  int n = utils::parse_options(argc, argv, "vicnqlhHsFGExe:f:", 2, "[OPTION]... PATTERNS [FILE]...", [&](char o, const char* arg) {
    switch (o) {
      case 'v': g_invert = true; break;
      case 'i': g_icase = true; break;
      case 'c': g_count = true; break;
      case 'n': g_number = true; break;
      case 'q': g_quiet = true; break;
      case 'l': g_list = true; break;
      case 'h': g_with_name = 0; break;
      case 'H': g_with_name = 1; break;
      case 's': g_silent = true; break;
      case 'F': g_fixed = true; g_extended = false; break;
      case 'G': g_fixed = false; g_extended = false; break;
      case 'E': g_fixed = false; g_extended = true; break;
      case 'x': g_whole_line = true; break;
      case 'e': ok = ok && add_patterns(arg); g_have_patterns = true; break;
      case 'f': ok = ok && add_pattern_file(arg); g_have_patterns = true; break;
    }
  });
  int first_file = 1;
  if (!g_have_patterns) {
    if (n == 0) {
      std::fprintf(stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
      utils::try_help(2);
    }
    ok = ok && add_patterns(argv[1]);
    first_file = 2;
  }
  if (!ok) {
    utils::error("memory exhausted");
    return 2;
  }
  if (!g_fixed) {
    for (int i = 0; i < g_npatterns; ++i) {
      Pattern& p = g_patterns[i];
      utils::RegexError e = p.regex.compile(p.text, p.length, (g_icase ? utils::Regex::kIgnoreCase : 0u) |
                                               (g_whole_line ? utils::Regex::kWholeLine : 0u) | (g_extended ? utils::Regex::kExtended : 0u));
      if (e != utils::RegexError::Ok) {
        utils::error("%s", utils::regex_error_text(e));
        return 2;
      }
    }
  }
  static char dash[] = "-";
  int files = n - first_file + 1;
  char** names = argv + first_file;
  if (files <= 0) {
    names = nullptr;
    files = 1;
  }
  bool with_name = g_with_name == 1 || (g_with_name == -1 && files > 1);
  bool found = false, error = false;
  for (int i = 0; i < files; ++i) {
    const char* path = names ? names[i] : dash;
    bool is_stdin = std::strcmp(path, "-") == 0;
    const char* name = is_stdin ? "(standard input)" : path;
    int fd = 0;
    if (!is_stdin) {
      struct stat st;
      if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!g_silent) utils::error("%s: Is a directory", path);
        error = true;
        continue;
      }
      fd = open(path, O_RDONLY);
      if (fd < 0) {
        if (!g_silent) utils::error("%s: %s", path, utils::errtext(errno));
        error = true;
        continue;
      }
    }
    long long r = grep_fd(fd, name, with_name);
    if (r < 0) {
      if (!g_silent) utils::error("%s: %s", name, utils::errtext(errno));
      error = true;
    }
    if (!is_stdin) close(fd);
    if (r > 0) found = true;
    if (found && g_quiet) return 0;
  }
  if (error) return 2;
  return found ? 0 : 1;
}
