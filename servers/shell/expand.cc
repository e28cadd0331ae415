// servers/shell/expand.cc: see expand.h.
#include "servers/shell/expand.h"

#include "servers/shell/glob.h"
#include "servers/shell/pattern.h"

namespace shell {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return c == '_' || is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_special_param(char c) {
  return c == '?' || c == '$' || c == '!' || c == '#' || c == '@' || c == '*' || c == '-' || is_digit(c);
}

size_t skip_single(std::string_view w, size_t i) {
  ++i;
  while (i < w.size() && w[i] != '\'') ++i;
  return i < w.size() ? i + 1 : i;
}

size_t skip_backquote(std::string_view w, size_t i) {
  ++i;
  while (i < w.size() && w[i] != '`') i += w[i] == '\\' ? 2 : 1;
  return i < w.size() ? i + 1 : w.size();
}

size_t skip_double(std::string_view w, size_t i);

// Index just past the ')' closing the "$(" at w[i]. Only the grammar knows where that is (quotes,
// case patterns), so this parses; the parser already accepted the word, so it succeeds.
size_t find_subst_end(std::string_view w, size_t i) {
  Arena* arena = Arena::create();
  if (!arena) return w.size();
  Parser p(w.substr(i + 2), 1, arena);
  ParseResult r = p.parse_subst();
  size_t end = r.status == ParseStatus::Error ? w.size() : i + 2 + p.offset();
  arena->release();
  return end;
}

// Index just past the "))" closing the "$((" at w[i].
size_t find_arith_end(std::string_view w, size_t i) {
  int depth = 0;
  for (size_t j = i + 3; j < w.size(); ++j) {
    if (w[j] == '(') ++depth;
    else if (w[j] == ')') {
      if (depth == 0) return j + 1 < w.size() && w[j + 1] == ')' ? j + 2 : w.size();
      --depth;
    }
  }
  return w.size();
}

size_t skip_double(std::string_view w, size_t i) {
  ++i;
  while (i < w.size() && w[i] != '"') {
    if (w[i] == '\\') i += 2;
    else if (w[i] == '`') i = skip_backquote(w, i);
    else if (w[i] == '$' && i + 2 < w.size() && w[i + 1] == '(' && w[i + 2] == '(') i = find_arith_end(w, i);
    else if (w[i] == '$' && i + 1 < w.size() && w[i + 1] == '(') i = find_subst_end(w, i);
    else if (w[i] == '$' && i + 1 < w.size() && w[i + 1] == '{') i = find_brace_end(w, i);
    else ++i;
  }
  return i < w.size() ? i + 1 : w.size();
}

}  // namespace

size_t find_brace_end(std::string_view w, size_t i) {
  size_t j = i + 2;
  while (j < w.size() && w[j] != '}') {
    char c = w[j];
    if (c == '\\') j += 2;
    else if (c == '\'') j = skip_single(w, j);
    else if (c == '"') j = skip_double(w, j);
    else if (c == '`') j = skip_backquote(w, j);
    else if (c == '$' && j + 2 < w.size() && w[j + 1] == '(' && w[j + 2] == '(') j = find_arith_end(w, j);
    else if (c == '$' && j + 1 < w.size() && w[j + 1] == '(') j = find_subst_end(w, j);
    else if (c == '$' && j + 1 < w.size() && w[j + 1] == '{') j = find_brace_end(w, j);
    else ++j;
  }
  return j < w.size() ? j + 1 : w.size();
}

bool Expander::expand_fields(std::string_view word, Vec<Str>& out) {
  Out o{Mode::Fields, &out, Str(), false, Str(), false};
  if (!walk(word, false, o, true)) return false;
  if (o.have) emit(o);
  return !oom() && !failed_;
}

static bool is_pattern_char(char c) { return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'; }

void Expander::append_quoted(std::string_view t, Out& o) {
  o.cur.append(t);
  if (o.mode != Mode::Fields) return;
  for (char c : t) {
    if (is_pattern_char(c)) o.pat.push('\\');
    o.pat.push(c);
  }
}

void Expander::emit(Out& o) {
  if (o.magic && !sh_.noglob_ && glob_has_magic(o.pat.view())) {
    size_t before = o.fields->size();
    size_t n = glob_expand(sh_.host_, o.pat.view(), *o.fields, sh_.limits_.max_glob);
    if (n > sh_.limits_.max_glob) {
      // Some matches went in already: take them back so the command does not run half-expanded.
      while (o.fields->size() > before) o.fields->pop_back();
      if (!failed_) sh_.fatal_error("too many pathname matches");
      failed_ = true;
    } else if (n == 0) {
      o.fields->push_back(static_cast<Str&&>(o.cur));
    }
  } else {
    o.fields->push_back(static_cast<Str&&>(o.cur));
  }
  o.cur = Str();
  o.pat = Str();
  o.have = false;
  o.magic = false;
}

bool Expander::expand_string(std::string_view word, Str* out, bool assignment) {
  (void)assignment;
  Out o{Mode::String, nullptr, Str(), false, Str(), false};
  if (!walk(word, false, o, true)) return false;
  *out = static_cast<Str&&>(o.cur);
  return !oom();
}

bool Expander::expand_pattern(std::string_view word, Str* out) {
  Out o{Mode::Pattern, nullptr, Str(), false, Str(), false};
  if (!walk(word, false, o, false)) return false;
  *out = static_cast<Str&&>(o.cur);
  return !oom();
}

bool Expander::expand_heredoc(std::string_view body, Str* out) {
  Out o{Mode::String, nullptr, Str(), false, Str(), false};
  heredoc_ = true;
  bool ok = walk(body, true, o, false);
  heredoc_ = false;
  if (!ok) return false;
  *out = static_cast<Str&&>(o.cur);
  return !oom();
}

bool Expander::sub_string(std::string_view w, bool quoted, Mode mode, Str* out) {
  Out o{mode, nullptr, Str(), false, Str(), false};
  if (!walk(w, quoted, o, false)) return false;
  *out = static_cast<Str&&>(o.cur);
  return true;
}

void Expander::lit(char c, bool quoted, Out& o) {
  if (o.mode == Mode::Pattern && quoted && is_pattern_char(c)) o.cur.push('\\');
  o.cur.push(c);
  o.have = true;
  if (o.mode != Mode::Fields) return;
  if (quoted && is_pattern_char(c)) o.pat.push('\\');
  if (!quoted && (c == '*' || c == '?' || c == '[')) o.magic = true;
  o.pat.push(c);
}

void Expander::field_break(Out& o) {
  if (o.mode != Mode::Fields) return;
  if (o.have) emit(o);
  o.cur = Str();
  o.pat = Str();
  o.have = false;
  o.magic = false;
}

// The result of an expansion: split on IFS when unquoted and splitting, else taken as is.
void Expander::text(std::string_view t, bool quoted, Out& o) {
  // `x=$x$x` in a loop doubles forever: bound what one word may grow to.
  if (failed_ || o.cur.size() + t.size() > sh_.limits_.max_input) {
    if (!failed_) sh_.fatal_error("expansion too long");
    failed_ = true;
    return;
  }
  if (quoted || o.mode == Mode::String) {
    if (o.mode == Mode::Pattern) { for (char c : t) lit(c, true, o); return; }
    append_quoted(t, o);
    if (!t.empty()) o.have = true;
    return;
  }
  if (o.mode == Mode::Pattern) {
    o.cur.append(t);
    if (!t.empty()) o.have = true;
    return;
  }
  const Str* ifs_var = sh_.get_var("IFS");
  std::string_view ifs = ifs_var ? ifs_var->view() : std::string_view(" \t\n");
  for (char c : t) {
    if (ifs.find(c) == std::string_view::npos) {
      // The result of an unquoted expansion is subject to pathname expansion, backslashes
      // included as ordinary characters.
      o.cur.push(c);
      if (c == '\\') o.pat.push('\\');
      else if (c == '*' || c == '?' || c == '[') o.magic = true;
      o.pat.push(c);
      o.have = true;
      continue;
    }
    bool white = c == ' ' || c == '\t' || c == '\n';
    if (white) {
      if (o.have) field_break(o);
    } else {
      emit(o);
    }
  }
}

bool Expander::walk(std::string_view w, bool quoted, Out& o, bool word_start) {
  size_t i = 0;
  if (word_start && !quoted && o.mode != Mode::Pattern && !w.empty() && w[0] == '~' &&
      (w.size() == 1 || w[1] == '/')) {
    const Str* home = sh_.get_var("HOME");
    if (home) {
      append_quoted(home->view(), o);
      o.have = true;
      i = 1;
    }
  }
  while (i < w.size()) {
    if (failed_) return false;
    char c = w[i];
    if (c == '\\') {
      if (i + 1 >= w.size()) { lit('\\', quoted, o); ++i; continue; }
      char n = w[i + 1];
      if (n == '\n') { i += 2; continue; }
      if (quoted && n != '$' && n != '`' && (n != '"' || heredoc_) && n != '\\') {
        lit('\\', true, o);
        ++i;
        continue;
      }
      lit(n, true, o);
      i += 2;
      continue;
    }
    if (c == '\'' && !quoted) {
      size_t end = skip_single(w, i);
      o.have = true;
      for (size_t j = i + 1; j + 1 < end; ++j) lit(w[j], true, o);
      i = end;
      continue;
    }
    // In quoted text an unescaped '"' only survives the parser inside a ${...} word, as in
    // "${x:-"a b"}": there it quotes again.
    if (c == '"' && !heredoc_) {
      size_t end = skip_double(w, i);
      std::string_view inner = w.substr(i + 1, end - i - 2 < w.size() ? end - i - 2 : 0);
      // "" makes a field even when empty; "$@" with no arguments makes none.
      if (inner != "$@" && inner != "${@}") o.have = true;
      if (!walk(inner, true, o, false)) return false;
      i = end;
      continue;
    }
    if (c == '$') {
      if (!dollar(w, &i, quoted, o)) return false;
      continue;
    }
    if (c == '`') {
      size_t end = skip_backquote(w, i);
      Str body;
      for (size_t j = i + 1; j + 1 < end; ++j) {
        if (w[j] == '\\' && j + 2 < end &&
            (w[j + 1] == '$' || w[j + 1] == '`' || w[j + 1] == '\\' || (quoted && w[j + 1] == '"'))) {
          ++j;
        }
        body.push(w[j]);
      }
      Str out;
      size_t consumed = 0;
      sh_.capture(body.view(), &out, &consumed, true);
      if (sh_.exited_) return false;
      text(out.view(), quoted, o);
      i = end;
      continue;
    }
    lit(c, quoted, o);
    ++i;
  }
  return !failed_;
}

bool Expander::special_or_var(std::string_view name, bool* set, Str* value) {
  *set = true;
  value->clear();
  if (name.size() == 1 && !is_name_char(name[0]) ) {
    switch (name[0]) {
      case '?': append_number(*value, sh_.last_status_); return true;
      case '$': append_number(*value, sh_.host_.pid()); return true;
      case '!':
        if (sh_.last_bg_ == 0) *set = false;
        else append_number(*value, sh_.last_bg_);
        return true;
      case '#': append_number(*value, static_cast<int64_t>(sh_.positional_.size())); return true;
      case '-':
        if (sh_.errexit_) value->push('e');
        if (sh_.noglob_) value->push('f');
        return true;
      case '@':
      case '*':
        for (size_t k = 0; k < sh_.positional_.size(); ++k) {
          if (k) value->push(' ');
          value->append(sh_.positional_[k].view());
        }
        *set = !sh_.positional_.empty();
        return true;
      default: break;
    }
  }
  if (is_digit(name[0])) {
    int64_t n;
    if (!parse_number(name, &n)) return false;
    if (n == 0) { *value = sh_.arg0_; return true; }
    if (static_cast<size_t>(n) > sh_.positional_.size()) { *set = false; return true; }
    *value = sh_.positional_[static_cast<size_t>(n - 1)];
    return true;
  }
  const Str* v = sh_.get_var(name);
  if (!v) { *set = false; return true; }
  *value = *v;
  return true;
}

bool Expander::all_args(bool quoted, bool star, Out& o) {
  Vec<Str>& args = sh_.positional_;
  if (o.mode != Mode::Fields || (quoted && star)) {
    std::string_view sep = " ";
    if (quoted && star) {
      const Str* ifs = sh_.get_var("IFS");
      if (ifs) sep = ifs->view().substr(0, 1);
    }
    Str joined;
    for (size_t k = 0; k < args.size(); ++k) {
      if (k) joined.append(sep);
      joined.append(args[k].view());
    }
    text(joined.view(), quoted, o);
    return true;
  }
  for (size_t k = 0; k < args.size(); ++k) {
    if (k) field_break(o);
    if (quoted) { append_quoted(args[k].view(), o); o.have = true; }
    else text(args[k].view(), false, o);
  }
  return true;
}

bool Expander::dollar(std::string_view w, size_t* ip, bool quoted, Out& o) {
  size_t i = *ip;
  char n = i + 1 < w.size() ? w[i + 1] : 0;
  if (n == '(' && i + 2 < w.size() && w[i + 2] == '(') {
    size_t end = find_arith_end(w, i);
    size_t inner_len = end >= i + 5 ? end - i - 5 : 0;
    Str expr;
    if (!sub_string(w.substr(i + 3, inner_len), true, Mode::String, &expr)) return false;
    int64_t v;
    Str err;
    if (!arith_eval(expr.view(), sh_, &v, &err)) {
      sh_.fatal_error(err.view());
      return false;
    }
    Str num;
    append_number(num, v);
    text(num.view(), quoted, o);
    *ip = end;
    return true;
  }
  if (n == '(') {
    Str out;
    size_t consumed = 0;
    sh_.capture(w.substr(i + 2), &out, &consumed, false);
    if (sh_.exited_) return false;
    text(out.view(), quoted, o);
    *ip = i + 2 + consumed;
    return true;
  }
  if (n == '{') {
    size_t end = find_brace_end(w, i);
    std::string_view body = w.substr(i + 2, end - i - 3 < w.size() ? end - i - 3 : 0);
    *ip = end;
    return braced(body, quoted, o);
  }
  if (n && (is_special_param(n))) {
    *ip = i + 2;
    if (n == '@' || n == '*') return all_args(quoted, n == '*', o);
    bool set;
    Str v;
    special_or_var(w.substr(i + 1, 1), &set, &v);
    text(v.view(), quoted, o);
    return true;
  }
  if (n && (is_name_char(n) && !is_digit(n))) {
    size_t j = i + 1;
    while (j < w.size() && is_name_char(w[j])) ++j;
    bool set;
    Str v;
    special_or_var(w.substr(i + 1, j - i - 1), &set, &v);
    text(v.view(), quoted, o);
    *ip = j;
    return true;
  }
  lit('$', quoted, o);
  *ip = i + 1;
  return true;
}

bool Expander::braced(std::string_view body, bool quoted, Out& o) {
  auto bad = [&]() {
    Str m("${");
    m.append(body);
    m.append("}");
    sh_.fatal_error(m.view(), ": Bad substitution");
    return false;
  };
  if (body.empty()) return bad();
  bool length = false;
  if (body[0] == '#' && body.size() > 1) { length = true; body.remove_prefix(1); }
  size_t nl;
  if (is_digit(body[0])) {
    nl = 1;
    while (nl < body.size() && is_digit(body[nl])) ++nl;
  } else if (is_special_param(body[0])) {
    nl = 1;
  } else {
    nl = 0;
    while (nl < body.size() && is_name_char(body[nl])) ++nl;
  }
  if (nl == 0) return bad();
  std::string_view name = body.substr(0, nl);
  std::string_view rest = body.substr(nl);
  bool set;
  Str value;
  if (!special_or_var(name, &set, &value)) return bad();
  if (length) {
    if (!rest.empty()) return bad();
    Str num;
    append_number(num, static_cast<int64_t>(value.size()));
    text(num.view(), quoted, o);
    return true;
  }
  if (rest.empty()) {
    if (name == "@" || name == "*") return all_args(quoted, name == "*", o);
    text(value.view(), quoted, o);
    return true;
  }
  bool colon = rest[0] == ':';
  if (colon) rest.remove_prefix(1);
  if (rest.empty()) return bad();
  char op = rest[0];
  bool twice = rest.size() > 1 && rest[1] == op && (op == '%' || op == '#');
  if (colon && (op == '%' || op == '#')) return bad();
  std::string_view word = rest.substr(twice ? 2 : 1);
  bool use_word = !set || (colon && value.empty());
  switch (op) {
    case '-':
      if (use_word) return walk(word, quoted, o, false);
      text(value.view(), quoted, o);
      return true;
    case '+':
      if (!use_word) return walk(word, quoted, o, false);
      return true;
    case '=': {
      if (use_word) {
        if (!is_name(name)) {
          sh_.fatal_error(name, ": cannot assign in this way");   // dash: "${1=x}"
          return false;
        }
        Str v;
        if (!sub_string(word, quoted, Mode::String, &v)) return false;
        sh_.set_var(name, v.view());
        value = static_cast<Str&&>(v);
      }
      text(value.view(), quoted, o);
      return true;
    }
    case '?': {
      if (use_word) {
        Str msg;
        if (!sub_string(word, quoted, Mode::String, &msg)) return false;
        if (word.empty()) sh_.fatal_error(name, colon ? ": parameter not set or null" : ": parameter not set");
        else sh_.fatal_error(name, ": ", msg.view());
        return false;
      }
      text(value.view(), quoted, o);
      return true;
    }
    case '%':
    case '#': {
      Str pat;
      // The pattern is a pattern even inside double quotes ("${v#*.}"); its own quotes quote.
      Out po{Mode::Pattern, nullptr, Str(), false, Str(), false};
      if (!walk(word, false, po, false)) return false;
      pat = static_cast<Str&&>(po.cur);
      std::string_view v = value.view();
      size_t len = v.size();
      std::string_view result = v;
      if (op == '#') {
        for (size_t k = 0; k <= len; ++k) {
          size_t cut = twice ? len - k : k;
          if (pattern_match(pat.view(), v.substr(0, cut))) { result = v.substr(cut); break; }
        }
      } else {
        for (size_t k = 0; k <= len; ++k) {
          size_t from = twice ? k : len - k;
          if (pattern_match(pat.view(), v.substr(from))) { result = v.substr(0, from); break; }
        }
      }
      Str r(result);
      text(r.view(), quoted, o);
      return true;
    }
    default:
      return bad();
  }
}

}  // namespace shell
