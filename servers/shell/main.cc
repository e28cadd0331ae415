// servers/shell/main.cc: the console shell, started by init through pidsrv when the boot argument
// init.shell=1 is given (servers/init), with start-up handles for the console resource (to read
// the console) and the power resource (poweroff, and the end of input). It reads the console
// through the line editor, feeds finished lines to the interpreter, and powers the system off at
// the end of input (^D on an empty line: status 0) or on `exit N` (status N). Programs it runs
// write to the console through their fds 1 and 2 (console fds) like the shell.
#include "koios/resource.h"
#include "runtime.h"
#include "servers/shell/koios_host.h"
#include "servers/shell/line_editor.h"
#include "servers/shell/shell.h"
#include "syscalls.h"

using koios::Handle;
using koios::Status;

namespace {

shell::KoiosHost* g_host = nullptr;

void flush(shell::Str& out) {
  if (!out.empty()) (void)g_host->write(1, out.c_str(), out.size());
  out.clear();
}

koios::i64 now_ns() {
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  return now;
}

}  // namespace

int main(int, char**, char** envp) {
  Handle console = koios::startup_handle(koios::StartupHandleKind::Resource, koios::u32(koios::ResourceKind::Console));
  Handle power = koios::startup_handle(koios::StartupHandleKind::Resource, koios::u32(koios::ResourceKind::Power));
  if (console == koios::kInvalidHandle) return 1;

  shell::KoiosHost host(console, power);
  g_host = &host;
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
  sh.import_environment(envp);
  sh.set_interactive(true);
  sh.set_cwd("/");
  sh.set_var("PATH", shell::KoiosHost::kBin, true);
  sh.set_var("HOME", "/", true);
  sh.set_var("HOSTNAME", "koios");
  sh.set_var("PS1", "$HOSTNAME# ");

  auto power_off = [&](int status) {
    if (power != koios::kInvalidHandle) (void)koios::system_shutdown(power, status);
    return status;
  };
  shell::LineEditor editor(32);
  shell::Str out;
  shell::Str line;
  char input[64];
  // The first read takes console input from the kernel's monitor, before the prompt invites any.
  koios::u64 got = 0;
  Status s = koios::console_read(console, input, sizeof input, &got);
  // Tell init (it starts the monitor only then; kShellConsoleTaken in servers/init/main.cc).
  Handle taken = koios::startup_handle(koios::StartupHandleKind::User, 1);
  if (taken != koios::kInvalidHandle) {
    (void)koios::object_signal(taken, koios::Signals::None, koios::Signals::Signaled);
    (void)koios::handle_close(taken);
    // The monitor starts now, prints its prompt and steps aside: after that, not in our line.
    (void)koios::clock_nanosleep(now_ns() + 50'000'000);
  }
  editor.begin(sh.prompt(false).view(), out);
  flush(out);
  for (bool first = true;; first = false) {
    if (!first) {
      got = 0;
      s = koios::console_read(console, input, sizeof input, &got);
    }
    if (s == Status::ShouldWait) {
      // A deadline, not an infinite wait: under QEMU's icount time only moves with an armed timer.
      koios::Signals seen = koios::Signals::None;
      Status w = koios::object_wait_one(console, koios::Signals::Readable, now_ns() + 100'000'000, &seen);
      if (w != Status::Ok && w != Status::TimedOut && w != Status::Interrupted) return 3;
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
        if (sh.exited()) return power_off(sh.status());
      } else if (e == shell::LineEditor::Event::Interrupt) {
        sh.interrupt_pending();
      } else if (e == shell::LineEditor::Event::Eof) {
        out.append("\n");   // end the prompt's line
        flush(out);
        sh.finish();
        return power_off(0);
      }
      if (e != shell::LineEditor::Event::None) {
        editor.begin(sh.prompt(more).view(), out);
        flush(out);
      }
    }
  }
}
