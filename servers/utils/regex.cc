// servers/utils/regex.cc: see regex.h.
#include "regex.h"

#include <cstdlib>
#include <cstring>

namespace utils {

namespace {

void set_bit(uint8_t* set, unsigned c) { set[c >> 3] |= uint8_t(1u << (c & 7)); }
bool has_bit(const uint8_t* set, unsigned c) { return set[c >> 3] & (1u << (c & 7)); }

unsigned lower(unsigned c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
unsigned upper(unsigned c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

bool is_alpha(unsigned c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The POSIX classes of the C locale. Answers false for an unknown name.
bool add_class(uint8_t* set, const char* name, size_t n) {
  auto is = [&](const char* s) { return std::strlen(s) == n && std::memcmp(s, name, n) == 0; };
  bool (*test)(unsigned) = nullptr;
  if (is("alpha")) test = [](unsigned c) { return is_alpha(c); };
  else if (is("digit")) test = [](unsigned c) { return is_digit(c); };
  else if (is("alnum")) test = [](unsigned c) { return is_alpha(c) || is_digit(c); };
  else if (is("upper")) test = [](unsigned c) { return c >= 'A' && c <= 'Z'; };
  else if (is("lower")) test = [](unsigned c) { return c >= 'a' && c <= 'z'; };
  else if (is("space")) test = [](unsigned c) { return is_space(c); };
  else if (is("blank")) test = [](unsigned c) { return c == ' ' || c == '\t'; };
  else if (is("punct")) test = [](unsigned c) { return c > ' ' && c < 127 && !is_alpha(c) && !is_digit(c); };
  else if (is("print")) test = [](unsigned c) { return c >= ' ' && c < 127; };
  else if (is("graph")) test = [](unsigned c) { return c > ' ' && c < 127; };
  else if (is("cntrl")) test = [](unsigned c) { return c < ' ' || c == 127; };
  else if (is("xdigit")) test = [](unsigned c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); };
  else return false;
  for (unsigned c = 0; c < 256; ++c)
    if (test(c)) set_bit(set, c);
  return true;
}

// Adds the other case of every letter in the set (-i).
void fold_case(uint8_t* set) {
  for (unsigned x = 0; x < 256; ++x)
    if (has_bit(set, x)) {
      set_bit(set, lower(x));
      set_bit(set, upper(x));
    }
}

// A bracket expression starting after '['; *pos ends after its ']'. Case is folded before a '^'
// negates, so that -i's [^a] matches neither a nor A.
RegexError parse_bracket(const char* p, size_t n, size_t* pos, uint8_t* set, bool ignore_case) {
  size_t i = *pos;
  bool negate = false;
  if (i < n && p[i] == '^') {
    negate = true;
    ++i;
  }
  if (i >= n) return RegexError::Invalid;   // "[" or "[^" at the very end: GNU's words differ then
  bool first = true;
  for (;;) {
    if (i >= n) return RegexError::UnmatchedBracket;
    unsigned c = static_cast<unsigned char>(p[i]);
    if (c == ']' && !first) {
      ++i;
      break;
    }
    first = false;
    if (c == '[' && i + 1 < n && (p[i + 1] == ':' || p[i + 1] == '=' || p[i + 1] == '.')) {
      char kind = p[i + 1];
      size_t start = i + 2, end = start;
      while (end + 1 < n && !(p[end] == kind && p[end + 1] == ']')) ++end;
      if (end + 1 >= n) return RegexError::UnmatchedBracket;
      if (kind == ':') {
        if (!add_class(set, p + start, end - start)) return RegexError::BadClass;
      } else if (end - start == 1) {   // [=c=] and [.c.]: one character in the C locale
        set_bit(set, static_cast<unsigned char>(p[start]));
      } else {
        return RegexError::Unsupported;
      }
      i = end + 2;
      continue;
    }
    unsigned lo = c, hi = c;
    ++i;
    if (i + 1 < n && p[i] == '-' && p[i + 1] != ']') {
      hi = static_cast<unsigned char>(p[i + 1]);
      if (hi == '[' && i + 2 < n && (p[i + 2] == '.' || p[i + 2] == '=')) {
        if (i + 5 >= n || p[i + 4] != p[i + 2] || p[i + 5] != ']') return RegexError::UnmatchedBracket;
        hi = static_cast<unsigned char>(p[i + 3]);
        i += 6;
      } else {
        i += 2;
      }
      if (hi < lo) return RegexError::BadRange;
    }
    for (unsigned x = lo; x <= hi; ++x) set_bit(set, x);
  }
  if (ignore_case) fold_case(set);
  if (negate) {
    for (auto& b : *reinterpret_cast<uint8_t(*)[32]>(set)) b = uint8_t(~b);
    // As GNU grep's: a negated bracket never matches the newline (lines have none anyway).
    set[1] &= uint8_t(~(1u << 2));
  }
  *pos = i;
  return RegexError::Ok;
}

}  // namespace

const char* regex_error_text(RegexError e) {
  switch (e) {
    case RegexError::Ok: return "Success";
    case RegexError::UnmatchedBracket: return "Unmatched [, [^, [:, [., or [=";
    case RegexError::Invalid: return "Invalid regular expression";
    case RegexError::BadClass: return "Invalid character class name";
    case RegexError::BadRange: return "Invalid range end";
    case RegexError::TrailingBackslash: return "Trailing backslash";
    case RegexError::Unsupported: return "Unsupported regular expression (no \\( \\) \\{ \\} or back references)";
    case RegexError::TooLong: return "Regular expression too big";
    case RegexError::NoMemory: return "memory exhausted";
  }
  return "?";
}

Regex::~Regex() { clear(); }

Regex::Regex(Regex&& o) noexcept { *this = static_cast<Regex&&>(o); }

Regex& Regex::operator=(Regex&& o) noexcept {
  if (this != &o) {
    clear();
    atoms_ = o.atoms_;
    used_ = o.used_;
    branches_ = o.branches_;
    nbranches_ = o.nbranches_;
    max_count_ = o.max_count_;
    compiled_ = o.compiled_;
    lists_ = o.lists_;
    marks_ = o.marks_;
    generation_ = o.generation_;
    o.atoms_ = nullptr;
    o.branches_ = nullptr;
    o.lists_ = nullptr;
    o.marks_ = nullptr;
    o.clear();
  }
  return *this;
}

void Regex::clear() {
  std::free(atoms_);
  std::free(branches_);
  std::free(lists_);
  std::free(marks_);
  atoms_ = nullptr;
  branches_ = nullptr;
  lists_ = nullptr;
  marks_ = nullptr;
  used_ = nbranches_ = max_count_ = 0;
  compiled_ = false;
  generation_ = 0;
}

RegexError Regex::compile(const char* p, size_t n, unsigned flags) {
  clear();
  if (n > kMaxPattern) return RegexError::TooLong;
  // At most two atoms per pattern byte (x\+ becomes x x*) and one branch more than there are
  // bytes (ERE's | is one byte), so these bounds never overflow.
  atoms_ = static_cast<Atom*>(std::calloc(2 * n + 1, sizeof(Atom)));
  branches_ = static_cast<Branch*>(std::calloc(n + 1, sizeof(Branch)));
  auto fail = [this](RegexError e) {
    clear();
    return e;
  };
  if (atoms_ == nullptr || branches_ == nullptr) return fail(RegexError::NoMemory);
  // Split at each top-level \| (ERE: |), not inside a bracket expression, compiling each part.
  bool extended = flags & kExtended;
  size_t start = 0;
  for (size_t i = 0;;) {
    size_t bar = extended ? (i < n && p[i] == '|' ? 1 : 0) : (i + 1 < n && p[i] == '\\' && p[i + 1] == '|' ? 2 : 0);
    if (i >= n || bar > 0) {
      RegexError e = compile_branch(p + start, (i < n ? i : n) - start, flags);
      if (e != RegexError::Ok) return fail(e);
      if (i >= n) break;
      i += bar;
      start = i;
    } else if (p[i] == '\\') {
      i += 2;   // past n only for a trailing '\', which compile_branch reports
    } else if (p[i] == '[') {
      uint8_t scratch[32] = {};
      size_t j = i + 1;
      RegexError e = parse_bracket(p, n, &j, scratch, false);
      if (e != RegexError::Ok) return fail(e);
      i = j;
    } else {
      ++i;
    }
  }
  lists_ = static_cast<uint32_t*>(std::malloc(2 * (size_t(max_count_) + 1) * sizeof(uint32_t)));
  marks_ = static_cast<uint32_t*>(std::calloc(size_t(max_count_) + 1, sizeof(uint32_t)));
  if (lists_ == nullptr || marks_ == nullptr) return fail(RegexError::NoMemory);
  compiled_ = true;
  return RegexError::Ok;
}

RegexError Regex::compile_branch(const char* p, size_t n, unsigned flags) {
  Branch& b = branches_[nbranches_++];
  b.atoms = atoms_ + used_;
  b.count = 0;
  b.anchored_start = b.anchored_end = false;
  Atom* atoms = b.atoms;
  uint32_t& count = b.count;
  size_t i = 0;
  if (n > 0 && p[0] == '^') {
    b.anchored_start = true;
    i = 1;
  }
  size_t end = n;
  // A final '$' anchors unless escaped: count the backslashes before it.
  if (end > i && p[end - 1] == '$') {
    size_t slashes = 0;
    while (end - 1 - slashes > i && p[end - 2 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 0) {
      b.anchored_end = true;
      --end;
    }
  }
  bool extended = flags & kExtended;
  // A repeat of a repeat: (x+)+ is x+, (x?)? is x?, any other mix is x*.
  auto repeat = [&](Repeat want) {
    Repeat& r = atoms[count - 1].repeat;
    r = r == Repeat::One || r == want ? want : Repeat::Star;
  };
  while (i < end) {
    unsigned c = static_cast<unsigned char>(p[i]);
    // '*' (ERE: also '+' and '?') repeats the atom before it; at the start of a branch it is an
    // ordinary character.
    if (count > 0 && (c == '*' || (extended && (c == '+' || c == '?')))) {
      repeat(c == '*' ? Repeat::Star : c == '+' ? Repeat::Plus : Repeat::Optional);
      ++i;
      continue;
    }
    // ERE groups and intervals are not done; ^ and $ anchor only at the ends of a branch here,
    // where ERE would let them anchor anywhere.
    if (extended && (c == '(' || c == ')' || c == '{' || c == '^' || c == '$')) return RegexError::Unsupported;
    Atom& a = atoms[count];
    a.repeat = Repeat::One;
    if (c == '.') {
      for (unsigned x = 0; x < 256; ++x)
        if (x != '\n') set_bit(a.set, x);
      ++i;
    } else if (c == '[') {
      ++i;
      RegexError e = parse_bracket(p, end, &i, a.set, flags & kIgnoreCase);
      if (e != RegexError::Ok) return e;
      ++count;
      continue;
    } else if (c == '\\') {
      if (i + 1 >= n) return RegexError::TrailingBackslash;
      // A '\' right before the anchoring '$' escaped nothing: "a\$" never gets here (see above).
      unsigned e = static_cast<unsigned char>(p[i + 1]);
      i += 2;
      if (!extended && (e == '+' || e == '?') && count > 0) {
        repeat(e == '+' ? Repeat::Plus : Repeat::Optional);
        continue;
      }
      if ((!extended && (e == '(' || e == ')' || e == '{' || e == '}')) || is_digit(e) || e == '<' || e == '>' ||
          e == 'b' || e == 'B' || e == '`' || e == '\'') {
        return RegexError::Unsupported;
      }
      if (e == 'w' || e == 'W') {
        for (unsigned x = 0; x < 256; ++x)
          if ((is_alpha(x) || is_digit(x) || x == '_') == (e == 'w')) set_bit(a.set, x);
      } else if (e == 's' || e == 'S') {
        for (unsigned x = 0; x < 256; ++x)
          if (is_space(x) == (e == 's')) set_bit(a.set, x);
      } else {
        set_bit(a.set, e);
      }
    } else {
      set_bit(a.set, c);
      ++i;
    }
    if (flags & kIgnoreCase) fold_case(a.set);
    ++count;
  }
  // x\+ becomes x x*, from the back so that each atom moves once (the branch has room: 2 atoms a
  // byte).
  uint32_t pluses = 0;
  for (uint32_t k = 0; k < count; ++k) pluses += atoms[k].repeat == Repeat::Plus;
  for (uint32_t k = count, to = count + pluses; k-- > 0;) {
    Atom a = atoms[k];
    if (a.repeat == Repeat::Plus) {
      atoms[--to] = a;
      atoms[to].repeat = Repeat::Star;
      a.repeat = Repeat::One;
    }
    atoms[--to] = a;
  }
  count += pluses;
  if (flags & kWholeLine) b.anchored_start = b.anchored_end = true;
  used_ += count;
  if (count > max_count_) max_count_ = count;
  return RegexError::Ok;
}

// Adds `state` and every state reachable from it without consuming a byte (past starred and
// optional atoms). A state already added in this generation brought its followers along then.
void Regex::add(const Branch& b, uint32_t* list, uint32_t* count, uint32_t state, uint32_t generation) const {
  for (uint32_t t = state;; ++t) {
    if (marks_[t] == generation) return;
    marks_[t] = generation;
    list[(*count)++] = t;
    if (t == b.count || b.atoms[t].repeat == Repeat::One) return;
  }
}

bool Regex::search(const char* text, size_t length) const {
  if (!compiled_) return false;
  for (uint32_t k = 0; k < nbranches_; ++k)
    if (search_branch(branches_[k], text, length)) return true;
  return false;
}

bool Regex::search_branch(const Branch& b, const char* text, size_t length) const {
  uint32_t* cur = lists_;
  uint32_t* next = lists_ + max_count_ + 1;
  uint32_t ncur = 0;
  auto new_generation = [this] {
    if (++generation_ == 0) {   // wrapped: old marks could look current
      std::memset(marks_, 0, (size_t(max_count_) + 1) * sizeof(uint32_t));
      generation_ = 1;
    }
    return generation_;
  };
  uint32_t gen = new_generation();
  for (size_t pos = 0;; ++pos) {
    if (!b.anchored_start || pos == 0) add(b, cur, &ncur, 0, gen);
    if (ncur == 0) return false;   // anchored and nothing alive
    if (marks_[b.count] == gen && (!b.anchored_end || pos == length)) return true;
    if (pos == length) return false;
    unsigned c = static_cast<unsigned char>(text[pos]);
    uint32_t nnext = 0;
    uint32_t next_gen = new_generation();
    for (uint32_t k = 0; k < ncur; ++k) {
      uint32_t s = cur[k];
      if (s == b.count || !has_bit(b.atoms[s].set, c)) continue;
      add(b, next, &nnext, b.atoms[s].repeat == Repeat::Star ? s : s + 1, next_gen);
    }
    uint32_t* t = cur;
    cur = next;
    next = t;
    ncur = nnext;
    gen = next_gen;
  }
}

bool fixed_search(const char* text, size_t length, const char* needle, size_t m, bool ignore_case) {
  if (m == 0) return true;
  if (m > length) return false;
  for (size_t i = 0; i + m <= length; ++i) {
    size_t k = 0;
    while (k < m) {
      unsigned a = static_cast<unsigned char>(text[i + k]), b = static_cast<unsigned char>(needle[k]);
      if (a != b && !(ignore_case && lower(a) == lower(b))) break;
      ++k;
    }
    if (k == m) return true;
  }
  return false;
}

}  // namespace utils
