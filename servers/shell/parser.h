// servers/shell/parser.h: the lexer and recursive-descent parser of the POSIX shell grammar.
// It parses one complete command at a time (up to a newline at the top level), as dash does, so
// that a script runs up to its first syntax error. Word texts are kept as written and validated
// here (quotes closed, $(...) parsed as a nested program, ${...} and $((...)) closed); the
// expander re-reads them at run time. Nesting is bounded by max_depth, so no input can make it
// recurse without bound; errors are values with dash's wording.
#pragma once

#include <string_view>

#include "servers/shell/ast.h"
#include "servers/shell/buf.h"

namespace shell {

enum class ParseStatus {
  Ok,          // node holds one complete command (possibly a list)
  End,         // nothing left but blanks, comments and newlines
  Error,       // error holds "Syntax error: ..." and error_line its line
};

struct ParseResult {
  ParseStatus status = ParseStatus::End;
  Node* node = nullptr;
  bool at_eof = false;   // Error: more input might have completed it (the interactive shell asks)
  bool heredoc_open = false;  // Ok, but a here-document ran to the end of input (ditto)
  int error_line = 0;
  Str error;
};

class Parser {
 public:
  static constexpr int kDefaultMaxDepth = 200;
  // `src` must outlive the parser; word texts are copied into `arena`, which must outlive the nodes.
  Parser(std::string_view src, int first_line, Arena* arena, int max_depth = kDefaultMaxDepth);
  ParseResult next();
  // For $(...) at run time: the source starts just after "$("; parses a possibly empty list and
  // the closing ')'. offset() is then just past the ')'. node is null for an empty list.
  ParseResult parse_subst();
  int line() const { return line_; }
  size_t offset() const { return pos_; }

 private:
  enum class Tok : uint8_t {
    Word, IoNumber, Newline, Eof,
    AndIf, OrIf, DSemi, Semi, Amp, Pipe, LParen, RParen,
    Less, Great, DGreat, LessAnd, GreatAnd, LessGreat, Clobber, DLess, DLessDash,
  };
  struct PendingHereDoc {
    Redir* redir;
    Str delimiter;
    bool strip_tabs;
  };
  struct Token {
    Tok type = Tok::Eof;
    size_t start = 0;
    size_t len = 0;
    int line = 0;
    int io_number = -1;
  };

  // Lexer.
  const Token& peek();
  Token take();
  void lex(Token& out);
  void lex_into(Token& t);
  bool scan_word();
  bool scan_single_quote();
  bool scan_double_quote();
  bool scan_dollar();
  bool scan_backquote();
  bool scan_braced();
  bool scan_arith();
  bool scan_command_subst();
  std::string_view text(const Token& t) const { return src_.substr(t.start, t.len); }
  bool is_word(const Token& t, std::string_view w) const { return t.type == Tok::Word && text(t) == w; }
  bool at_reserved_terminator();

  // Parser.
  Node* list_top();
  Node* compound_list();
  Node* and_or();
  Node* pipeline();
  Node* command();
  Node* simple_command();
  Node* if_clause();
  Node* loop_clause(NodeKind kind);
  Node* for_clause();
  Node* case_clause();
  Node* brace_group();
  Node* subshell();
  Node* function_def(const Token& name);
  bool redirection(Redir** tail_next);
  bool redirections(Redir** head);
  void linebreak();
  bool expect_word(const char* w);
  bool expect_op(Tok t, const char* name);
  Node* new_node(NodeKind k, int line);
  bool make_word(const Token& t, Word* out);
  bool make_list(Vec<Word>& v, WordList* out);

  // Errors: the first one wins.
  void fail(const char* msg, bool eof);
  void unexpected(const Token& t, const char* expecting = nullptr);
  bool enter();
  void leave() { --depth_; }

  std::string_view src_;
  size_t pos_ = 0;
  int line_;
  Arena* arena_;
  int max_depth_;
  int depth_ = 0;
  Token tok_;
  bool have_tok_ = false;
  Vec<PendingHereDoc> heredocs_;   // read after the next newline token
  bool heredoc_open_ = false;
  void read_heredocs();
  bool failed_ = false;
  bool fail_eof_ = false;
  int fail_line_ = 0;
  Str error_;
};

// Whether `s` is a valid shell variable name.
bool is_name(std::string_view s);

}  // namespace shell
