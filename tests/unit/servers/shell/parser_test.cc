// tests/unit/servers/shell/parser_test.cc: the parser alone: what it accepts, the tree it builds,
// dash's syntax error messages, and malformed input that must give an error and never a crash.
#include <catch2/catch.hpp>

#include <string>

#include "servers/shell/parser.h"

using namespace shell;

namespace {

struct Parsed {
  ParseStatus status;
  std::string error;
  bool at_eof;
  int commands;
  Node* first;
};

// Parses all of `src`, counting complete commands; stops at the first error.
Parsed parse_all(const std::string& src, Arena* arena) {
  Parser p(src, 1, arena);
  Parsed r{ParseStatus::End, "", false, 0, nullptr};
  for (;;) {
    ParseResult pr = p.next();
    if (pr.status == ParseStatus::End) return r;
    if (pr.status == ParseStatus::Error) {
      r.status = ParseStatus::Error;
      r.error = std::string(pr.error.view());
      r.at_eof = pr.at_eof;
      return r;
    }
    r.status = ParseStatus::Ok;
    if (!r.first) r.first = pr.node;
    ++r.commands;
  }
}

struct ArenaHolder {
  Arena* a = Arena::create();
  ~ArenaHolder() { a->release(); }
};

std::string error_of(const std::string& src) {
  ArenaHolder h;
  return parse_all(src, h.a).error;
}

}  // namespace

TEST_CASE("a simple command keeps its words as written, quotes included", "[shell][parser]") {
  ArenaHolder h;
  Parsed p = parse_all("echo 'a b' \"c $d\" e\\ f x=1\n", h.a);
  REQUIRE(p.status == ParseStatus::Ok);
  Node* list = p.first;
  Node* simple = list->body->body->body;
  REQUIRE(simple->kind == NodeKind::Simple);
  REQUIRE(simple->words.count == 5);
  CHECK(simple->words.items[1].view() == "'a b'");
  CHECK(simple->words.items[2].view() == "\"c $d\"");
  CHECK(simple->words.items[3].view() == "e\\ f");
  CHECK(simple->words.items[4].view() == "x=1");   // not leading: an argument
}

TEST_CASE("leading NAME=value words are assignments", "[shell][parser]") {
  ArenaHolder h;
  Parsed p = parse_all("A=1 B=\"2 3\" cmd C=4", h.a);
  Node* simple = p.first->body->body->body;
  CHECK(simple->assigns.count == 2);
  CHECK(simple->words.count == 2);
}

TEST_CASE("one command per line, lists with ; & && || and pipelines", "[shell][parser]") {
  ArenaHolder h;
  Parsed p = parse_all("a; b &\nc && d || e\nf | g | h\n", h.a);
  REQUIRE(p.status == ParseStatus::Ok);
  CHECK(p.commands == 3);
  Node* first = p.first->body;
  CHECK_FALSE(first->async);
  CHECK(first->next->async);
}

TEST_CASE("redirections take fds, operators and targets", "[shell][parser]") {
  ArenaHolder h;
  Parsed p = parse_all("cmd >out 2>&1 <in >>log 3<>rw 2>err", h.a);
  Node* simple = p.first->body->body->body;
  Redir* r = simple->redirs;
  REQUIRE(r);
  CHECK((r->fd == 1 && r->op == RedirOp::Out && r->target.view() == "out"));
  r = r->next;
  CHECK((r->fd == 2 && r->op == RedirOp::DupOut && r->target.view() == "1"));
  r = r->next;
  CHECK((r->fd == 0 && r->op == RedirOp::In));
  r = r->next;
  CHECK((r->fd == 1 && r->op == RedirOp::Append));
  r = r->next;
  CHECK((r->fd == 3 && r->op == RedirOp::ReadWrite));
  r = r->next;
  CHECK((r->fd == 2 && r->op == RedirOp::Out && r->target.view() == "err"));
}

TEST_CASE("compound commands parse", "[shell][parser]") {
  ArenaHolder h;
  const char* ok[] = {
    "if a; then b; elif c; then d; else e; fi",
    "if a\nthen\n  b\nfi",
    "while a; do b; done",
    "until a; do b; done",
    "for i in 1 2 3; do echo $i; done",
    "for i\ndo echo $i\ndone",
    "case $x in a|b) echo ab;; (c*) echo c;; *) ;; esac",
    "case x in\n  x)\n    echo x\n    ;;\nesac",
    "f() { echo $1; }",
    "f()\n{\n  echo\n}",
    "( cd /; pwd ) > out",
    "{ a; b; } 2>&1 | c",
    "! false",
    "echo $(case x in x) echo y;; esac)",
    "echo \"$(echo \"inner $(echo deep)\")\"",
    "echo `echo back`",
    "echo $((1 + (2 * 3)))",
    "echo ${x:-${y:-z}} ${#x} ${x%%.*}",
    "a &&\nb ||\nc",
    "a |\nb",
    "echo a # a comment ) ; fi",
  };
  for (const char* src : ok) {
    INFO(src);
    Parsed p = parse_all(src, h.a);
    CHECK(p.status == ParseStatus::Ok);
    CHECK(p.error.empty());
  }
}

TEST_CASE("syntax errors use dash's words", "[shell][parser]") {
  CHECK(error_of("if true; then echo") == "Syntax error: end of file unexpected (expecting \"fi\")");
  CHECK(error_of("echo \"abc") == "Syntax error: Unterminated quoted string");
  CHECK(error_of("echo 'abc") == "Syntax error: Unterminated quoted string");
  CHECK(error_of("echo $(ls") == "Syntax error: end of file unexpected (expecting \")\")");
  CHECK(error_of("fi") == "Syntax error: \"fi\" unexpected");
  CHECK(error_of("echo ${x") == "Syntax error: Missing '}'");
  CHECK(error_of("echo `ls") == "Syntax error: EOF in backquote substitution");
  CHECK(error_of("( ; )") == "Syntax error: \";\" unexpected");
  CHECK(error_of("echo >") == "Syntax error: end of file unexpected");
  CHECK(error_of("echo >\n") == "Syntax error: newline unexpected");
  CHECK(error_of("while true") == "Syntax error: end of file unexpected (expecting \"do\")");
  CHECK(error_of("if true; then echo; done") ==
        "Syntax error: \"done\" unexpected (expecting \"fi\")");
  CHECK(error_of("a && && b") == "Syntax error: \"&&\" unexpected");
  CHECK(error_of("| a") == "Syntax error: \"|\" unexpected");
}

TEST_CASE("an error at the end of input says more input could complete it", "[shell][parser]") {
  ArenaHolder h;
  CHECK(parse_all("if true; then\n", h.a).at_eof);
  CHECK(parse_all("echo 'open\n", h.a).at_eof);
  CHECK(parse_all("echo $(\n", h.a).at_eof);
  CHECK_FALSE(parse_all("fi\n", h.a).at_eof);
}

TEST_CASE("malformed and hostile input gives an error, never a crash", "[shell][parser]") {
  SECTION("a 100 KB line of words parses") {
    std::string line = "echo";
    while (line.size() < 100 * 1024) line += " word";
    ArenaHolder h;
    CHECK(parse_all(line, h.a).status == ParseStatus::Ok);
  }
  SECTION("a 100 KB unterminated quote is an error") {
    std::string line = "echo \"" + std::string(100 * 1024, 'x');
    CHECK(error_of(line) == "Syntax error: Unterminated quoted string");
  }
  SECTION("10,000 nested parentheses hit the depth bound") {
    std::string s(10000, '(');
    s += "true";
    s += std::string(10000, ')');
    CHECK(error_of(s) == "Syntax error: nesting too deep");
  }
  SECTION("10,000 nested $( hit the depth bound") {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "$(";
    CHECK(error_of("echo " + s) == "Syntax error: nesting too deep");
  }
  SECTION("10,000 nested ${ and if hit the depth bound") {
    std::string s;
    for (int i = 0; i < 10000; ++i) s += "${x:-";
    CHECK(error_of("echo " + s) == "Syntax error: nesting too deep");
    std::string ifs;
    for (int i = 0; i < 10000; ++i) ifs += "if true; then ";
    CHECK(error_of(ifs) == "Syntax error: nesting too deep");
  }
  SECTION("binary bytes and stray operators") {
    std::string junk;
    for (int i = 0; i < 256; ++i) junk.push_back(static_cast<char>(i));
    ArenaHolder h;
    parse_all(junk, h.a);   // whatever it says, it returns
    CHECK(!error_of(";;").empty());
    CHECK(!error_of(")").empty());
    CHECK(!error_of("case").empty());
    CHECK(!error_of("for 1x in a; do :; done").empty());
    CHECK(!error_of("f() echo").empty());
  }
}

TEST_CASE("a here-document's body is read after the end of its line", "[shell][parser]") {
  ArenaHolder h;
  Parsed p = parse_all("cat <<EOF; echo x\nbody $y\nEOF\necho next\n", h.a);
  REQUIRE(p.status == ParseStatus::Ok);
  CHECK(p.commands == 2);
  Redir* r = p.first->body->body->body->redirs;
  REQUIRE(r);
  CHECK(r->op == RedirOp::HereDoc);
  CHECK(r->fd == 0);
  CHECK(r->target.view() == "body $y\n");
  Parsed q = parse_all("cat <<'E'\nraw\nE\n", h.a);
  CHECK(q.first->body->body->body->redirs->op == RedirOp::HereDocRaw);
}
