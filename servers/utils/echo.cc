// servers/utils/echo.cc: /bin/echo [-neE] [STRING...], as GNU's program (the shell has a builtin):
// arguments joined by spaces and a newline (-n: none); -e interprets \\ \a \b \c \e \f \n \r \t \v
// \0NNN \xHH. Leading arguments that are not made only of these option letters are text.
#include "util.h"

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 32) >= 'a' && (c | 32) <= 'f') return (c | 32) - 'a' + 10;
  return -1;
}

// Prints s with escapes; answers false at \c (stop all output).
bool put_escaped(const char* s) {
  for (; *s; ++s) {
    if (*s != '\\' || s[1] == 0) {
      std::fputc(*s, stdout);
      continue;
    }
    char c = *++s;
    switch (c) {
      case '\\': std::fputc('\\', stdout); break;
      case 'a': std::fputc('\a', stdout); break;
      case 'b': std::fputc('\b', stdout); break;
      case 'c': return false;
      case 'e': std::fputc('\033', stdout); break;
      case 'f': std::fputc('\f', stdout); break;
      case 'n': std::fputc('\n', stdout); break;
      case 'r': std::fputc('\r', stdout); break;
      case 't': std::fputc('\t', stdout); break;
      case 'v': std::fputc('\v', stdout); break;
      case '0': {
        int v = 0;
        for (int k = 0; k < 3 && s[1] >= '0' && s[1] <= '7'; ++k) v = v * 8 + (*++s - '0');
        std::fputc(v, stdout);
        break;
      }
      case 'x':
        if (hex(s[1]) >= 0) {
          int v = hex(*++s);
          if (hex(s[1]) >= 0) v = v * 16 + hex(*++s);
          std::fputc(v, stdout);
          break;
        }
        [[fallthrough]];
      default:
        std::fputc('\\', stdout);
        std::fputc(c, stdout);
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool newline = true, escapes = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != 0 && std::strspn(argv[i] + 1, "neE") == std::strlen(argv[i] + 1); ++i) {
    for (const char* p = argv[i] + 1; *p; ++p) {
      if (*p == 'n') newline = false;
      if (*p == 'e') escapes = true;
      if (*p == 'E') escapes = false;
    }
  }
  for (int first = i; i < argc; ++i) {
    if (i > first) std::fputc(' ', stdout);
    if (!escapes) {
      std::fputs(argv[i], stdout);
    } else if (!put_escaped(argv[i])) {
      std::fflush(stdout);
      return 0;
    }
  }
  if (newline) std::fputc('\n', stdout);
  std::fflush(stdout);
  return 0;
}
