// servers/shell/line_editor.cc: see line_editor.h. Output uses only BS, CR, and the ANSI
// sequences ESC[K (erase to end of line), ESC[nC and ESC[nD (cursor right/left), which every
// serial terminal emulator understands.
#include "servers/shell/line_editor.h"

#include "servers/shell/arith.h"

namespace shell {

namespace {

void cursor_seq(Str& out, size_t n, char dir) {
  if (n == 0) return;
  out.append("\x1b[");
  append_number(out, static_cast<int64_t>(n));
  out.push(dir);
}

}  // namespace

void LineEditor::begin(std::string_view prompt, Str& out) {
  prompt_ = Str(prompt);
  buf_.clear();
  cur_ = 0;
  hist_pos_ = history_.size();
  saved_.clear();
  esc_ = 0;
  out.append(prompt);
}

void LineEditor::redraw(Str& out) {
  out.push('\r');
  out.append(prompt_.view());
  out.append(buf_.view());
  out.append("\x1b[K");
  cursor_seq(out, buf_.size() - cur_, 'D');
}

void LineEditor::move_left(size_t n, Str& out) {
  if (n > cur_) n = cur_;
  if (n == 0) return;
  cur_ -= n;
  if (n == 1) out.push('\b');
  else cursor_seq(out, n, 'D');
}

void LineEditor::move_right(size_t n, Str& out) {
  if (n > buf_.size() - cur_) n = buf_.size() - cur_;
  if (n == 0) return;
  // Re-printing the characters moves the cursor and is understood everywhere.
  out.append(buf_.view().substr(cur_, n));
  cur_ += n;
}

void LineEditor::insert(char c, Str& out) {
  if (buf_.size() >= kMaxLine) { out.push('\a'); return; }
  buf_.insert(cur_, &c, 1);
  ++cur_;
  if (cur_ == buf_.size()) {
    out.push(c);
  } else {
    out.append(buf_.view().substr(cur_ - 1));
    cursor_seq(out, buf_.size() - cur_, 'D');
  }
}

void LineEditor::backspace(Str& out) {
  if (cur_ == 0) return;
  buf_.erase(cur_ - 1, 1);
  --cur_;
  if (cur_ == buf_.size()) {
    out.append("\b \b");
  } else {
    out.push('\b');
    out.append(buf_.view().substr(cur_));
    out.append(" ");
    cursor_seq(out, buf_.size() - cur_ + 1, 'D');
  }
}

void LineEditor::set_buffer(std::string_view s, Str& out) {
  buf_ = Str(s);
  cur_ = buf_.size();
  redraw(out);
}

void LineEditor::history_move(int dir, Str& out) {
  if (dir < 0) {
    if (hist_pos_ == 0) { out.push('\a'); return; }
    if (hist_pos_ == history_.size()) saved_ = buf_;
    --hist_pos_;
    set_buffer(history_[hist_pos_].view(), out);
  } else {
    if (hist_pos_ >= history_.size()) { out.push('\a'); return; }
    ++hist_pos_;
    set_buffer(hist_pos_ == history_.size() ? saved_.view() : history_[hist_pos_].view(), out);
  }
}

void LineEditor::escape_final(char c, Str& out) {
  std::string_view p = esc_params_.view();
  switch (c) {
    case 'A': history_move(-1, out); break;
    case 'B': history_move(1, out); break;
    case 'C': move_right(1, out); break;
    case 'D': move_left(1, out); break;
    case 'H': move_left(cur_, out); break;
    case 'F': move_right(buf_.size() - cur_, out); break;
    case '~':
      if (p == "1" || p == "7") move_left(cur_, out);
      else if (p == "4" || p == "8") move_right(buf_.size() - cur_, out);
      else if (p == "3" && cur_ < buf_.size()) { buf_.erase(cur_, 1); redraw(out); }
      break;
    default: break;   // unknown sequences are swallowed whole
  }
}

LineEditor::Event LineEditor::feed(char c, Str& out) {
  bool was_cr = last_cr_;
  last_cr_ = false;
  if (esc_ == 1) {
    if (c == '[' || c == 'O') { esc_ = 2; esc_params_.clear(); return Event::None; }
    esc_ = 0;
    return Event::None;   // ESC + anything else: ignored
  }
  if (esc_ == 2) {
    if ((c >= '0' && c <= '9') || c == ';') {
      if (esc_params_.size() < 16) esc_params_.push(c);
      return Event::None;
    }
    esc_ = 0;
    escape_final(c, out);
    return Event::None;
  }
  if (c == '\n' && was_cr) return Event::None;
  return key(c, out);
}

LineEditor::Event LineEditor::key(char c, Str& out) {
  switch (c) {
    case '\r':
    case '\n': {
      if (c == '\r') last_cr_ = true;
      out.append("\r\n");
      done_ = buf_;
      if (!buf_.empty() && (history_.empty() || !(history_.back() == buf_.view()))) {
        if (history_.size() >= history_max_ && !history_.empty()) history_.erase_at(0);
        if (history_max_ > 0) history_.push_back(buf_);
      }
      buf_.clear();
      cur_ = 0;
      hist_pos_ = history_.size();
      return Event::Line;
    }
    case 0x1b: esc_ = 1; return Event::None;
    case 0x01: move_left(cur_, out); return Event::None;                       // ^A
    case 0x05: move_right(buf_.size() - cur_, out); return Event::None;        // ^E
    case 0x02: move_left(1, out); return Event::None;                          // ^B
    case 0x06: move_right(1, out); return Event::None;                         // ^F
    case 0x7f:
    case 0x08: backspace(out); return Event::None;
    case 0x03:                                                                  // ^C
      out.append("^C\r\n");
      buf_.clear();
      cur_ = 0;
      hist_pos_ = history_.size();
      return Event::Interrupt;
    case 0x04:                                                                  // ^D
      if (buf_.empty()) return Event::Eof;
      if (cur_ < buf_.size()) { buf_.erase(cur_, 1); redraw(out); }
      return Event::None;
    case 0x15:                                                                  // ^U
      if (cur_ == 0) return Event::None;
      buf_.erase(0, cur_);
      cur_ = 0;
      redraw(out);
      return Event::None;
    case 0x0b:                                                                  // ^K
      buf_.truncate(cur_);
      out.append("\x1b[K");
      return Event::None;
    case 0x17: {                                                                // ^W
      size_t start = cur_;
      while (start > 0 && buf_[start - 1] == ' ') --start;
      while (start > 0 && buf_[start - 1] != ' ') --start;
      if (start == cur_) return Event::None;
      buf_.erase(start, cur_ - start);
      cur_ = start;
      redraw(out);
      return Event::None;
    }
    case 0x0c: out.append("\x1b[H\x1b[2J"); redraw(out); return Event::None;  // ^L
    case 0x10: history_move(-1, out); return Event::None;                      // ^P
    case 0x0e: history_move(1, out); return Event::None;                       // ^N
    case '\t': insert(' ', out); return Event::None;
    default:
      if (static_cast<unsigned char>(c) < 0x20) return Event::None;
      insert(c, out);
      return Event::None;
  }
}

}  // namespace shell
