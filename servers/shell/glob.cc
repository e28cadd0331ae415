// servers/shell/glob.cc: see glob.h.
#include "servers/shell/glob.h"

#include <algorithm>

#include "servers/shell/pattern.h"

namespace shell {

namespace {

// Escaped form -> the characters it stands for.
Str unescape(std::string_view s) {
  Str out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push(s[i]);
  }
  return out;
}

struct Listing {
  std::string_view component;
  const Str* prefix;
  Vec<Str>* next;
  size_t limit;
  bool full = false;
};

void on_entry(void* ctx, const char* name) {
  Listing& l = *static_cast<Listing*>(ctx);
  std::string_view n(name);
  if (l.full) return;
  // A leading '.' (so also . and ..) only matches a pattern that starts with a literal '.'.
  if (!n.empty() && n[0] == '.' && !(l.component.size() > 0 && l.component[0] == '.') &&
      !(l.component.size() > 1 && l.component[0] == '\\' && l.component[1] == '.'))
    return;
  if (!pattern_match(l.component, n)) return;
  if (l.next->size() >= l.limit) {
    l.full = true;
    return;
  }
  Str p(l.prefix->view());
  p.append(n);
  l.next->push_back(static_cast<Str&&>(p));
}

bool is_dir(Host& host, const Str& path) {
  FileInfo info;
  return host.stat(path.c_str(), &info) == HostError::Ok && info.kind == FileKind::Dir;
}

bool exists(Host& host, const Str& path) {
  FileInfo info;
  return host.stat(path.c_str(), &info) == HostError::Ok;
}

}  // namespace

// A '[' is special only when a ']' closes it within the same path component (`[` alone, the test
// builtin's name, is an ordinary word: dash lists no directory for it either).
static bool bracket_closes(std::string_view p, size_t open) {
  size_t i = open + 1;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) ++i;
  if (i < p.size() && p[i] == ']') ++i;   // a ']' first is a member, not the end
  for (; i < p.size() && p[i] != '/'; ++i) {
    if (p[i] == '\\') ++i;
    else if (p[i] == ']') return true;
  }
  return false;
}

bool glob_has_magic(std::string_view p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') ++i;
    else if (p[i] == '*' || p[i] == '?') return true;
    else if (p[i] == '[' && bracket_closes(p, i)) return true;
  }
  return false;
}

size_t glob_expand(Host& host, std::string_view pattern, Vec<Str>& out, size_t max_matches) {
  // Paths built so far, each ending where the next component goes.
  Vec<Str> paths;
  size_t start = 0;
  if (!pattern.empty() && pattern[0] == '/') {
    paths.push_back(Str("/"));
    while (start < pattern.size() && pattern[start] == '/') ++start;
  } else {
    paths.push_back(Str());
  }
  bool magic_seen = false;
  bool last_literal = false;   // the last component had no special character
  bool last_slash = false;
  while (start < pattern.size()) {
    size_t end = start;
    while (end < pattern.size() && pattern[end] != '/') end += pattern[end] == '\\' && end + 1 < pattern.size() ? 2 : 1;
    std::string_view component = pattern.substr(start, end - start);
    size_t next_start = end;
    while (next_start < pattern.size() && pattern[next_start] == '/') ++next_start;
    bool trailing_slash = end < pattern.size();   // a '/' follows: directories only
    Vec<Str> next;
    last_literal = !glob_has_magic(component);
    last_slash = trailing_slash;
    if (last_literal) {
      Str lit = unescape(component);
      for (const Str& p : paths) {
        Str q(p.view());
        q.append(lit.view());
        next.push_back(static_cast<Str&&>(q));
      }
    } else {
      magic_seen = true;
      for (const Str& p : paths) {
        Listing l{component, &p, &next, max_matches + 1};
        Str dir(p.empty() ? std::string_view(".") : p.view());
        (void)host.read_dir(dir.c_str(), on_entry, &l);   // an unreadable directory matches nothing
        // Over the bound at any level, not only the last: going on with part of a level would
        // answer a silently incomplete list.
        if (l.full) return max_matches + 1;
      }
    }
    paths = Vec<Str>();
    for (Str& q : next) {
      if (trailing_slash) {
        if (magic_seen && !is_dir(host, q)) continue;
        q.push('/');
      }
      paths.push_back(static_cast<Str&&>(q));
    }
    if (paths.empty()) return 0;
    start = next_start;
  }
  if (!magic_seen) return 0;
  // A literal last component after a magic one must exist (a trailing '/' was checked above).
  Vec<Str> found;
  for (Str& p : paths) {
    if (last_literal && !last_slash && !exists(host, p)) continue;
    found.push_back(static_cast<Str&&>(p));
  }
  size_t n = 0;
  std::sort(found.begin(), found.end(), [](const Str& a, const Str& b) { return a.view() < b.view(); });
  for (Str& p : found) {
    if (n == max_matches) return max_matches + 1;
    out.push_back(static_cast<Str&&>(p));
    ++n;
  }
  return n;
}

}  // namespace shell
