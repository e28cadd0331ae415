// servers/shell/main.cc: the console shell, for now started with run=sh and the root resource in
// a0 (FIXME(#7): started by init with a start-up message once init and pidsrv exist). It reads
// the console byte by byte through the line editor, feeds finished lines to the interpreter, and
// powers the system off at the end of input (^D: status 0) or on `exit N` (status N).
#include "servers/shell/koios_host.h"
#include "servers/shell/line_editor.h"
#include "servers/shell/shell.h"
#include "syscalls.h"

using koios::Handle;
using koios::Status;

namespace {

Handle g_console = 0;

void flush(shell::Str& out) {
  if (!out.empty()) (void)koios::console_write(g_console, out.c_str(), out.size());
  out.clear();
}

}  // namespace

extern "C" int main(koios::u64 root_value) {
  auto root = static_cast<Handle>(root_value);
  Handle power = 0;
  if (koios::resource_create(root, koios::ResourceKind::Console, 0, &g_console) != Status::Ok) return 1;
  if (koios::resource_create(root, koios::ResourceKind::Power, 0, &power) != Status::Ok) return 2;

  shell::KoiosHost host(g_console);
  // A 64 KiB stack (UserAspace::kStackSize), of which main's frame takes ~5 KiB: the interpreter
  // checks its own depth against max_stack, and the counts below stay well under dash's.
  shell::Limits limits;
  limits.max_stack = 44 * 1024;
  limits.max_call_depth = 32;
  limits.max_nesting = 8;
  limits.max_parse_depth = 32;
  limits.max_capture = 16 * 1024;
  limits.max_input = 16 * 1024;
  shell::Shell sh(host, limits);
  sh.set_interactive(true);
  sh.set_cwd("/");
  sh.set_var("PATH", "/bin", true);
  sh.set_var("HOME", "/", true);
  sh.set_var("PS1", "koios$ ");

  shell::LineEditor editor(32);
  shell::Str out;
  shell::Str line;
  editor.begin(sh.prompt(false).view(), out);
  flush(out);
  char input[64];
  for (;;) {
    koios::u64 got = 0;
    Status s = koios::console_read(g_console, input, sizeof input, &got);
    if (s == Status::ShouldWait) {
      koios::Signals seen = koios::Signals::None;
      if (koios::object_wait_one(g_console, koios::Signals::Readable, koios::kDeadlineInfinite, &seen) != Status::Ok)
        return 3;
      continue;
    }
    if (s != Status::Ok) return 4;
    for (koios::u64 i = 0; i < got; ++i) {
      shell::LineEditor::Event e = editor.feed(input[i], out);
      flush(out);
      bool more = false;
      if (e == shell::LineEditor::Event::Line) {
        line = shell::Str(editor.line());
        line.push('\n');
        more = !sh.feed_line(line.view());
        if (sh.exited()) {
          koios::system_shutdown(power, sh.status());
          return 5;
        }
      } else if (e == shell::LineEditor::Event::Interrupt) {
        sh.interrupt_pending();
      } else if (e == shell::LineEditor::Event::Eof) {
        out.append("\n");   // end the prompt's line
        flush(out);
        sh.finish();
        koios::system_shutdown(power, 0);
        return 5;
      }
      if (e != shell::LineEditor::Event::None) {
        editor.begin(sh.prompt(more).view(), out);
        flush(out);
      }
    }
  }
}
