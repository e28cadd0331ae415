// servers/shell/main.cc: the console shell, started by init through pidsrv at every boot unless
// init.shell=0 is given (servers/init), with start-up handles for the console resource (to read
// the console) and the power resource (poweroff, and the end of input). It reads the console
// through the line editor, feeds finished lines to the interpreter, and powers the system off at
// the end of input (^D on an empty line: status 0) or on `exit N` (status N). Programs it runs
// write to the console through their fds 1 and 2 (console fds) like the shell.
#include <cstring>
#include <unistd.h>

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

// `sh -c CMD [ARG0 ARG...]` and `sh FILE [ARG...]`, as dash takes them: runs the script and
// answers its status.
int run_script(shell::Shell& sh, shell::KoiosHost& host, int argc, char** argv) {
  if (std::strcmp(argv[1], "-c") == 0) {
    if (argc < 3) {
      (void)host.write(2, "sh: -c requires an argument\n", 28);
      return 2;
    }
    if (argc > 3) sh.set_arg0(argv[3]);
    sh.set_positional(argc > 4 ? argc - 4 : 0, argv + 4);
    return sh.run_script(argv[2]);
  }
  int fd = -1;
  if (host.open(argv[1], shell::OpenMode::Read, &fd) != shell::HostError::Ok) {
    shell::Str msg("sh: 0: cannot open ");
    msg.append(argv[1]);
    msg.append(": No such file\n");
    (void)host.write(2, msg.c_str(), msg.size());
    return 2;
  }
  shell::Str src;
  char buf[512];
  for (long n; (n = host.read(fd, buf, sizeof buf)) > 0;) src.append(buf, static_cast<size_t>(n));
  (void)host.close(fd);
  sh.set_arg0(argv[1]);
  sh.set_positional(argc - 2, argv + 2);
  return sh.run_script(src.view());
}

int main(int argc, char** argv, char** envp) {
  Handle console = koios::startup_handle(koios::StartupHandleKind::Resource, koios::u32(koios::ResourceKind::Console));
  Handle power = koios::startup_handle(koios::StartupHandleKind::Resource, koios::u32(koios::ResourceKind::Power));
  bool script = argc > 1;
  if (console == koios::kInvalidHandle && !script) return 1;

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
  sh.set_cwd("/");
  sh.set_var("PATH", shell::KoiosHost::kBin, true);
  sh.set_var("HOME", "/", true);
  if (script) return run_script(sh, host, argc, argv);
  // A session of its own, as a login shell gets from getty: `ps` lists what runs from here.
  (void)setsid();
  sh.set_interactive(true);
  sh.set_var("HOSTNAME", "koios");
  sh.set_var("PS1", "$HOSTNAME# ");

  auto power_off = [&](int status) {
    if (power != koios::kInvalidHandle) (void)koios::system_shutdown(power, status);
    return status;
  };
  shell::LineEditor editor(32);
  shell::Str queue;   // console bytes not fed yet
  shell::Str out;
  shell::Str line;
  char input[1];
  // The first read takes console input from the kernel's monitor, before the prompt invites any.
  koios::u64 got = 0;
  Status s = koios::console_read(console, input, 1, &got);
  // Tell init (it starts the monitor only then; kShellConsoleTaken in servers/init/main.cc).
  Handle taken = koios::startup_handle(koios::StartupHandleKind::User, 1);
  if (taken != koios::kInvalidHandle) {
    (void)koios::object_signal(taken, koios::Signals::None, koios::Signals::Signaled);
    (void)koios::handle_close(taken);   // the monitor, finding the console taken, stays silent
  }
  editor.begin(sh.prompt(false).view(), out);
  flush(out);
  // Feeds the queued console bytes to the line editor and the interpreter; answers true when the
  // shell ends (its status in *end).
  auto feed = [&](int* end) {
    for (size_t i = 0; i < queue.size();) {
      shell::LineEditor::Event e = editor.feed(queue[i++], out);
      flush(out);
      bool more = false;
      if (e == shell::LineEditor::Event::Line) {
        line = shell::Str(editor.line());
        line.push('\n');
        host.line_starts();
        more = !sh.feed_line(line.view());
        if (sh.exited()) {
          *end = power_off(sh.status());
          return true;
        }
        host.at_prompt();
        sh.reap_jobs();
      } else if (e == shell::LineEditor::Event::Interrupt) {
        sh.interrupt_pending();
      } else if (e == shell::LineEditor::Event::Eof) {
        out.append("\n");   // end the prompt's line
        flush(out);
        sh.finish();
        *end = power_off(0);
        return true;
      }
      if (e != shell::LineEditor::Event::None) {
        editor.begin(sh.prompt(more).view(), out);
        flush(out);
      }
    }
    queue.clear();
    return false;
  };
  for (bool first = true;; first = false) {
    if (!first) {
      got = 0;
      // One byte at a time, as a terminal in canonical mode hands over one line a read: what
      // follows a line stays in the console until the line has run, so a ^C typed after it
      // reaches the program the line starts (wait_watching_console), not this queue.
      s = koios::console_read(console, input, 1, &got);
    }
    if (s == Status::ShouldWait) {
      // A deadline, not an infinite wait: under QEMU's icount time only moves with an armed timer.
      koios::Signals seen = koios::Signals::None;
      Status w = koios::object_wait_one(console, koios::Signals::Readable, now_ns() + 100'000'000, &seen);
      if (w != Status::Ok && w != Status::TimedOut && w != Status::Interrupted) return 3;
      continue;
    }
    if (s != Status::Ok) return 4;
    int end = 0;
    queue.append(input, got);
    if (feed(&end)) return end;
  }
}
