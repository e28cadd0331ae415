// servers/utils/printf.cc: /bin/printf FORMAT [ARGUMENT...], as GNU's program (the shell has a
// builtin): C conversions (%d %i %o %u %x %X %c %s %f %e %g %a and upper cases, %b, %%) with flags,
// width and precision (also *), backslash escapes in the format, the format reused while arguments
// remain. A bad number is reported and taken as far as it converted (status 1), as GNU does.
#include <algorithm>
#include <climits>
#include <cstdlib>

#include "util.h"

namespace {

int g_status = 0;
bool g_stop = false;   // \c in %b: no more output at all

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 32) >= 'a' && (c | 32) <= 'f') return (c | 32) - 'a' + 10;
  return -1;
}

// One escape after the backslash at *s; advances *s past it. `in_b`: %b's rules (\0NNN, \c).
void put_escape(const char** s, bool in_b) {
  const char* p = *s + 1;
  char c = *p;
  switch (c) {
    case '\\': std::fputc('\\', stdout); break;
    case '"': std::fputc('"', stdout); break;
    case 'a': std::fputc('\a', stdout); break;
    case 'b': std::fputc('\b', stdout); break;
    case 'c': g_stop = true; break;
    case 'e': std::fputc('\033', stdout); break;
    case 'f': std::fputc('\f', stdout); break;
    case 'n': std::fputc('\n', stdout); break;
    case 'r': std::fputc('\r', stdout); break;
    case 't': std::fputc('\t', stdout); break;
    case 'v': std::fputc('\v', stdout); break;
    case 'x':
      if (hex(p[1]) >= 0) {
        int v = hex(*++p);
        if (hex(p[1]) >= 0) v = v * 16 + hex(*++p);
        std::fputc(v, stdout);
        break;
      }
      std::fputs("\\x", stdout);
      break;
    default:
      if (c >= '0' && c <= '7') {
        // The format takes up to 3 octal digits; %b a 0 and then up to 3.
        int v = 0, max = in_b && c == '0' ? 4 : 3;
        --p;
        for (int k = 0; k < max && p[1] >= '0' && p[1] <= '7'; ++k) v = v * 8 + (*++p - '0');
        std::fputc(v, stdout);
        break;
      }
      std::fputc('\\', stdout);
      if (c == 0) {
        *s = p;
        return;
      }
      std::fputc(c, stdout);
  }
  *s = p + 1;
}

// A numeric argument: 'c or "c is the character's code; else strtoll/strtod's number.
long long to_int(const char* a) {
  if (a[0] == '\'' || a[0] == '"') return static_cast<unsigned char>(a[1]);
  char* end;
  errno = 0;
  long long v = std::strtoll(a, &end, 0);
  if (end == a && *a) {
    utils::error("'%s': expected a numeric value", a);
    g_status = 1;
  } else if (*end) {
    utils::error("'%s': value not completely converted", a);
    g_status = 1;
  } else if (errno == ERANGE) {
    utils::error("'%s': %s", a, utils::errtext(ERANGE));
    g_status = 1;
  }
  return v;
}

double to_double(const char* a) {
  if (a[0] == '\'' || a[0] == '"') return static_cast<unsigned char>(a[1]);
  char* end;
  double v = std::strtod(a, &end);
  if (end == a && *a) {
    utils::error("'%s': expected a numeric value", a);
    g_status = 1;
  } else if (*end) {
    utils::error("'%s': value not completely converted", a);
    g_status = 1;
  }
  return v;
}

// One pass over the format; answers how many arguments it used, or -1 after a fatal error.
int run_format(const char* f, char** args, int nargs) {
  int used = 0;
  auto next = [&]() -> const char* { return used < nargs ? args[used++] : nullptr; };
  while (*f && !g_stop) {
    if (*f == '\\') {
      put_escape(&f, false);
      continue;
    }
    if (*f != '%') {
      std::fputc(*f++, stdout);
      continue;
    }
    if (f[1] == '%') {
      std::fputc('%', stdout);
      f += 2;
      continue;
    }
    // %[flags][width][.precision]conversion, rebuilt for the C printf with explicit numbers.
    const char* start = f++;
    char spec[64];
    size_t k = 0;
    spec[k++] = '%';
    while (*f && std::strchr("-+ #0", *f) && k < 10) spec[k++] = *f++;
    // Width and precision as numbers (a literal or a '*' argument), at most kMaxWidth: past it GNU
    // fails too (it cannot write that much), so a huge one is an error, not a flood of spaces.
    constexpr long long kMaxWidth = 1 << 20;
    long long width = -1, precision = -1;
    const char* text = nullptr;   // the number as written, for the message
    int text_length = 0;
    if (*f == '*') {
      const char* a = next();
      width = a ? to_int(a) : 0;
      text = a;
      text_length = a ? int(std::strlen(a)) : 0;
      if (width < 0) {   // a negative '*' width left-justifies
        if (k < 10) spec[k++] = '-';
        width = width == LLONG_MIN ? kMaxWidth + 1 : -width;
      }
      ++f;
    } else {
      text = f;
      while (*f >= '0' && *f <= '9') width = std::min((width < 0 ? 0 : width * 10) + (*f++ - '0'), kMaxWidth + 1);
      text_length = int(f - text);
    }
    if (*f == '.') {
      ++f;
      precision = 0;
      if (*f == '*') {
        const char* a = next();
        precision = a ? to_int(a) : 0;   // a negative one is as if there were none
        if (width <= kMaxWidth) {
          text = a;
          text_length = a ? int(std::strlen(a)) : 0;
        }
        ++f;
      } else {
        const char* digits = f;
        while (*f >= '0' && *f <= '9') precision = std::min(precision * 10 + (*f++ - '0'), kMaxWidth + 1);
        if (width <= kMaxWidth) {
          text = digits;
          text_length = int(f - digits);
        }
      }
    }
    if (width > kMaxWidth || precision > kMaxWidth) {
      utils::error("invalid %s: '%.*s'", width > kMaxWidth ? "field width" : "precision", text_length, text ? text : "");
      return -1;
    }
    while (*f == 'l' || *f == 'h' || *f == 'L' || *f == 'j' || *f == 'z' || *f == 't') ++f;   // sizes: ignored
    char conv = *f;
    if (conv == 0 || !std::strchr("diouxXcsfFeEgGaAb", conv)) {
      utils::error("%.*s: invalid conversion specification", int(f - start + (conv != 0)), start);
      return -1;
    }
    ++f;
    if (width >= 0) k += size_t(std::snprintf(spec + k, sizeof spec - k, "%lld", width));
    if (precision >= 0) k += size_t(std::snprintf(spec + k, sizeof spec - k, ".%lld", precision));
    const char* a = next();
    switch (conv) {
      case 'd': case 'i':
        std::snprintf(spec + k, sizeof spec - k, "ll%c", conv);
        std::printf(spec, a ? to_int(a) : 0LL);
        break;
      case 'o': case 'u': case 'x': case 'X':
        std::snprintf(spec + k, sizeof spec - k, "ll%c", conv);
        std::printf(spec, static_cast<unsigned long long>(a ? to_int(a) : 0LL));
        break;
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
        std::snprintf(spec + k, sizeof spec - k, "%c", conv);
        std::printf(spec, a ? to_double(a) : 0.0);
        break;
      case 'c':
        std::snprintf(spec + k, sizeof spec - k, "c");
        std::printf(spec, a && *a ? *a : 0);
        break;
      case 's':
        std::snprintf(spec + k, sizeof spec - k, "s");
        std::printf(spec, a ? a : "");
        break;
      case 'b': {
        // The argument with its escapes expanded (width and precision are not applied).
        std::fflush(stdout);
        const char* s = a ? a : "";
        while (*s && !g_stop) {
          if (*s == '\\') put_escape(&s, true);
          else std::fputc(*s++, stdout);
        }
        break;
      }
    }
  }
  return used;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("printf");
  if (argc > 1 && std::strcmp(argv[1], "--help") == 0) {
    std::printf("Usage: printf FORMAT [ARGUMENT]...\n");
    return 0;
  }
  int first = argc > 1 && std::strcmp(argv[1], "--") == 0 ? 2 : 1;
  if (argc <= first) {
    utils::error("missing operand");
    utils::try_help(1);
  }
  const char* format = argv[first];
  char** args = argv + first + 1;
  int nargs = argc - first - 1;
  for (;;) {
    int used = run_format(format, args, nargs);
    if (used < 0) {
      std::fflush(stdout);
      return 1;
    }
    args += used;
    nargs -= used;
    if (used == 0 || nargs <= 0 || g_stop) break;
  }
  std::fflush(stdout);
  return g_status;
}
