// servers/shell/pattern.cc: see pattern.h. The classic single-backtrack-point matcher: on a
// mismatch after a '*', retry with the star eating one more character.
#include "servers/shell/pattern.h"

#include <stddef.h>

namespace shell {

namespace {

// Matches a bracket expression at pattern[p] (the '['); on success sets *end past ']'.
// Returns -1 if it is not a valid bracket (then '[' is literal), else 1 for a match, 0 for none.
int match_bracket(std::string_view pat, size_t p, char c, size_t* end) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) { negate = true; ++i; }
  bool matched = false;
  bool first = true;
  while (i < pat.size() && (pat[i] != ']' || first)) {
    first = false;
    char lo = pat[i];
    if (lo == '\\' && i + 1 < pat.size()) lo = pat[++i];
    ++i;
    char hi = lo;
    if (i + 1 < pat.size() && pat[i] == '-' && pat[i + 1] != ']') {
      hi = pat[i + 1];
      i += 2;
      if (hi == '\\' && i < pat.size()) hi = pat[i++];
    }
    if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi))
      matched = true;
  }
  if (i >= pat.size()) return -1;
  *end = i + 1;
  return matched != negate ? 1 : 0;
}

}  // namespace

bool pattern_match(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0;
  size_t star_p = std::string_view::npos, star_i = 0;
  while (i < s.size()) {
    if (p < pat.size()) {
      char pc = pat[p];
      if (pc == '*') {
        star_p = ++p;
        star_i = i;
        continue;
      }
      if (pc == '?') { ++p; ++i; continue; }
      if (pc == '[') {
        size_t end;
        int r = match_bracket(pat, p, s[i], &end);
        if (r == 1) { p = end; ++i; continue; }
        if (r == 0) goto backtrack;
        // not a bracket: literal '['
      }
      if (pc == '\\' && p + 1 < pat.size()) pc = pat[++p];
      if (pc == s[i]) { ++p; ++i; continue; }
    }
  backtrack:
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    i = ++star_i;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

}  // namespace shell
