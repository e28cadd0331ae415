// servers/shell/line_editor.h: interactive line editing as a pure component. Bytes from the
// terminal go in; bytes to echo come out (appended to the caller's buffer) together with an event
// when a line is finished, ^C was pressed or ^D ended the session. Keys: printable characters
// insert at the cursor; left/right (ESC [ D / ESC [ C, also ESC O x), Home/End (ESC [ H / F,
// ESC [ 1~ / 4~), ^A/^E; backspace (DEL or ^H) and Delete (ESC [ 3~); ^U kills to the start,
// ^K to the end, ^W the word before the cursor; up/down walk the history; ^L redraws; Enter is
// CR or LF (CR LF counts once). Owned by the console loop; no I/O, no allocation failure is fatal
// (the line simply stops growing at kMaxLine).
#pragma once

#include <stddef.h>

#include <string_view>

#include "servers/shell/buf.h"

namespace shell {

class LineEditor {
 public:
  static constexpr size_t kMaxLine = 4096;
  enum class Event { None, Line, Interrupt, Eof };

  explicit LineEditor(size_t history_size = 100) : history_max_(history_size) {}

  // Starts a new line: remembers the prompt and writes it to `out`.
  void begin(std::string_view prompt, Str& out);
  // Feeds one input byte. On Event::Line, line() is the finished line (without the newline) and
  // it has been added to the history; the caller calls begin() before the next line.
  Event feed(char c, Str& out);
  std::string_view line() const { return done_.view(); }
  // The current, unfinished line and the cursor in it (for tests).
  std::string_view buffer() const { return buf_.view(); }
  size_t cursor() const { return cur_; }
  size_t history_size() const { return history_.size(); }

 private:
  void insert(char c, Str& out);
  void backspace(Str& out);
  void redraw(Str& out);
  void set_buffer(std::string_view s, Str& out);
  void history_move(int dir, Str& out);
  void move_left(size_t n, Str& out);
  void move_right(size_t n, Str& out);
  Event key(char c, Str& out);
  void escape_final(char c, Str& out);

  Str prompt_;
  Str buf_;
  size_t cur_ = 0;
  Str done_;
  Vec<Str> history_;
  size_t history_max_;
  size_t hist_pos_ = 0;      // == history_.size() when editing the new line
  Str saved_;                // the new line while browsing the history
  int esc_ = 0;              // 0: normal, 1: after ESC, 2: after ESC [ or ESC O, collecting
  Str esc_params_;
  bool last_cr_ = false;
};

}  // namespace shell
