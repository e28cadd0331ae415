// servers/shell/builtins.cc: the commands the shell runs itself. POSIX special builtins (their
// assignments stay, their errors end a script) and the regular ones a shell must or usually does
// provide. Output goes through the shell's fd table, so redirections and pipes apply.
#include "servers/shell/expand.h"
#include "servers/shell/shell.h"

namespace shell {

namespace {

struct Sig { const char* name; int num; };
constexpr Sig kSignals[] = {
  {"HUP", 1}, {"INT", 2}, {"QUIT", 3}, {"ILL", 4}, {"TRAP", 5}, {"ABRT", 6}, {"BUS", 7},
  {"FPE", 8}, {"KILL", 9}, {"USR1", 10}, {"SEGV", 11}, {"USR2", 12}, {"PIPE", 13}, {"ALRM", 14},
  {"TERM", 15}, {"CHLD", 17}, {"CONT", 18}, {"STOP", 19}, {"TSTP", 20}, {"TTIN", 21}, {"TTOU", 22},
};

int signal_number(std::string_view s) {
  int64_t n;
  if (parse_number(s, &n)) return n >= 0 && n < 65 ? static_cast<int>(n) : -1;
  if (s.substr(0, 3) == "SIG") s.remove_prefix(3);
  for (const Sig& sig : kSignals) if (s == sig.name) return sig.num;
  return -1;
}

constexpr std::string_view kSpecial[] = {":", "break", "continue", ".", "eval", "exec", "exit",
                                         "export", "readonly", "return", "set", "shift", "trap", "unset"};
constexpr std::string_view kRegular[] = {"true", "false", "echo", "printf", "cd", "pwd", "test", "[",
                                         "wait", "read", "kill", "local", "type", "command", "poweroff"};

}  // namespace

bool Shell::is_special_builtin(std::string_view name) {
  for (std::string_view s : kSpecial) if (s == name) return true;
  return false;
}

bool Shell::is_builtin(std::string_view name) {
  if (is_special_builtin(name)) return true;
  for (std::string_view s : kRegular) if (s == name) return true;
  return false;
}

// The builtins live in a struct so each is a small function with the Shell at hand.
struct Builtins {
  Shell& sh;
  Vec<Str>& argv;

  std::string_view arg(size_t i) const { return argv[i].view(); }
  size_t argc() const { return argv.size(); }
  void out(std::string_view s) { sh.write_fd(1, s); }

  bool number_arg(std::string_view s, int64_t* v, std::string_view cmd) {
    if (parse_number(s, v) && *v >= 0) return true;
    sh.error(cmd, ": Illegal number: ", s);
    return false;
  }

  int exit_() {
    int64_t v = sh.last_status_;
    if (argc() > 1 && !number_arg(arg(1), &v, "exit")) {
      sh.exit_status_ = 2;
      sh.flow_ = Shell::Flow::Exit;
      return 2;
    }
    sh.exit_status_ = static_cast<int>(v & 255);
    sh.flow_ = Shell::Flow::Exit;
    sh.exit_requested_ = true;
    return sh.exit_status_;
  }

  // poweroff [-f N]: the host powers the system off with status N (default 0); it returns only
  // when it cannot (a host without a power capability).
  int poweroff() {
    int64_t v = 0;
    if (argc() == 3 && arg(1) == "-f") {
      if (!number_arg(arg(2), &v, "poweroff")) return 2;
    } else if (argc() != 1) {
      sh.error("poweroff: usage: poweroff [-f status]");
      return 2;
    }
    HostError e = sh.host_.poweroff(static_cast<int>(v & 255));
    sh.error("poweroff: ", host_error_text(e));
    return 1;
  }

  int return_() {
    int64_t v = sh.last_status_;
    if (argc() > 1 && !number_arg(arg(1), &v, "return")) return 2;
    sh.exit_status_ = static_cast<int>(v & 255);
    sh.flow_ = Shell::Flow::Return;
    return sh.exit_status_;
  }

  int break_continue(bool is_break) {
    int64_t n = 1;
    if (argc() > 1 && (!number_arg(arg(1), &n, is_break ? "break" : "continue") || n == 0)) {
      return 2;
    }
    if (sh.loop_depth_ == 0) return 0;
    if (n > sh.loop_depth_) n = sh.loop_depth_;
    sh.flow_ = is_break ? Shell::Flow::Break : Shell::Flow::Continue;
    sh.flow_count_ = static_cast<int>(n);
    return 0;
  }

  int echo() {
    // dash's echo: -n, and backslash escapes always.
    size_t i = 1;
    bool newline = true;
    if (argc() > 1 && arg(1) == "-n") { newline = false; i = 2; }
    Str o;
    for (; i < argc(); ++i) {
      if (o.size() || i > (newline ? 1u : 2u)) o.push(' ');
      std::string_view a = arg(i);
      for (size_t k = 0; k < a.size(); ++k) {
        if (a[k] != '\\' || k + 1 >= a.size()) { o.push(a[k]); continue; }
        char c = a[++k];
        switch (c) {
          case 'n': o.push('\n'); break;
          case 't': o.push('\t'); break;
          case 'r': o.push('\r'); break;
          case 'a': o.push('\a'); break;
          case 'b': o.push('\b'); break;
          case 'f': o.push('\f'); break;
          case 'v': o.push('\v'); break;
          case '\\': o.push('\\'); break;
          case 'c': out(o.view()); return 0;
          case '0': {
            int v = 0;
            for (int d = 0; d < 3 && k + 1 < a.size() && a[k + 1] >= '0' && a[k + 1] <= '7'; ++d)
              v = v * 8 + (a[++k] - '0');
            o.push(static_cast<char>(v));
            break;
          }
          default: o.push('\\'); o.push(c); break;
        }
      }
    }
    if (newline) o.push('\n');
    out(o.view());
    return 0;
  }

  // printf FORMAT [ARG...]: %s %b %c %d %i %u %x %X %o %%, widths and '-', reused while args last.
  int printf_() {
    if (argc() < 2) { sh.error("printf: usage: printf format [arg ...]"); return 2; }
    std::string_view f = arg(1);
    size_t ai = 2;
    int st = 0;
    Str o;
    do {
      for (size_t k = 0; k < f.size(); ++k) {
        char c = f[k];
        if (c == '\\' && k + 1 < f.size()) {
          char e = f[++k];
          switch (e) {
            case 'n': o.push('\n'); break;
            case 't': o.push('\t'); break;
            case 'r': o.push('\r'); break;
            case '\\': o.push('\\'); break;
            case 'a': o.push('\a'); break;
            default: o.push('\\'); o.push(e); break;
          }
          continue;
        }
        if (c != '%' || k + 1 >= f.size()) { o.push(c); continue; }
        ++k;
        if (f[k] == '%') { o.push('%'); continue; }
        bool left = false, zero = false;
        while (k < f.size() && (f[k] == '-' || f[k] == '0')) { (f[k] == '-' ? left : zero) = true; ++k; }
        int width = 0;
        while (k < f.size() && f[k] >= '0' && f[k] <= '9') width = width * 10 + (f[k++] - '0');
        if (k >= f.size()) break;
        char conv = f[k];
        std::string_view a = ai < argc() ? arg(ai++) : std::string_view();
        Str field;
        if (conv == 's' || conv == 'b') {
          field.append(a);
        } else if (conv == 'c') {
          if (!a.empty()) field.push(a[0]);
        } else if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o') {
          int64_t v = 0;
          if (!a.empty() && !parse_number(a, &v)) {
            sh.error("printf: ", a, ": expected numeric value");
            st = 1;
          }
          if (conv == 'd' || conv == 'i' || conv == 'u') {
            append_number(field, v);
          } else {
            unsigned base = conv == 'o' ? 8 : 16;
            const char* digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char buf[24];
            int nd = 0;
            uint64_t u = static_cast<uint64_t>(v);
            do { buf[nd++] = digits[u % base]; u /= base; } while (u);
            while (nd) field.push(buf[--nd]);
          }
        } else {
          sh.error("printf: %", std::string_view(&conv, 1), ": invalid directive");
          return 1;
        }
        int pad = width - static_cast<int>(field.size());
        if (!left) for (; pad > 0; --pad) o.push(zero && conv != 's' ? '0' : ' ');
        o.append(field.view());
        for (; pad > 0; --pad) o.push(' ');
      }
    } while (ai > 2 && ai < argc());
    out(o.view());
    return st;
  }

  // A path made absolute against the cwd and with "." and ".." resolved textually, as cd -L does.
  Str normalise(std::string_view path) {
    Str full;
    if (path.empty() || path[0] != '/') {
      full.append(sh.cwd_.view());
      full.push('/');
    }
    full.append(path);
    Str outp;
    std::string_view p = full.view();
    while (!p.empty()) {
      size_t s = p.find('/');
      std::string_view comp = p.substr(0, s);
      p = s == std::string_view::npos ? std::string_view() : p.substr(s + 1);
      if (comp.empty() || comp == ".") continue;
      if (comp == "..") {
        while (!outp.empty() && outp.back() != '/') outp.truncate(outp.size() - 1);
        if (!outp.empty()) outp.truncate(outp.size() - 1);
        continue;
      }
      outp.push('/');
      outp.append(comp);
    }
    if (outp.empty()) outp.push('/');
    return outp;
  }

  int cd() {
    std::string_view target;
    bool print = false;
    const Str* home = sh.get_var("HOME");
    Str old_copy;
    if (argc() < 2) {
      if (!home) { sh.error("cd: HOME not set"); return 2; }
      target = home->view();
    } else if (arg(1) == "-") {
      const Str* old = sh.get_var("OLDPWD");
      if (!old) { sh.error("cd: OLDPWD not set"); return 2; }
      old_copy = *old;
      target = old_copy.view();
      print = true;
    } else {
      target = arg(1);
    }
    Str abs = normalise(target);
    FileInfo info;
    if (sh.host_.stat(abs.c_str(), &info) != HostError::Ok || info.kind != FileKind::Dir ||
        sh.host_.chdir(abs.c_str()) != HostError::Ok) {
      sh.error("cd: can't cd to ", target);
      return 2;
    }
    Str prev = sh.cwd_;
    sh.set_var("OLDPWD", prev.view(), true);
    sh.set_cwd(abs.view());
    if (print) { out(abs.view()); out("\n"); }
    return 0;
  }

  int pwd() {
    out(sh.cwd_.view());
    out("\n");
    return 0;
  }

  // readonly is accepted and sets values, but nothing is enforced.
  int export_(bool readonly) {
    if (argc() == 1 || arg(1) == "-p") {
      for (const Shell::Var& v : sh.vars_) {
        if (!v.exported) continue;
        Str line("export ");
        line.append(v.name.view());
        line.append("='");
        for (char c : v.value.view()) {
          if (c == '\'') line.append("'\\''");
          else line.push(c);
        }
        line.append("'\n");
        out(line.view());
      }
      return 0;
    }
    int st = 0;
    for (size_t i = 1; i < argc(); ++i) {
      std::string_view a = arg(i);
      size_t eq = a.find('=');
      std::string_view name = a.substr(0, eq);
      if (!is_name(name)) { sh.error("export: ", name, ": bad variable name"); st = 2; continue; }
      if (eq != std::string_view::npos) {
        sh.set_var(name, a.substr(eq + 1), !readonly);
      } else if (Shell::Var* v = sh.find_var(name)) {
        if (!readonly) v->exported = true;
      } else {
        // Exported but unset: dash remembers the flag; an empty exported value is close enough.
        sh.set_var(name, "", !readonly);
      }
    }
    return st;
  }

  int unset() {
    bool funcs = false;
    size_t i = 1;
    for (; i < argc() && arg(i).size() > 1 && arg(i)[0] == '-'; ++i) {
      if (arg(i) == "-f") funcs = true;
      else if (arg(i) == "-v") funcs = false;
    }
    int st = 0;
    for (; i < argc(); ++i) {
      if (funcs) {
        for (size_t k = 0; k < sh.funcs_.size(); ++k) {
          if (sh.funcs_[k].name == arg(i)) { sh.funcs_.erase_at(k); break; }
        }
        continue;
      }
      if (!is_name(arg(i))) { sh.error("unset: ", arg(i), ": bad variable name"); st = 2; continue; }
      sh.unset_var(arg(i));
    }
    return st;
  }

  int set() {
    if (argc() == 1) {
      for (const Shell::Var& v : sh.vars_) {
        Str line(v.name.view());
        line.append("='");
        line.append(v.value.view());
        line.append("'\n");
        out(line.view());
      }
      return 0;
    }
    size_t i = 1;
    for (; i < argc(); ++i) {
      std::string_view a = arg(i);
      if (a == "--") { ++i; break; }
      if (a.size() < 2 || (a[0] != '-' && a[0] != '+')) break;
      bool on = a[0] == '-';
      for (char c : a.substr(1)) {
        if (c == 'e') sh.errexit_ = on;
        else if (c == 'f') sh.noglob_ = on;
        else if (c == 'u' || c == 'x' || c == 'v' || c == 'C') {}   // accepted, ignored
        else {
          sh.error("set: Illegal option -", std::string_view(&c, 1));
          return 2;
        }
      }
      if (i + 1 == argc()) return 0;
    }
    sh.positional_.clear();
    for (; i < argc(); ++i) sh.positional_.push_back(argv[i]);
    return 0;
  }

  int shift() {
    int64_t n = 1;
    if (argc() > 1 && !number_arg(arg(1), &n, "shift")) return 2;
    if (static_cast<size_t>(n) > sh.positional_.size()) {
      sh.error("shift: can't shift that many");
      return 2;
    }
    for (int64_t k = 0; k < n; ++k) sh.positional_.erase_at(0);
    return 0;
  }

  int eval() {
    Str src;
    for (size_t i = 1; i < argc(); ++i) {
      if (i > 1) src.push(' ');
      src.append(arg(i));
    }
    if (!sh.bump_nesting()) return 2;
    int st = sh.run_source(src.view(), sh.line_);
    --sh.nesting_;
    return st;
  }

  bool read_file(std::string_view path, Str* content) {
    Str p(path);
    int fd;
    HostError e = sh.host_.open(p.c_str(), OpenMode::Read, &fd);
    if (e != HostError::Ok) {
      sh.error("cannot open ", path, ": ", host_error_text(e));
      return false;
    }
    char buf[512];
    for (;;) {
      long n = sh.host_.read(fd, buf, sizeof buf);
      if (n <= 0) break;
      if (content->size() + static_cast<size_t>(n) > sh.limits_.max_input) {
        sh.host_.close(fd);
        sh.error(path, ": file too large");
        return false;
      }
      content->append(buf, static_cast<size_t>(n));
    }
    sh.host_.close(fd);
    return true;
  }

  int dot() {
    if (argc() < 2) { sh.error(".: filename argument required"); return 2; }
    Str src;
    if (!read_file(arg(1), &src)) {
      if (!sh.interactive_) { sh.exit_status_ = 2; sh.flow_ = Shell::Flow::Exit; }
      return 2;
    }
    if (!sh.bump_nesting()) return 2;
    int st = sh.run_source(src.view(), 1);
    --sh.nesting_;
    return st;
  }

  int exec_() {
    if (argc() == 1) return 0;
    // No process replacement here: run the program and end the shell with its status.
    Vec<Str> rest;
    for (size_t i = 1; i < argc(); ++i) rest.push_back(argv[i]);
    int st = sh.run_external(rest, nullptr, nullptr);
    sh.exit_status_ = st;
    sh.flow_ = Shell::Flow::Exit;
    sh.exit_requested_ = true;
    return st;
  }

  int wait() {
    if (argc() == 1) {
      for (size_t k = 0; k < sh.jobs_.size(); ++k) {
        if (!sh.jobs_[k].done) sh.wait_job(sh.jobs_[k].id);
      }
      sh.jobs_.clear();
      return 0;
    }
    int st = 0;
    for (size_t i = 1; i < argc(); ++i) {
      int64_t id;
      if (!parse_number(arg(i), &id)) { sh.error("wait: Illegal number: ", arg(i)); return 2; }
      bool known = false;
      for (Shell::Job& j : sh.jobs_) if (j.id == id) known = true;
      st = known ? sh.wait_job(static_cast<int>(id)) : 127;
    }
    return st;
  }

  int read() {
    size_t i = 1;
    bool raw = false;
    if (i < argc() && arg(i) == "-r") { raw = true; ++i; }
    Str line;
    bool got_newline = false;
    Shell::Fd& in = sh.fds_[0];
    for (;;) {
      if (in.kind != Shell::Fd::Host) break;
      char c;
      long n = sh.host_.read(in.host, &c, 1);   // one byte: the rest of stdin belongs to others
      if (n <= 0) break;
      if (c == '\n') {
        if (!raw && !line.empty() && line.back() == '\\') { line.truncate(line.size() - 1); continue; }
        got_newline = true;
        break;
      }
      line.push(c);
      if (line.size() > sh.limits_.max_input) break;
    }
    if (!raw) {
      Str u;
      for (size_t k = 0; k < line.size(); ++k) {
        if (line[k] == '\\' && k + 1 < line.size()) ++k;
        u.push(line[k]);
      }
      line = static_cast<Str&&>(u);
    }
    const Str* ifs_var = sh.get_var("IFS");
    std::string_view ifs = ifs_var ? ifs_var->view() : std::string_view(" \t\n");
    std::string_view rest = line.view();
    auto is_ifs = [&](char c) { return ifs.find(c) != std::string_view::npos; };
    auto is_ws = [&](char c) { return is_ifs(c) && (c == ' ' || c == '\t' || c == '\n'); };
    while (!rest.empty() && is_ws(rest[0])) rest.remove_prefix(1);
    for (; i < argc(); ++i) {
      if (!is_name(arg(i))) { sh.error("read: ", arg(i), ": bad variable name"); return 2; }
      if (i + 1 == argc()) {
        while (!rest.empty() && is_ws(rest.back())) rest.remove_suffix(1);
        sh.set_var(arg(i), rest);
        break;
      }
      size_t k = 0;
      while (k < rest.size() && !is_ifs(rest[k])) ++k;
      sh.set_var(arg(i), rest.substr(0, k));
      rest.remove_prefix(k);
      if (!rest.empty() && !is_ws(rest[0])) rest.remove_prefix(1);
      while (!rest.empty() && is_ws(rest[0])) rest.remove_prefix(1);
    }
    return got_newline || !line.empty() ? 0 : 1;
  }

  int kill() {
    if (argc() < 2) { sh.error("kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]..."); return 2; }
    size_t i = 1;
    int sig = 15;
    if (arg(1) == "-l") {
      if (argc() > 2) {
        int64_t n;
        if (parse_number(arg(2), &n)) {
          if (n > 128) n -= 128;
          for (const Sig& s : kSignals) if (s.num == n) { out(s.name); out("\n"); return 0; }
        }
        sh.error("kill: invalid signal number or exit status: ", arg(2));
        return 2;
      }
      for (const Sig& s : kSignals) { out(s.name); out("\n"); }
      return 0;
    }
    if (arg(1) == "-s" && argc() > 2) {
      sig = signal_number(arg(2));
      i = 3;
    } else if (arg(1).size() > 1 && arg(1)[0] == '-') {
      sig = signal_number(arg(1).substr(1));
      i = 2;
    }
    if (sig < 0) { sh.error("kill: invalid signal number or name: ", arg(i - 1)); return 2; }
    int st = 0;
    for (; i < argc(); ++i) {
      int64_t pid;
      if (!parse_number(arg(i), &pid)) { sh.error("kill: Illegal number: ", arg(i)); st = 2; continue; }
      HostError e = sh.host_.kill(static_cast<int>(pid), sig);
      if (e != HostError::Ok) {
        sh.error("kill: ", arg(i), ": ", host_error_text(e));
        st = 1;
      }
    }
    return st;
  }

  // Only EXIT (or 0) runs anything; traps on signals are accepted and ignored until the target
  // delivers signals to the shell (FIXME(#7)).
  int trap() {
    if (argc() == 1) {
      if (sh.has_exit_trap_) {
        Str line("trap -- '");
        line.append(sh.exit_trap_.view());
        line.append("' EXIT\n");
        out(line.view());
      }
      return 0;
    }
    size_t i = 1;
    std::string_view action = arg(1);
    bool reset = action == "-";
    if (argc() == 2) { reset = true; i = 1; } else { i = 2; }
    for (; i < argc(); ++i) {
      std::string_view cond = arg(i);
      if (cond == "EXIT" || cond == "0") {
        sh.has_exit_trap_ = !reset;
        sh.exit_trap_ = reset ? Str() : Str(action);
      } else if (signal_number(cond) < 0) {
        sh.error("trap: ", cond, ": bad trap");
        return 1;
      }
    }
    return 0;
  }

  int local() {
    if (sh.locals_.empty()) { sh.error("local: not in a function"); return 2; }
    for (size_t i = 1; i < argc(); ++i) {
      std::string_view a = arg(i);
      size_t eq = a.find('=');
      std::string_view name = a.substr(0, eq);
      if (!is_name(name)) { sh.error("local: ", name, ": bad variable name"); return 2; }
      Shell::Local l;
      l.name = Str(name);
      if (Shell::Var* v = sh.find_var(name)) { l.existed = true; l.value = v->value; l.exported = v->exported; }
      sh.locals_.back().push_back(static_cast<Shell::Local&&>(l));
      if (eq != std::string_view::npos) sh.set_var(name, a.substr(eq + 1));
    }
    return 0;
  }

  int type(bool command_v) {
    int st = 0;
    for (size_t i = command_v ? 2 : 1; i < argc(); ++i) {
      std::string_view n = arg(i);
      Str line;
      if (sh.find_func(n)) {
        line.append(command_v ? n : std::string_view(n)); if (!command_v) line.append(" is a shell function");
      } else if (Shell::is_builtin(n)) {
        line.append(n); if (!command_v) line.append(" is a shell builtin");
      } else {
        Str path;
        HostError e;
        if (sh.resolve_command(n, &path, &e)) {
          if (!command_v) { line.append(n); line.append(" is "); }
          line.append(path.view());
        } else {
          if (!command_v) {   // dash: on stdout, without the "sh: LINE:" prefix
            line.append(n);
            line.append(": not found\n");
            out(line.view());
          }
          st = 127;
          continue;
        }
      }
      line.push('\n');
      out(line.view());
    }
    return st;
  }

  int command() {
    if (argc() > 1 && arg(1) == "-v") return type(true);
    if (argc() < 2) return 0;
    Vec<Str> rest;
    for (size_t i = 1; i < argc(); ++i) rest.push_back(argv[i]);
    if (Shell::is_builtin(rest[0].view())) return sh.run_builtin(rest);
    return sh.run_external(rest, nullptr, nullptr);
  }

  // test / [: POSIX's rules by argument count, then a small recursive -a/-o/! parser for more.
  int test(bool bracket) {
    size_t n = argc();
    if (bracket) {
      if (arg(n - 1) != "]") { sh.error("[: missing ]"); return 2; }
      --n;
    }
    pos = 1;
    end = n;
    failed = false;
    if (pos >= end) return 1;
    bool r = expr_or(0);
    if (!failed && pos < end) { syntax(arg(pos)); }
    if (failed) return 2;
    return r ? 0 : 1;
  }
  size_t pos = 0, end = 0;
  bool failed = false;
  const char* name() const { return arg(0) == "[" ? "[" : "test"; }
  void syntax(std::string_view what) {
    if (failed) return;
    failed = true;
    sh.error(name(), ": ", what, ": unexpected operator");
  }
  bool expr_or(int depth) {
    bool r = expr_and(depth);
    while (!failed && pos < end && arg(pos) == "-o") { ++pos; bool b = expr_and(depth); r = r || b; }
    return r;
  }
  bool expr_and(int depth) {
    bool r = expr_not(depth);
    while (!failed && pos < end && arg(pos) == "-a") { ++pos; bool b = expr_not(depth); r = r && b; }
    return r;
  }
  bool expr_not(int depth) {
    if (depth > 100) { syntax("nesting"); return false; }
    if (pos < end && arg(pos) == "!" && pos + 1 < end) { ++pos; return !expr_not(depth + 1); }
    return primary(depth);
  }
  bool integer(std::string_view s, int64_t* v) {
    if (parse_number(s, v)) return true;
    if (!failed) { failed = true; sh.error(name(), ": Illegal number: ", s); }
    return false;
  }
  static bool is_binary(std::string_view op) {
    return op == "=" || op == "!=" || op == "-eq" || op == "-ne" || op == "-lt" || op == "-le" ||
           op == "-gt" || op == "-ge" || op == "<" || op == ">";
  }
  bool primary(int depth) {
    if (pos >= end) { syntax("argument expected"); return false; }
    std::string_view a = arg(pos);
    if (a == "(" && pos + 2 < end && !is_binary(arg(pos + 1))) {
      ++pos;
      bool r = expr_or(depth + 1);
      if (pos >= end || arg(pos) != ")") { syntax("closing paren expected"); return false; }
      ++pos;
      return r;
    }
    if (pos + 2 < end && is_binary(arg(pos + 1))) {
      std::string_view op = arg(pos + 1), b = arg(pos + 2);
      pos += 3;
      if (op == "=") return a == b;
      if (op == "!=") return a != b;
      if (op == "<") return a < b;
      if (op == ">") return a > b;
      int64_t x, y;
      if (!integer(a, &x) || !integer(b, &y)) return false;
      if (op == "-eq") return x == y;
      if (op == "-ne") return x != y;
      if (op == "-lt") return x < y;
      if (op == "-le") return x <= y;
      if (op == "-gt") return x > y;
      return x >= y;
    }
    if (a.size() == 2 && a[0] == '-' && pos + 1 < end) {
      std::string_view v = arg(pos + 1);
      char op = a[1];
      if (op == 'n') { pos += 2; return !v.empty(); }
      if (op == 'z') { pos += 2; return v.empty(); }
      if (op == 'e' || op == 'f' || op == 'd' || op == 's' || op == 'r' || op == 'w' || op == 'x') {
        pos += 2;
        FileInfo info;
        Str p(v);
        if (sh.host_.stat(p.c_str(), &info) != HostError::Ok || info.kind == FileKind::None) return false;
        switch (op) {
          case 'f': return info.kind == FileKind::File;
          case 'd': return info.kind == FileKind::Dir;
          case 's': return info.size > 0;
          case 'x': return info.executable;
          default: return true;
        }
      }
      if (op == 't') { pos += 2; return false; }
    }
    ++pos;
    return !a.empty();
  }
};

int Shell::run_builtin(Vec<Str>& argv) {
  Builtins b{*this, argv};
  std::string_view n = argv[0].view();
  if (n == ":" || n == "true") return 0;
  if (n == "false") return 1;
  if (n == "echo") return b.echo();
  if (n == "printf") return b.printf_();
  if (n == "cd") return b.cd();
  if (n == "pwd") return b.pwd();
  if (n == "exit") return b.exit_();
  if (n == "return") return b.return_();
  if (n == "break") return b.break_continue(true);
  if (n == "continue") return b.break_continue(false);
  if (n == "export") return b.export_(false);
  if (n == "readonly") return b.export_(true);
  if (n == "unset") return b.unset();
  if (n == "set") return b.set();
  if (n == "shift") return b.shift();
  if (n == "eval") return b.eval();
  if (n == ".") return b.dot();
  if (n == "exec") return b.exec_();
  if (n == "test") return b.test(false);
  if (n == "[") return b.test(true);
  if (n == "wait") return b.wait();
  if (n == "read") return b.read();
  if (n == "kill") return b.kill();
  if (n == "local") return b.local();
  if (n == "type") return b.type(false);
  if (n == "command") return b.command();
  if (n == "poweroff") return b.poweroff();
  if (n == "trap") return b.trap();
  return 127;
}

}  // namespace shell
