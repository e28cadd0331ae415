// servers/shell/expand.h: word expansion (POSIX XCU 2.6) of the raw word texts the parser kept:
// tilde (~ and ~/), parameters ($x ${x} ${x:-w} ${x-w} ${x:=w} ${x:+w} ${x:?w} ${#x} ${x%p}
// ${x%%p} ${x#p} ${x##p}, $? $$ $! $# $0..$9 ${10} $@ $* $-), $(...) and `...`, $((...)), field
// splitting on IFS, pathname expansion (glob.h; not with set -f), quote removal.
// An error (${x?}, bad arithmetic, bad substitution) is reported through the Shell, which then
// unwinds as dash does; the expand_* functions then return false.
#pragma once

#include <string_view>

#include "servers/shell/shell.h"

namespace shell {

class Expander {
 public:
  explicit Expander(Shell& sh) : sh_(sh) {}
  // Splits into fields and appends them to `out`.
  bool expand_fields(std::string_view word, Vec<Str>& out);
  // One string, no splitting (assignments, redirection targets, case words, prompts).
  bool expand_string(std::string_view word, Str* out, bool assignment = false);
  // A pattern for pattern_match: quoted characters come out backslash-escaped.
  bool expand_pattern(std::string_view word, Str* out);
  // A here-document body: $, `...` and \ as in double quotes, but '"' is an ordinary character.
  bool expand_heredoc(std::string_view body, Str* out);

 private:
  enum class Mode { Fields, String, Pattern };
  struct Out {
    Mode mode;
    Vec<Str>* fields;
    Str cur;
    bool have;
    Str pat;            // Fields mode: cur with quoted * ? [ ] \ escaped, for pathname expansion
    bool magic = false; // an unquoted * ? or [ is in the field
  };

  bool walk(std::string_view w, bool quoted, Out& o, bool word_start);
  bool dollar(std::string_view w, size_t* i, bool quoted, Out& o);
  bool braced(std::string_view body, bool quoted, Out& o);
  bool special_or_var(std::string_view name, bool* set, Str* value);
  bool all_args(bool quoted, bool star, Out& o);
  void lit(char c, bool quoted, Out& o);
  void text(std::string_view t, bool quoted, Out& o);
  void field_break(Out& o);
  // Appends `t` to the current field as quoted text (no pattern characters in it).
  void append_quoted(std::string_view t, Out& o);
  // Ends the current field: pathname expansion when it has an unquoted pattern character.
  void emit(Out& o);
  bool sub_string(std::string_view w, bool quoted, Mode mode, Str* out);

  Shell& sh_;
  bool failed_ = false;   // a result grew past Limits::max_input (reported once)
  bool heredoc_ = false;  // walking a here-document body
};

// Index just past the '}' matching the "${" at w[i]; w.size() if none.
size_t find_brace_end(std::string_view w, size_t i);

}  // namespace shell
