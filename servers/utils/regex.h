// servers/utils/regex.h: grep's matcher: POSIX basic regular expressions without groups, intervals
// and back references (`. * ^ $ [...] [^...] [:class:]`, `\` escapes, GNU's `\+ \? \w \W \s \S`
// and top-level `\|`), the same subset of extended ones (`+ ? |`), and fixed strings. Plain C++
// over malloc, built for the target (grep) and the host (Catch2: tests/unit/servers/utils/).
//
// Matching simulates the pattern's automaton one text byte at a time over the set of live
// positions in the pattern (Thompson), so time is O(text x pattern) whatever the pattern: no
// backtracking, no exponential blow-up on a*a*a*a*b. Hostile patterns are errors, never crashes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace utils {

enum class RegexError {
  Ok,
  UnmatchedBracket,     // "[abc" or "[[:alpha:]"
  Invalid,              // "[" or "[^" ending the pattern (GNU grep's message for it)
  BadClass,             // "[[:nope:]]"
  BadRange,             // "[z-a]"
  TrailingBackslash,    // "abc\"
  Unsupported,          // \( \) \{ \} \1..\9 \< \> \b \B: valid BRE that this matcher does not do
  TooLong,              // longer than Regex::kMaxPattern
  NoMemory,
};

// GNU grep's words for each error (what grep prints after "grep: ").
const char* regex_error_text(RegexError e);

// One compiled pattern. Owns its memory; not copyable. A Regex is not safe to use from two threads
// at once (search uses scratch space inside it).
class Regex {
 public:
  // The pattern size grep accepts: big enough for any real pattern, small enough that the compiled
  // form (33 bytes a character) and the scratch sets stay a few MiB.
  static constexpr size_t kMaxPattern = 64 * 1024;
  // kWholeLine: the pattern must match the whole text, as if between ^ and $ (grep -x).
  // kExtended: ERE (grep -E): + ? | are operators unescaped, literal escaped; ( ) { are refused,
  // and ^ $ anywhere but at the ends of a branch.
  enum Flags : unsigned { kNone = 0, kIgnoreCase = 1, kWholeLine = 2, kExtended = 4 };

  Regex() = default;
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  Regex(Regex&& other) noexcept;
  Regex& operator=(Regex&& other) noexcept;

  // Compiles `pattern` (length bytes; may contain NULs, which match NULs). On error the Regex is left
  // empty (and matches nothing).
  RegexError compile(const char* pattern, size_t length, unsigned flags);
  // Whether some part of text[0..length) matches (a line without its newline).
  bool search(const char* text, size_t length) const;

 private:
  // Plus only while compiling: it ends up as the atom and a starred copy (x\+ = x x*).
  enum class Repeat : uint8_t { One, Star, Optional, Plus };
  struct Atom {
    uint8_t set[32];   // bit c: byte c matches
    Repeat repeat;
  };
  // One alternative of GNU's top-level \| (most patterns have one): atoms[0..count); the state
  // `count` accepts.
  struct Branch {
    Atom* atoms;
    uint32_t count;
    bool anchored_start;
    bool anchored_end;
  };
  void clear();
  RegexError compile_branch(const char* p, size_t n, unsigned flags);
  bool search_branch(const Branch& b, const char* text, size_t length) const;
  void add(const Branch& b, uint32_t* list, uint32_t* count, uint32_t state, uint32_t generation) const;

  Atom* atoms_ = nullptr;       // every branch's, one after the other
  uint32_t used_ = 0;           // atoms taken so far
  Branch* branches_ = nullptr;
  uint32_t nbranches_ = 0;
  uint32_t max_count_ = 0;      // the longest branch's atoms
  bool compiled_ = false;
  // Scratch for search: two state lists and the generation each state was last added in.
  uint32_t* lists_ = nullptr;   // 2 * (max_count_ + 1)
  mutable uint32_t* marks_ = nullptr;    // max_count_ + 1
  mutable uint32_t generation_ = 0;
};

// Whether `needle` occurs in `text` (case-insensitively for ASCII letters with ignore_case): grep -F.
bool fixed_search(const char* text, size_t length, const char* needle, size_t needle_length, bool ignore_case);

}  // namespace utils
