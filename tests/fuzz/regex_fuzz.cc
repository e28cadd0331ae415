// tests/fuzz/regex_fuzz.cc: grep's matcher (servers/utils/regex.h) on arbitrary patterns and text,
// compared with glibc's POSIX regcomp/regexec in the C locale. Input: one flags byte (bit 0: ignore
// case, bit 1: whole line, bit 2: extended syntax), the pattern up to the first newline, the text after it. Whatever the
// input, compile and search must return; when both sides accept the pattern, both must agree on
// whether the text matches. Where the two are known to differ on purpose, nothing is compared:
// patterns glibc refuses but GNU grep takes (a**), reversed ranges GNU grep refuses (glibc's
// regcomp takes them as empty), an escaped letter under ignore-case (glibc then matches nothing),
// and NUL bytes (regexec takes C strings).
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <regex.h>   // glibc's (ours is reached by its path below)
#include <string>

#include "servers/utils/regex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  unsigned flags = data[0];
  const char* rest = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;
  const char* nl = static_cast<const char*>(memchr(rest, '\n', n));
  std::string pattern(rest, nl ? size_t(nl - rest) : n);
  std::string text = nl ? std::string(nl + 1, n - pattern.size() - 1) : std::string();

  utils::Regex re;
  unsigned ours_flags = ((flags & 1) ? utils::Regex::kIgnoreCase : 0u) | ((flags & 2) ? utils::Regex::kWholeLine : 0u) |
                        ((flags & 4) ? utils::Regex::kExtended : 0u);
  utils::RegexError e = re.compile(pattern.data(), pattern.size(), ours_flags);
  bool ours = re.search(text.data(), text.size());
  if (e != utils::RegexError::Ok) return 0;

  if (pattern.find('\0') != std::string::npos || text.find('\0') != std::string::npos) return 0;
  if (text.find('\n') != std::string::npos) return 0;
  if (flags & 1) {
    for (size_t i = 0; i + 1 < pattern.size(); ++i)
      if (pattern[i] == '\\' && (((pattern[i + 1] | 32) >= 'a' && (pattern[i + 1] | 32) <= 'z'))) return 0;
  }
  // glibc's regcomp takes exponential time on long runs of repeat operators (a+?+?++++): keep the
  // comparison fast by leaving those to the no-crash check above.
  size_t repeats = 0;
  for (char c : pattern) repeats += c == '*' || c == '+' || c == '?';
  if (repeats > 6) return 0;
  std::string posix = pattern;
  if (flags & 2) posix = (flags & 4) ? "^(" + pattern + ")$" : "^\\(" + pattern + "\\)$";
  regex_t g;
  if (regcomp(&g, posix.c_str(), REG_NOSUB | ((flags & 1) ? REG_ICASE : 0) | ((flags & 4) ? REG_EXTENDED : 0)) != 0) return 0;
  bool theirs = regexec(&g, text.c_str(), 0, nullptr, 0) == 0;
  regfree(&g);
  if (ours != theirs) __builtin_trap();
  return 0;
}
