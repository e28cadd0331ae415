// servers/shell/parser.cc: see parser.h. The grammar follows POSIX XCU 2.10; messages follow dash.
#include "servers/shell/parser.h"

#include <stdio.h>

namespace shell {

namespace {

bool is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' ||
         c == '>' || c == '(' || c == ')';
}

bool is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

}  // namespace

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s) if (!is_name_char(c)) return false;
  return true;
}

// ---- Arena ----

Arena* Arena::create() {
  void* p = malloc(sizeof(Arena));
  if (!p) { oom() = true; return nullptr; }
  return new (p) Arena();
}

void Arena::release() {
  if (--refs_ > 0) return;
  for (Chunk* c = head_; c;) { Chunk* n = c->next; free(c); c = n; }
  this->~Arena();
  free(this);
}

void* Arena::alloc(size_t n) {
  n = (n + 15) & ~size_t{15};
  if (!head_ || head_->size - head_->used < n) {
    size_t size = n + sizeof(Chunk) + 15 > 8192 ? n + sizeof(Chunk) + 15 : 8192;
    if (total_ + size > kMaxBytes) return nullptr;
    Chunk* c = static_cast<Chunk*>(malloc(size));
    if (!c) { oom() = true; return nullptr; }
    c->next = head_;
    c->size = size;
    c->used = (sizeof(Chunk) + 15) & ~size_t{15};
    head_ = c;
    total_ += size;
  }
  void* p = reinterpret_cast<char*>(head_) + head_->used;
  head_->used += n;
  memset(p, 0, n);
  return p;
}

const char* Arena::copy(std::string_view s) {
  char* p = static_cast<char*>(alloc(s.size() + 1));
  if (!p) return nullptr;
  memcpy(p, s.data(), s.size());
  p[s.size()] = 0;
  return p;
}

// ---- Errors ----

Parser::Parser(std::string_view src, int first_line, Arena* arena, int max_depth)
    : src_(src), line_(first_line), arena_(arena), max_depth_(max_depth) {}

void Parser::fail(const char* msg, bool eof) {
  if (failed_) return;
  failed_ = true;
  fail_eof_ = eof;
  fail_line_ = line_;
  error_.clear();
  error_.append("Syntax error: ");
  error_.append(msg);
}

void Parser::unexpected(const Token& t, const char* expecting) {
  if (failed_) return;
  Str m;
  if (t.type == Tok::Eof) {
    m.append("end of file");
  } else if (t.type == Tok::Newline) {
    m.append("newline");
  } else {
    m.push('"');
    m.append(text(t).substr(0, 64));
    m.push('"');
  }
  m.append(" unexpected");
  if (expecting) {
    m.append(" (expecting \"");
    m.append(expecting);
    m.append("\")");
  }
  fail(m.c_str(), t.type == Tok::Eof);
  fail_line_ = t.line;
}

bool Parser::enter() {
  if (++depth_ > max_depth_) {
    fail("nesting too deep", false);
    return false;
  }
  return true;
}

// ---- Lexer ----

const Parser::Token& Parser::peek() {
  if (!have_tok_) {
    lex(tok_);
    have_tok_ = true;
  }
  return tok_;
}

Parser::Token Parser::take() {
  peek();
  have_tok_ = false;
  return tok_;
}

void Parser::lex(Token& out) {
  // Into a local: scanning $(...) parses recursively and reuses tok_, which may be `out`.
  Token t;
  lex_into(t);
  out = t;
}

void Parser::lex_into(Token& t) {
  if (failed_) { t.type = Tok::Eof; t.line = line_; return; }
  for (;;) {
    while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t')) ++pos_;
    if (pos_ + 1 < src_.size() && src_[pos_] == '\\' && src_[pos_ + 1] == '\n') {
      pos_ += 2;   // a line continuation between words
      ++line_;
      continue;
    }
    if (pos_ < src_.size() && src_[pos_] == '#') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    }
    break;
  }
  t.start = pos_;
  t.line = line_;
  if (pos_ >= src_.size()) { t.type = Tok::Eof; return; }
  char c = src_[pos_];
  char n = pos_ + 1 < src_.size() ? src_[pos_ + 1] : 0;
  auto op = [&](Tok type, size_t len) { t.type = type; t.len = len; pos_ += len; };
  switch (c) {
    case '\n':
      op(Tok::Newline, 1);
      ++line_;
      if (!heredocs_.empty()) read_heredocs();
      return;
    case '&': n == '&' ? op(Tok::AndIf, 2) : op(Tok::Amp, 1); return;
    case '|': n == '|' ? op(Tok::OrIf, 2) : op(Tok::Pipe, 1); return;
    case ';': n == ';' ? op(Tok::DSemi, 2) : op(Tok::Semi, 1); return;
    case '(': op(Tok::LParen, 1); return;
    case ')': op(Tok::RParen, 1); return;
    case '<':
      if (n == '<') {
        if (pos_ + 2 < src_.size() && src_[pos_ + 2] == '-') op(Tok::DLessDash, 3);
        else op(Tok::DLess, 2);
      }
      else if (n == '&') op(Tok::LessAnd, 2);
      else if (n == '>') op(Tok::LessGreat, 2);
      else op(Tok::Less, 1);
      return;
    case '>':
      if (n == '>') op(Tok::DGreat, 2);
      else if (n == '&') op(Tok::GreatAnd, 2);
      else if (n == '|') op(Tok::Clobber, 2);
      else op(Tok::Great, 1);
      return;
    default: break;
  }
  if (!scan_word()) { t.type = Tok::Eof; return; }
  t.type = Tok::Word;
  t.len = pos_ - t.start;
  // All digits and directly followed by a redirection operator: an IO_NUMBER.
  if (pos_ < src_.size() && (src_[pos_] == '<' || src_[pos_] == '>') && t.len <= 4) {
    bool digits = true;
    int v = 0;
    for (size_t i = t.start; i < pos_; ++i) {
      if (src_[i] < '0' || src_[i] > '9') { digits = false; break; }
      v = v * 10 + (src_[i] - '0');
    }
    if (digits) { t.type = Tok::IoNumber; t.io_number = v; }
  }
}

bool Parser::scan_word() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (is_meta(c)) break;
    switch (c) {
      case '\\':
        if (pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n') ++line_;
        pos_ += pos_ + 1 < src_.size() ? 2 : 1;
        break;
      case '\'': if (!scan_single_quote()) return false; break;
      case '"': if (!scan_double_quote()) return false; break;
      case '$': if (!scan_dollar()) return false; break;
      case '`': if (!scan_backquote()) return false; break;
      default: ++pos_; break;
    }
  }
  return true;
}

bool Parser::scan_single_quote() {
  ++pos_;
  while (pos_ < src_.size() && src_[pos_] != '\'') {
    if (src_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= src_.size()) { fail("Unterminated quoted string", true); return false; }
  ++pos_;
  return true;
}

bool Parser::scan_double_quote() {
  ++pos_;
  while (pos_ < src_.size() && src_[pos_] != '"') {
    char c = src_[pos_];
    if (c == '\\') {
      if (pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n') ++line_;
      pos_ += 2;
    } else if (c == '$') {
      if (!scan_dollar()) return false;
    } else if (c == '`') {
      if (!scan_backquote()) return false;
    } else {
      if (c == '\n') ++line_;
      ++pos_;
    }
  }
  if (pos_ >= src_.size()) { fail("Unterminated quoted string", true); return false; }
  ++pos_;
  return true;
}

bool Parser::scan_dollar() {
  char n = pos_ + 1 < src_.size() ? src_[pos_ + 1] : 0;
  if (n == '{') return scan_braced();
  if (n == '(') {
    if (pos_ + 2 < src_.size() && src_[pos_ + 2] == '(') return scan_arith();
    return scan_command_subst();
  }
  ++pos_;
  return true;
}

bool Parser::scan_braced() {
  if (!enter()) return false;
  pos_ += 2;
  while (pos_ < src_.size() && src_[pos_] != '}') {
    char c = src_[pos_];
    bool ok = true;
    if (c == '\\') {
      pos_ += 2;
    } else if (c == '\'') {
      ok = scan_single_quote();
    } else if (c == '"') {
      ok = scan_double_quote();
    } else if (c == '$') {
      ok = scan_dollar();
    } else if (c == '`') {
      ok = scan_backquote();
    } else {
      if (c == '\n') ++line_;
      ++pos_;
    }
    if (!ok) { leave(); return false; }
  }
  leave();
  if (pos_ >= src_.size()) { fail("Missing '}'", true); return false; }
  ++pos_;
  return true;
}

bool Parser::scan_arith() {
  if (!enter()) return false;
  pos_ += 3;
  int depth = 0;
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) {
        if (pos_ + 1 < src_.size() && src_[pos_ + 1] == ')') { pos_ += 2; leave(); return true; }
        leave();
        fail("Missing '))'", false);
        return false;
      }
      --depth;
    } else if (c == '\n') {
      ++line_;
    }
    ++pos_;
  }
  leave();
  fail("Missing '))'", true);
  return false;
}

bool Parser::scan_command_subst() {
  if (!enter()) return false;
  pos_ += 2;
  // Parse what follows as a program up to the matching ')': only the grammar knows where that is
  // (a case pattern's ')' does not close it). The nodes are thrown away; the expander re-parses.
  Token saved = tok_;
  bool saved_have = have_tok_;
  have_tok_ = false;
  linebreak();
  if (peek().type != Tok::RParen) {
    compound_list();
  }
  bool ok = !failed_ && expect_op(Tok::RParen, ")");
  // expect_op consumed the ')': pos_ is just past it.
  tok_ = saved;
  have_tok_ = saved_have;
  leave();
  return ok;
}

bool Parser::scan_backquote() {
  ++pos_;
  while (pos_ < src_.size() && src_[pos_] != '`') {
    if (src_[pos_] == '\\') ++pos_;
    if (pos_ < src_.size() && src_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= src_.size()) { fail("EOF in backquote substitution", true); return false; }
  ++pos_;
  return true;
}

// ---- Parser ----

Node* Parser::new_node(NodeKind k, int line) {
  Node* n = arena_->make<Node>();
  if (!n) { fail("out of memory", false); return nullptr; }
  n->kind = k;
  n->line = line;
  return n;
}

bool Parser::make_word(const Token& t, Word* out) {
  std::string_view s = text(t);
  const char* p = arena_->copy(s);
  if (!p) { fail("out of memory", false); return false; }
  out->text = p;
  out->len = static_cast<uint32_t>(s.size());
  return true;
}

bool Parser::make_list(Vec<Word>& v, WordList* out) {
  out->count = static_cast<uint32_t>(v.size());
  if (v.empty()) { out->items = nullptr; return true; }
  out->items = static_cast<Word*>(arena_->alloc(sizeof(Word) * v.size()));
  if (!out->items) { fail("out of memory", false); return false; }
  for (size_t i = 0; i < v.size(); ++i) out->items[i] = v[i];
  return true;
}

void Parser::linebreak() {
  while (!failed_ && peek().type == Tok::Newline) take();
}

bool Parser::expect_word(const char* w) {
  linebreak();
  const Token& t = peek();
  if (is_word(t, w)) { take(); return true; }
  unexpected(t, w);
  return false;
}

bool Parser::expect_op(Tok type, const char* name) {
  const Token& t = peek();
  if (t.type == type) { take(); return true; }
  unexpected(t, name);
  return false;
}

bool Parser::at_reserved_terminator() {
  const Token& t = peek();
  if (t.type == Tok::Eof || t.type == Tok::RParen || t.type == Tok::DSemi) return true;
  if (t.type != Tok::Word) return false;
  std::string_view s = text(t);
  return s == "then" || s == "else" || s == "elif" || s == "fi" || s == "do" || s == "done" ||
         s == "esac" || s == "}";
}

ParseResult Parser::next() {
  ParseResult r;
  heredoc_open_ = false;
  linebreak();
  if (!failed_ && peek().type == Tok::Eof) {
    r.status = ParseStatus::End;
  } else {
    Node* n = failed_ ? nullptr : list_top();
    if (!failed_ && n) {
      r.status = ParseStatus::Ok;
      r.node = n;
    }
  }
  // A here-document whose line was the last one: its body is empty and still open.
  if (!heredocs_.empty()) {
    for (PendingHereDoc& h : heredocs_) h.redir->target.len = 0;
    heredocs_.clear();
    heredoc_open_ = true;
  }
  r.heredoc_open = heredoc_open_;
  if (failed_) {
    r.status = ParseStatus::Error;
    r.node = nullptr;
    r.at_eof = fail_eof_;
    r.error_line = fail_line_;
    r.error = error_;
  }
  return r;
}

ParseResult Parser::parse_subst() {
  ParseResult r;
  linebreak();
  Node* n = nullptr;
  if (!failed_ && peek().type != Tok::RParen) n = compound_list();
  if (!failed_) expect_op(Tok::RParen, ")");
  if (failed_) {
    r.status = ParseStatus::Error;
    r.at_eof = fail_eof_;
    r.error_line = fail_line_;
    r.error = error_;
    return r;
  }
  r.status = ParseStatus::Ok;
  r.node = n;
  return r;
}

// A top-level list ends at a newline (consumed) or the end of input.
Node* Parser::list_top() {
  Node* list = new_node(NodeKind::List, peek().line);
  if (!list) return nullptr;
  Node** tail = &list->body;
  for (;;) {
    Node* item = and_or();
    if (!item) return nullptr;
    *tail = item;
    tail = &item->next;
    const Token& t = peek();
    if (t.type == Tok::Semi || t.type == Tok::Amp) {
      item->async = t.type == Tok::Amp;
      take();
      Tok after = peek().type;
      if (after == Tok::Newline) { take(); break; }
      if (after == Tok::Eof) break;
      continue;
    }
    if (t.type == Tok::Newline) { take(); break; }
    if (t.type == Tok::Eof) break;
    unexpected(t);
    return nullptr;
  }
  return list;
}

// A list inside a compound command: ends before a reserved terminator, ')' or ';;'.
Node* Parser::compound_list() {
  linebreak();
  Node* list = new_node(NodeKind::List, peek().line);
  if (!list) return nullptr;
  Node** tail = &list->body;
  bool any = false;
  while (!failed_ && !at_reserved_terminator()) {
    Node* item = and_or();
    if (!item) return nullptr;
    any = true;
    *tail = item;
    tail = &item->next;
    const Token& t = peek();
    if (t.type == Tok::Semi || t.type == Tok::Amp) {
      item->async = t.type == Tok::Amp;
      take();
      linebreak();
    } else if (t.type == Tok::Newline) {
      linebreak();
    } else {
      break;
    }
  }
  if (failed_) return nullptr;
  if (!any) { unexpected(peek()); return nullptr; }
  return list;
}

Node* Parser::and_or() {
  if (!enter()) return nullptr;
  Node* chain = new_node(NodeKind::AndOr, peek().line);
  Node* first = chain ? pipeline() : nullptr;
  if (!first) { leave(); return nullptr; }
  chain->body = first;
  Node* last = first;
  for (;;) {
    Tok t = peek().type;
    if (t != Tok::AndIf && t != Tok::OrIf) break;
    take();
    linebreak();
    Node* p = pipeline();
    if (!p) { leave(); return nullptr; }
    p->op = t == Tok::AndIf ? JoinOp::And : JoinOp::Or;
    last->next = p;
    last = p;
  }
  leave();
  return chain;
}

Node* Parser::pipeline() {
  Node* p = new_node(NodeKind::Pipeline, peek().line);
  if (!p) return nullptr;
  if (is_word(peek(), "!")) { take(); p->bang = true; }
  Node* first = command();
  if (!first) return nullptr;
  p->body = first;
  Node* last = first;
  while (peek().type == Tok::Pipe) {
    take();
    linebreak();
    Node* c = command();
    if (!c) return nullptr;
    last->next = c;
    last = c;
  }
  return p;
}

Node* Parser::command() {
  if (!enter()) return nullptr;
  const Token& t = peek();
  Node* n = nullptr;
  bool compound = true;
  if (t.type == Tok::LParen) {
    n = subshell();
  } else if (t.type == Tok::Word) {
    std::string_view s = text(t);
    if (s == "if") n = if_clause();
    else if (s == "while") n = loop_clause(NodeKind::While);
    else if (s == "until") n = loop_clause(NodeKind::Until);
    else if (s == "for") n = for_clause();
    else if (s == "case") n = case_clause();
    else if (s == "{") n = brace_group();
    else if (s == "then" || s == "else" || s == "elif" || s == "fi" || s == "do" || s == "done" ||
             s == "esac" || s == "}" || s == "in") {
      unexpected(t);
    } else {
      compound = false;
      n = simple_command();
    }
  } else {
    compound = false;
    n = simple_command();
  }
  if (n && compound && !redirections(&n->redirs)) n = nullptr;
  leave();
  return failed_ ? nullptr : n;
}

bool Parser::redirection(Redir** slot) {
  Token t = take();
  int fd = -1;
  if (t.type == Tok::IoNumber) {
    fd = t.io_number;
    t = take();
  }
  Redir* r = arena_->make<Redir>();
  if (!r) { fail("out of memory", false); return false; }
  switch (t.type) {
    case Tok::Less: r->op = RedirOp::In; break;
    case Tok::Great: case Tok::Clobber: r->op = RedirOp::Out; break;
    case Tok::DGreat: r->op = RedirOp::Append; break;
    case Tok::LessAnd: r->op = RedirOp::DupIn; break;
    case Tok::GreatAnd: r->op = RedirOp::DupOut; break;
    case Tok::LessGreat: r->op = RedirOp::ReadWrite; break;
    case Tok::DLess: case Tok::DLessDash: r->op = RedirOp::HereDoc; break;
    default: unexpected(t); return false;
  }
  if (r->op == RedirOp::HereDoc) {
    r->fd = fd >= 0 ? fd : 0;
    const Token& word = peek();
    if (word.type != Tok::Word) { unexpected(word); return false; }
    Token w = take();
    // The delimiter is the word after quote removal; any quoting means a body without expansion.
    PendingHereDoc h;
    h.redir = r;
    h.strip_tabs = t.type == Tok::DLessDash;
    std::string_view d = text(w);
    for (size_t i = 0; i < d.size(); ++i) {
      char c = d[i];
      if (c == '\'' || c == '"') { r->op = RedirOp::HereDocRaw; continue; }
      if (c == '\\' && i + 1 < d.size()) { r->op = RedirOp::HereDocRaw; c = d[++i]; }
      h.delimiter.push(c);
    }
    r->target.text = "";
    if (!heredocs_.push_back(static_cast<PendingHereDoc&&>(h))) { fail("out of memory", false); return false; }
    *slot = r;
    return true;
  }
  bool input = r->op == RedirOp::In || r->op == RedirOp::DupIn || r->op == RedirOp::ReadWrite;
  r->fd = fd >= 0 ? fd : (input ? 0 : 1);
  const Token& target = peek();
  if (target.type != Tok::Word) { unexpected(target); return false; }
  if (!make_word(take(), &r->target)) return false;
  *slot = r;
  return true;
}

static bool is_redir_tok(int t, int less, int last) { return t >= less && t <= last; }

// Bodies of the here-documents started on the line that just ended: line by line up to the
// delimiter. The end of input also ends a body (as in dash); heredoc_open_ tells an interactive
// reader that more lines could still belong to it.
void Parser::read_heredocs() {
  for (PendingHereDoc& h : heredocs_) {
    Str body;
    bool closed = false;
    while (pos_ < src_.size()) {
      size_t nl = src_.find('\n', pos_);
      size_t end = nl == std::string_view::npos ? src_.size() : nl;
      std::string_view l = src_.substr(pos_, end - pos_);
      pos_ = nl == std::string_view::npos ? src_.size() : nl + 1;
      ++line_;
      if (h.strip_tabs) while (!l.empty() && l[0] == '\t') l.remove_prefix(1);
      if (l == h.delimiter.view()) { closed = true; break; }
      body.append(l);
      if (nl != std::string_view::npos) body.push('\n');
    }
    if (!closed) heredoc_open_ = true;
    const char* text = arena_->copy(body.view());
    if (!text) { fail("out of memory", false); return; }
    h.redir->target.text = text;
    h.redir->target.len = static_cast<uint32_t>(body.size());
  }
  heredocs_.clear();
}

bool Parser::redirections(Redir** head) {
  Redir** tail = head;
  while (*tail) tail = &(*tail)->next;
  for (;;) {
    Tok t = peek().type;
    if (t != Tok::IoNumber && !is_redir_tok(static_cast<int>(t), static_cast<int>(Tok::Less),
                                            static_cast<int>(Tok::DLessDash)))
      return true;
    if (!redirection(tail)) return false;
    tail = &(*tail)->next;
  }
}

Node* Parser::simple_command() {
  Node* n = new_node(NodeKind::Simple, peek().line);
  if (!n) return nullptr;
  Vec<Word> words, assigns;
  Redir** rtail = &n->redirs;
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::Word) {
      Token w = take();
      std::string_view s = text(w);
      size_t eq = s.find('=');
      if (words.empty() && eq != std::string_view::npos && eq > 0 && is_name(s.substr(0, eq))) {
        Word word;
        if (!make_word(w, &word)) return nullptr;
        assigns.push_back(word);
        continue;
      }
      if (words.empty() && assigns.empty() && !n->redirs && peek().type == Tok::LParen) {
        return function_def(w);
      }
      Word word;
      if (!make_word(w, &word)) return nullptr;
      if (!words.push_back(word)) { fail("out of memory", false); return nullptr; }
      continue;
    }
    if (t.type == Tok::IoNumber || is_redir_tok(static_cast<int>(t.type), static_cast<int>(Tok::Less),
                                                static_cast<int>(Tok::DLessDash))) {
      if (!redirection(rtail)) return nullptr;
      rtail = &(*rtail)->next;
      continue;
    }
    break;
  }
  if (words.empty() && assigns.empty() && !n->redirs) {
    unexpected(peek());
    return nullptr;
  }
  if (!make_list(words, &n->words) || !make_list(assigns, &n->assigns)) return nullptr;
  return n;
}

Node* Parser::function_def(const Token& name) {
  if (!is_name(text(name))) {
    // dash: "Syntax error: Bad function name"
    fail("Bad function name", false);
    return nullptr;
  }
  take();  // (
  if (!expect_op(Tok::RParen, ")")) return nullptr;
  linebreak();
  Node* f = new_node(NodeKind::FuncDef, name.line);
  if (!f || !make_word(name, &f->name)) return nullptr;
  const Token& t = peek();
  bool compound = t.type == Tok::LParen ||
                  (t.type == Tok::Word && (text(t) == "{" || text(t) == "if" || text(t) == "while" ||
                                           text(t) == "until" || text(t) == "for" || text(t) == "case"));
  if (!compound) { unexpected(t); return nullptr; }
  f->body = command();
  return f->body ? f : nullptr;
}

Node* Parser::if_clause() {
  Node* n = new_node(NodeKind::If, take().line);
  if (!n) return nullptr;
  n->cond = compound_list();
  if (!n->cond || !expect_word("then")) return nullptr;
  n->body = compound_list();
  if (!n->body) return nullptr;
  const Token& t = peek();
  if (is_word(t, "elif")) {
    if (!enter()) return nullptr;
    n->else_part = if_clause();   // consumes the shared "fi"
    leave();
    return n->else_part ? n : nullptr;
  }
  if (is_word(t, "else")) {
    take();
    n->else_part = compound_list();
    if (!n->else_part) return nullptr;
  }
  return expect_word("fi") ? n : nullptr;
}

Node* Parser::loop_clause(NodeKind kind) {
  Node* n = new_node(kind, take().line);
  if (!n) return nullptr;
  n->cond = compound_list();
  if (!n->cond || !expect_word("do")) return nullptr;
  n->body = compound_list();
  if (!n->body || !expect_word("done")) return nullptr;
  return n;
}

Node* Parser::for_clause() {
  Node* n = new_node(NodeKind::For, take().line);
  if (!n) return nullptr;
  const Token& name = peek();
  if (name.type != Tok::Word || !is_name(text(name))) {
    if (name.type == Tok::Word) fail("Bad for loop variable", false);
    else unexpected(name);
    return nullptr;
  }
  if (!make_word(take(), &n->name)) return nullptr;
  linebreak();
  if (is_word(peek(), "in")) {
    take();
    n->has_in = true;
    Vec<Word> words;
    while (peek().type == Tok::Word) {
      Word w;
      if (!make_word(take(), &w)) return nullptr;
      words.push_back(w);
    }
    if (!make_list(words, &n->words)) return nullptr;
    Tok t = peek().type;
    if (t != Tok::Semi && t != Tok::Newline) { unexpected(peek(), t == Tok::Eof ? nullptr : "do"); return nullptr; }
    take();
  } else if (peek().type == Tok::Semi) {
    take();
  }
  if (!expect_word("do")) return nullptr;
  n->body = compound_list();
  if (!n->body || !expect_word("done")) return nullptr;
  return n;
}

Node* Parser::case_clause() {
  Node* n = new_node(NodeKind::Case, take().line);
  if (!n) return nullptr;
  if (peek().type != Tok::Word) { unexpected(peek()); return nullptr; }
  if (!make_word(take(), &n->name)) return nullptr;
  if (!expect_word("in")) return nullptr;
  CaseItem** tail = &n->items;
  for (;;) {
    linebreak();
    if (failed_) return nullptr;
    if (is_word(peek(), "esac")) { take(); return n; }
    CaseItem* item = arena_->make<CaseItem>();
    if (!item) { fail("out of memory", false); return nullptr; }
    if (peek().type == Tok::LParen) take();
    Vec<Word> pats;
    for (;;) {
      const Token& t = peek();
      if (t.type != Tok::Word) { unexpected(t); return nullptr; }
      Word w;
      if (!make_word(take(), &w)) return nullptr;
      pats.push_back(w);
      if (peek().type == Tok::Pipe) { take(); continue; }
      if (!expect_op(Tok::RParen, ")")) return nullptr;
      break;
    }
    if (!make_list(pats, &item->patterns)) return nullptr;
    linebreak();
    if (peek().type != Tok::DSemi && !is_word(peek(), "esac")) {
      item->body = compound_list();
      if (!item->body) return nullptr;
    }
    *tail = item;
    tail = &item->next;
    linebreak();
    if (peek().type == Tok::DSemi) { take(); continue; }
    if (is_word(peek(), "esac")) { take(); return n; }
    unexpected(peek(), "esac");
    return nullptr;
  }
}

Node* Parser::brace_group() {
  Node* n = new_node(NodeKind::Group, take().line);
  if (!n) return nullptr;
  n->body = compound_list();
  if (!n->body || !expect_word("}")) return nullptr;
  return n;
}

Node* Parser::subshell() {
  Node* n = new_node(NodeKind::Subshell, take().line);
  if (!n) return nullptr;
  n->body = compound_list();
  if (!n->body || !expect_op(Tok::RParen, ")")) return nullptr;
  return n;
}

}  // namespace shell
