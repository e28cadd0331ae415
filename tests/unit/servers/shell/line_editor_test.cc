// tests/unit/servers/shell/line_editor_test.cc: the line editor, byte in, bytes out.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "servers/shell/line_editor.h"

using shell::LineEditor;
using shell::Str;

namespace {

struct Session {
  LineEditor ed;
  Str out;
  std::vector<std::string> lines;
  int interrupts = 0;
  bool eof = false;

  Session() { ed.begin("$ ", out); }
  void type(const std::string& bytes) {
    for (char c : bytes) {
      LineEditor::Event e = ed.feed(c, out);
      if (e == LineEditor::Event::Line) { lines.emplace_back(ed.line()); ed.begin("$ ", out); }
      if (e == LineEditor::Event::Interrupt) { ++interrupts; ed.begin("$ ", out); }
      if (e == LineEditor::Event::Eof) eof = true;
    }
  }
  std::string echoed() { std::string s(out.view()); out.clear(); return s; }
};

const std::string kLeft = "\x1b[D", kRight = "\x1b[C", kUp = "\x1b[A", kDown = "\x1b[B";

}  // namespace

TEST_CASE("typed characters are echoed and Enter finishes the line", "[shell][line_editor]") {
  Session s;
  CHECK(s.echoed() == "$ ");
  s.type("ls -l\r");
  CHECK(s.lines == std::vector<std::string>{"ls -l"});
  CHECK(s.echoed() == "ls -l\r\n$ ");
}

TEST_CASE("CR LF counts as one Enter, LF alone too", "[shell][line_editor]") {
  Session s;
  s.type("a\r\nb\n\n");
  CHECK(s.lines == std::vector<std::string>{"a", "b", ""});
}

TEST_CASE("backspace erases before the cursor", "[shell][line_editor]") {
  Session s;
  s.echoed();
  s.type("abc\x7f");
  CHECK(s.echoed() == "abc\b \b");
  s.type("\x08x\r");
  CHECK(s.lines == std::vector<std::string>{"ax"});
}

TEST_CASE("left and right move the cursor; typing inserts in the middle", "[shell][line_editor]") {
  Session s;
  s.type("acd" + kLeft + kLeft);
  CHECK(s.ed.cursor() == 1);
  s.echoed();
  s.type("b");
  CHECK(s.echoed() == "bcd\x1b[2D");
  s.type(kRight + kRight + kRight + "e\r");
  CHECK(s.lines == std::vector<std::string>{"abcde"});
}

TEST_CASE("^A and ^E go to the start and end; Home and End too", "[shell][line_editor]") {
  Session s;
  s.type("world\x01hello \x05!\r");
  CHECK(s.lines.back() == "hello world!");
  s.type("b\x1b[Ha\x1b[Fc\x1b[1~_\r");
  CHECK(s.lines.back() == "_abc");
}

TEST_CASE("^U kills to the start of the line, ^W the word before the cursor", "[shell][line_editor]") {
  Session s;
  s.type("echo one two  \x17three\r");
  CHECK(s.lines.back() == "echo one three");
  s.type("garbage\x15ok\r");
  CHECK(s.lines.back() == "ok");
  s.type("abc" + kLeft + "\x15\r");
  CHECK(s.lines.back() == "c");
}

TEST_CASE("Delete removes the character under the cursor", "[shell][line_editor]") {
  Session s;
  s.type("abc\x01\x1b[3~\r");
  CHECK(s.lines.back() == "bc");
}

TEST_CASE("up and down walk the history and come back to the new line", "[shell][line_editor]") {
  Session s;
  s.type("first\rsecond\rdraft");
  s.type(kUp);
  CHECK(s.ed.buffer() == "second");
  s.type(kUp);
  CHECK(s.ed.buffer() == "first");
  s.type(kUp);   // at the oldest: stays, rings the bell
  CHECK(s.ed.buffer() == "first");
  s.type(kDown);
  CHECK(s.ed.buffer() == "second");
  s.type(kDown);
  CHECK(s.ed.buffer() == "draft");
  s.type(kUp + kUp + " again\r");
  CHECK(s.lines.back() == "first again");
  CHECK(s.ed.history_size() == 3);
  s.echoed();
  s.type(kUp);
  CHECK(s.echoed() == "\r$ first again\x1b[K");
}

TEST_CASE("history skips empty lines and repeats, and is bounded", "[shell][line_editor]") {
  LineEditor ed(3);
  Str out;
  for (const char* l : {"a\r", "a\r", "\r", "b\r", "c\r", "d\r"}) {
    ed.begin("> ", out);
    for (const char* p = l; *p; ++p) ed.feed(*p, out);
  }
  CHECK(ed.history_size() == 3);
  ed.begin("> ", out);
  ed.feed('\x1b', out); ed.feed('[', out); ed.feed('A', out);
  CHECK(ed.buffer() == "d");
}

TEST_CASE("^C abandons the line; ^D ends only on an empty line", "[shell][line_editor]") {
  Session s;
  s.type("half typed\x03");
  CHECK(s.interrupts == 1);
  CHECK(s.lines.empty());
  CHECK(std::string(s.out.view()).find("^C\r\n") != std::string::npos);
  s.type("x\x04");
  CHECK_FALSE(s.eof);
  s.type("\x7f\x04");
  CHECK(s.eof);
}

TEST_CASE("unknown escape sequences and control bytes are swallowed", "[shell][line_editor]") {
  Session s;
  s.type("a\x1b[15~b\x1bxc\x1b[200~d\x07\r");
  CHECK(s.lines.back() == "abcd");
}

TEST_CASE("a line stops growing at kMaxLine", "[shell][line_editor]") {
  Session s;
  s.type(std::string(LineEditor::kMaxLine + 100, 'x') + "\r");
  CHECK(s.lines.back().size() == LineEditor::kMaxLine);
}
