// servers/shell/shell.cc: execution of the parse tree (see shell.h). Expansion is expand.cc, the
// builtins are builtins.cc.
#include "servers/shell/shell.h"

#include "servers/shell/expand.h"
#include "servers/shell/pattern.h"

namespace shell {

bool& oom() {
  static bool flag = false;
  return flag;
}

const char* host_error_text(HostError e) {
  switch (e) {
    case HostError::Ok: return "Success";
    case HostError::NotFound: return "No such file";
    case HostError::NotDir: return "Directory nonexistent";
    case HostError::Access: return "Permission denied";
    case HostError::IsDir: return "Is a directory";
    case HostError::NoExec: return "Exec format error";
    case HostError::NoMemory: return "Out of memory";
    case HostError::BadFd: return "Bad file descriptor";
    case HostError::NoChild: return "No child processes";
    case HostError::NoProcess: return "No such process";
    case HostError::Invalid: return "Invalid argument";
    case HostError::Io: return "I/O error";
    case HostError::TooBig: return "Argument list too long";
    case HostError::Interrupted: return "Interrupted";
  }
  return "error";
}

Shell::Shell(Host& host, const Limits& limits) : host_(host), limits_(limits) {
  for (int i = 0; i < 3; ++i) { fds_[i].kind = Fd::Host; fds_[i].host = i; }
  for (int i = 3; i < kMaxFds; ++i)
    if (host_.inherited(i)) { fds_[i].kind = Fd::Host; fds_[i].host = i; }
  Str n;
  append_number(n, host_.ppid());
  set_var("PPID", n.view());
  set_var("IFS", " \t\n");
  set_var("PS1", "$ ");
  set_var("PS2", "> ");
  set_var("OPTIND", "1");
  // dash's default when the environment has none; unset, nothing is searched.
  set_var("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

Shell::~Shell() = default;

// ---- Variables ----

Shell::Var* Shell::find_var(std::string_view name) {
  for (Var& v : vars_) if (v.name == name) return &v;
  return nullptr;
}

const Str* Shell::get_var(std::string_view name) const {
  for (const Var& v : vars_) if (v.name == name) return &v.value;
  return nullptr;
}

bool Shell::set_var(std::string_view name, std::string_view value, bool exported) {
  if (Var* v = find_var(name)) {
    v->value = Str(value);
    if (exported) v->exported = true;
    return !oom();
  }
  if (vars_.size() >= limits_.max_variables) {
    error("too many variables");
    return false;
  }
  Var v;
  v.name = Str(name);
  v.value = Str(value);
  v.exported = exported;
  return vars_.push_back(static_cast<Var&&>(v));
}

bool Shell::unset_var(std::string_view name) {
  for (size_t i = 0; i < vars_.size(); ++i) {
    if (vars_[i].name == name) { vars_.erase_at(i); return true; }
  }
  return false;
}

void Shell::set_positional(int argc, const char* const* argv) {
  positional_.clear();
  for (int i = 0; i < argc; ++i) positional_.push_back(Str(std::string_view(argv[i])));
}

void Shell::import_environment(const char* const* envp) {
  for (; envp && *envp; ++envp) {
    std::string_view e(*envp);
    size_t eq = e.find('=');
    if (eq == std::string_view::npos || !is_name(e.substr(0, eq))) continue;
    set_var(e.substr(0, eq), e.substr(eq + 1), true);
  }
}

void Shell::set_cwd(std::string_view abs_path) {
  cwd_ = Str(abs_path);
  set_var("PWD", abs_path, true);
}

bool Shell::make_env(Vec<Str>& storage) {
  for (const Var& v : vars_) {
    if (!v.exported) continue;
    Str e(v.name);
    e.push('=');
    e.append(v.value.view());
    if (!storage.push_back(static_cast<Str&&>(e))) return false;
  }
  return true;
}

// ---- Output and errors ----

void Shell::write_fd(int fd, std::string_view s) {
  if (fd < 0 || fd >= kMaxFds) return;
  Fd& f = fds_[fd];
  if (f.kind == Fd::Buffer) {
    size_t room = limits_.max_capture > f.buf->size() ? limits_.max_capture - f.buf->size() : 0;
    f.buf->append(s.data(), s.size() < room ? s.size() : room);
    return;
  }
  if (f.kind != Fd::Host) return;
  while (!s.empty()) {
    long n = host_.write(f.host, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

void Shell::error(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  Str m(arg0_);
  m.append(": ");
  append_number(m, line_);
  m.append(": ");
  m.append(a);
  m.append(b);
  m.append(c);
  m.append(d);
  m.push('\n');
  write_fd(2, m.view());
  ++error_count_;
}

// An error that ends a non-interactive shell (or the subshell it happens in) with status 2; an
// interactive shell abandons the command and goes back to the prompt.
void Shell::fatal_error(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  error(a, b, c, d);
  last_status_ = 2;
  exit_status_ = 2;
  flow_ = Flow::Exit;
}

void Shell::syntax_error(const ParseResult& r) {
  line_ = r.error_line;
  fatal_error(r.error.view());
}

bool Shell::check_oom() {
  if (!oom()) return false;
  oom() = false;
  fatal_error("out of memory");
  return true;
}

bool Shell::stack_ok() {
  if (limits_.max_stack == 0 || stack_base_ == 0) return true;
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (stack_base_ - here < limits_.max_stack) return true;
  fatal_error("out of stack");
  return false;
}

// Marks the outermost entry into the interpreter, so stack_ok() can measure from it.
class StackBase {
 public:
  explicit StackBase(uintptr_t& base) : base_(base), outer_(base == 0) {
    if (outer_) base_ = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  }
  ~StackBase() { if (outer_) base_ = 0; }

 private:
  uintptr_t& base_;
  bool outer_;
};

bool Shell::bump_nesting() {
  if (!stack_ok()) return false;
  if (nesting_ >= limits_.max_nesting) {
    fatal_error("nesting too deep");
    return false;
  }
  ++nesting_;
  return true;
}

// ---- Entry points ----

int Shell::run_source(std::string_view src, int first_line) {
  Arena* arena = Arena::create();
  if (!arena) { check_oom(); return 2; }
  Arena* saved_arena = current_arena_;
  current_arena_ = arena;
  Parser p(src, first_line, arena, limits_.max_parse_depth);
  int st = last_status_;
  for (;;) {
    ParseResult r = p.next();
    if (r.status == ParseStatus::End) break;
    if (r.status == ParseStatus::Error) {
      syntax_error(r);
      st = 2;
      break;
    }
    st = exec(r.node);
    last_status_ = st;
    if (check_oom()) st = 2;
    if (flow_ != Flow::None) break;
  }
  current_arena_ = saved_arena;
  arena->release();
  return st;
}

int Shell::run_script(std::string_view src) {
  StackBase base(stack_base_);
  int st;
  if (src.size() > limits_.max_input) {
    fatal_error("script too large");
    st = 2;
  } else {
    st = run_source(src, 1);
  }
  exited_ = true;
  exit_status_ = flow_ == Flow::Exit ? exit_status_ : st;
  flow_ = Flow::None;
  run_exit_trap();
  return exit_status_;
}

bool Shell::feed_line(std::string_view line) {
  if (exited_) return true;
  StackBase base(stack_base_);
  if (pending_.empty()) pending_line_ = next_line_;
  for (char c : line) if (c == '\n') ++next_line_;
  if (pending_.size() + line.size() > limits_.max_input) {
    pending_.clear();
    line_ = pending_line_;
    fatal_error("input line too long");
  } else {
    pending_.append(line);
    // A dry parse: run nothing until the command is complete, so that `if true; then` waits for `fi`.
    Arena* arena = Arena::create();
    if (!arena) { check_oom(); return true; }
    Parser p(pending_.view(), pending_line_, arena, limits_.max_parse_depth);
    bool incomplete = false;
    for (;;) {
      ParseResult r = p.next();
      if (r.status == ParseStatus::End) break;
      if (r.status == ParseStatus::Error) { incomplete = r.at_eof; break; }
      if (r.heredoc_open) { incomplete = true; break; }
    }
    arena->release();
    if (incomplete) return false;
    Str src = static_cast<Str&&>(pending_);
    pending_ = Str();
    run_source(src.view(), pending_line_);
  }
  if (flow_ == Flow::Exit) {
    // `exit` ends any shell; an error does not end an interactive one.
    if (interactive_ && !exit_requested_) {
      flow_ = Flow::None;
    } else {
      exited_ = true;
      flow_ = Flow::None;
      run_exit_trap();
    }
  }
  flow_ = Flow::None;
  exit_requested_ = false;
  return true;
}

void Shell::interrupt_pending() {
  pending_.clear();
  last_status_ = 130;
}

int Shell::finish() {
  StackBase base(stack_base_);
  if (!exited_ && !pending_.empty()) {
    Str src = static_cast<Str&&>(pending_);
    pending_ = Str();
    run_source(src.view(), pending_line_);
    if (flow_ == Flow::Exit) exited_ = true;
    flow_ = Flow::None;
  }
  if (!exited_) {
    exited_ = true;
    exit_status_ = last_status_;
    run_exit_trap();
  }
  return exit_status_;
}

Str Shell::prompt(bool continuation) {
  const Str* ps = get_var(continuation ? "PS2" : "PS1");
  if (!ps) return Str();
  Expander e(*this);
  Str out;
  if (!e.expand_string(ps->view(), &out)) return Str(ps->view());
  flow_ = Flow::None;
  return out;
}

// ---- Execution ----

int Shell::exec(Node* n) {
  if (!n) return 0;
  switch (n->kind) {
    case NodeKind::List: return exec_list(n);
    case NodeKind::AndOr: return exec_and_or(n);
    case NodeKind::Pipeline: return exec_pipeline(n, false);
    default: return exec_command(n);
  }
}

int Shell::exec_list(Node* n) {
  int st = last_status_;
  for (Node* item = n->body; item; item = item->next) {
    if (host_.interrupted()) { st = 130; last_status_ = st; break; }
    if (item->async) {
      if (item->body && !item->body->next) {
        st = exec_pipeline(item->body, true);
      } else {
        // An and-or list in the background runs here, now: the shell has no fork.
        State s;
        save_state(s);
        ++subshell_depth_;
        int r = exec_and_or(item);
        if (flow_ == Flow::Exit) r = exit_status_;
        flow_ = Flow::None;
        --subshell_depth_;
        restore_state(s);
        last_bg_ = add_job(next_fake_job_++, false, r);
        st = 0;
      }
    } else {
      st = exec_and_or(item);
    }
    last_status_ = st;
    if (flow_ != Flow::None) break;
    if (errexit_ && errexit_suppressed_ == 0 && st != 0 && !item->async && item->body &&
        !item->body->next && !item->body->bang) {
      exit_status_ = st;
      flow_ = Flow::Exit;
      break;
    }
  }
  return st;
}

int Shell::exec_and_or(Node* n) {
  int st = 0;
  bool chain = n->body && n->body->next;
  for (Node* p = n->body; p; p = p->next) {
    if (p->op == JoinOp::And && st != 0) continue;
    if (p->op == JoinOp::Or && st == 0) continue;
    // Only the last command of a chain can trip `set -e`.
    if (chain && p->next) ++errexit_suppressed_;
    st = exec_pipeline(p, false);
    if (chain && p->next) --errexit_suppressed_;
    last_status_ = st;
    if (flow_ != Flow::None) break;
  }
  return st;
}

int Shell::exec_pipeline(Node* n, bool async) {
  Node* first = n->body;
  if (!first->next && !async) {
    if (n->bang) ++errexit_suppressed_;
    int st = exec_command(first);
    if (n->bang) { --errexit_suppressed_; st = st == 0 ? 1 : 0; }
    return st;
  }
  return exec_pipeline_stages(n, async);
}

// Out of line, so that the frame of every plain command on the recursion path stays small.
[[gnu::noinline]] int Shell::exec_pipeline_stages(Node* n, bool async) {
  Node* first = n->body;
  // Stages run left to right. A program stage is spawned and not waited for; its stdout is a
  // pipe that the next stage reads while it runs. A builtin, function or compound stage runs
  // here, in a subshell copy of the state, writing into a buffer that becomes the next stage's
  // input. The last stage writes where the pipeline's stdout goes.
  Fd saved0 = fds_[0], saved1 = fds_[1];
  Vec<int> jobs;
  int last_job = -1;
  int st = 0;
  int in_fd = -1;
  Str stage_buf;
  for (Node* stage = first; stage; stage = stage->next) {
    bool last = !stage->next;
    if (in_fd >= 0) { fds_[0].kind = Fd::Host; fds_[0].host = in_fd; fds_[0].buf = nullptr; }
    else fds_[0] = saved0;
    stage_buf.clear();
    if (!last) { fds_[1].kind = Fd::Buffer; fds_[1].host = -1; fds_[1].buf = &stage_buf; }
    else fds_[1] = saved1;
    int pipe_read = -1;
    int job = -1;
    State s;
    save_state(s);
    ++subshell_depth_;
    int r;
    if (stage->kind == NodeKind::Simple) r = exec_simple(stage, &job, last ? nullptr : &pipe_read);
    else r = exec_command(stage);
    if (flow_ == Flow::Exit) r = exit_status_;
    flow_ = Flow::None;
    --subshell_depth_;
    restore_state(s);
    if (in_fd >= 0) host_.close(in_fd);
    in_fd = -1;
    if (job >= 0) jobs.push_back(job);
    if (last) {
      last_job = job;
      st = r;
    } else if (pipe_read >= 0) {
      in_fd = pipe_read;
    } else if (host_.input_from(stage_buf.c_str(), stage_buf.size(), &in_fd) != HostError::Ok) {
      in_fd = -1;
      fds_[0] = saved0;
      error("cannot make a pipe");
      break;
    }
  }
  if (in_fd >= 0) host_.close(in_fd);
  fds_[0] = saved0;
  fds_[1] = saved1;
  if (async) {
    for (int j : jobs) host_.background(j);
    for (int j : jobs) {
      if (j != last_job) add_job(j, true, 0);
    }
    last_bg_ = last_job >= 0 ? add_job(last_job, true, 0) : add_job(next_fake_job_++, false, st);
    return 0;
  }
  for (int j : jobs) {
    int js = wait_job(j);
    if (j == last_job) st = js;
  }
  if (n->bang) st = st == 0 ? 1 : 0;
  return st;
}

int Shell::add_job(int id, bool real, int status) {
  Job j;
  j.id = id;
  j.real = real;
  j.done = !real;
  j.status = status;
  // Forget finished jobs nobody asked about, so a long loop of `cmd &` stays bounded.
  if (jobs_.size() >= 256) {
    for (size_t i = 0; i < jobs_.size(); ++i) if (jobs_[i].done) { jobs_.erase_at(i); break; }
  }
  jobs_.push_back(j);
  return id;
}

int Shell::wait_job(int id) {
  for (Job& j : jobs_) {
    if (j.id == id && j.done) return j.status;
  }
  int st = 127;
  HostError e = host_.wait(id, &st);
  if (e == HostError::Interrupted) return 130;   // the job runs on: a later wait reaps it
  if (e != HostError::Ok) st = 127;
  for (Job& j : jobs_) {
    if (j.id == id) { j.done = true; j.status = st; }
  }
  return st;
}

void Shell::reap_jobs() {
  for (Job& j : jobs_) {
    int st = 0;
    if (j.real && !j.done && host_.poll(j.id, &st)) {
      j.done = true;
      j.status = st;
    }
  }
}

int Shell::exec_command(Node* n) {
  line_ = n->line;
  if (!stack_ok()) return 2;
  if (n->kind == NodeKind::Simple) return exec_simple(n, nullptr, nullptr);
  if (n->kind == NodeKind::FuncDef) {
    if (!define_func(n->name.view(), n->body)) return 2;
    return 0;
  }
  if (n->kind == NodeKind::List || n->kind == NodeKind::AndOr || n->kind == NodeKind::Pipeline)
    return exec(n);
  Fd saved[kMaxFds];
  Vec<int> opened;
  for (int i = 0; i < kMaxFds; ++i) saved[i] = fds_[i];
  if (!apply_redirs(n->redirs, saved, opened)) {
    undo_redirs(saved, opened);
    return 2;
  }
  int st = exec_compound(n);
  undo_redirs(saved, opened);
  return st;
}

int Shell::exec_compound(Node* n) {
  switch (n->kind) {
    case NodeKind::Group: return exec(n->body);
    case NodeKind::Subshell: return run_in_subshell(n->body);
    case NodeKind::If: return exec_if(n);
    case NodeKind::While:
    case NodeKind::Until: return exec_loop(n);
    case NodeKind::For: return exec_for(n);
    case NodeKind::Case: return exec_case(n);
    default: return exec(n);
  }
}

int Shell::run_in_subshell(Node* n) {
  if (!bump_nesting()) return 2;
  State s;
  save_state(s);
  ++subshell_depth_;
  int st = exec(n);
  if (flow_ == Flow::Exit) st = exit_status_;
  flow_ = Flow::None;
  --subshell_depth_;
  restore_state(s);
  --nesting_;
  return st;
}

void Shell::save_state(State& s) {
  s.vars = vars_;
  s.funcs = funcs_;
  s.positional = positional_;
  s.cwd = cwd_;
  s.errexit = errexit_;
  s.loop_depth = loop_depth_;
  s.exit_trap = exit_trap_;
  s.has_exit_trap = has_exit_trap_;
}

void Shell::restore_state(State& s) {
  vars_ = static_cast<Vec<Var>&&>(s.vars);
  funcs_ = static_cast<Vec<Func>&&>(s.funcs);
  positional_ = static_cast<Vec<Str>&&>(s.positional);
  if (!(cwd_ == s.cwd.view())) {
    host_.chdir(s.cwd.c_str());
    cwd_ = static_cast<Str&&>(s.cwd);
  }
  errexit_ = s.errexit;
  loop_depth_ = s.loop_depth;
  exit_trap_ = static_cast<Str&&>(s.exit_trap);
  has_exit_trap_ = s.has_exit_trap;
}

// The EXIT trap runs once, with $? the shell's exit status; its own `exit N` changes the status.
void Shell::run_exit_trap() {
  if (!has_exit_trap_) return;
  has_exit_trap_ = false;
  Str trap = static_cast<Str&&>(exit_trap_);
  int status = exit_status_;
  last_status_ = status;
  flow_ = Flow::None;
  run_source(trap.view(), line_);
  if (!(flow_ == Flow::Exit && exit_requested_)) exit_status_ = status;
  flow_ = Flow::None;
}

int Shell::exec_if(Node* n) {
  ++errexit_suppressed_;
  int c = exec(n->cond);
  --errexit_suppressed_;
  if (flow_ != Flow::None) return c;
  if (c == 0) return exec(n->body);
  if (n->else_part) return exec(n->else_part);
  return 0;
}

int Shell::exec_loop(Node* n) {
  ++loop_depth_;
  int st = 0;
  for (;;) {
    if (host_.interrupted()) { st = 130; break; }
    ++errexit_suppressed_;
    int c = exec(n->cond);
    --errexit_suppressed_;
    if (flow_ != Flow::None) break;
    bool run = n->kind == NodeKind::While ? c == 0 : c != 0;
    if (!run) break;
    st = exec(n->body);
    if (!loop_goes_on()) break;
  }
  --loop_depth_;
  return st;
}

// After a loop body: whether the loop goes on. `break N` and `continue N` are counted down here,
// one loop level at a time; return and exit leave every loop.
bool Shell::loop_goes_on() {
  if (flow_ == Flow::Break) {
    if (--flow_count_ == 0) flow_ = Flow::None;
    return false;
  }
  if (flow_ == Flow::Continue) {
    if (--flow_count_ != 0) return false;
    flow_ = Flow::None;
    return true;
  }
  return flow_ == Flow::None;
}

int Shell::exec_for(Node* n) {
  Vec<Str> items;
  if (n->has_in) {
    Expander e(*this);
    for (uint32_t i = 0; i < n->words.count; ++i) {
      if (!e.expand_fields(n->words.items[i].view(), items)) return 2;
    }
  } else {
    items = positional_;
  }
  ++loop_depth_;
  int st = 0;
  for (const Str& item : items) {
    if (host_.interrupted()) { st = 130; break; }
    if (!set_var(n->name.view(), item.view())) { st = 2; break; }
    st = exec(n->body);
    if (!loop_goes_on()) break;
  }
  --loop_depth_;
  return st;
}

int Shell::exec_case(Node* n) {
  Expander e(*this);
  Str word;
  if (!e.expand_string(n->name.view(), &word)) return 2;
  for (CaseItem* item = n->items; item; item = item->next) {
    for (uint32_t i = 0; i < item->patterns.count; ++i) {
      Str pat;
      if (!e.expand_pattern(item->patterns.items[i].view(), &pat)) return 2;
      if (pattern_match(pat.view(), word.view())) return item->body ? exec(item->body) : 0;
    }
  }
  return 0;
}

// ---- Functions ----

const Shell::Func* Shell::find_func(std::string_view name) const {
  for (const Func& f : funcs_) if (f.name == name) return &f;
  return nullptr;
}

bool Shell::define_func(std::string_view name, Node* body) {
  // The body lives in the arena of the command being run; find it through the node's owner.
  Func f;
  f.name = Str(name);
  f.body = body;
  f.arena = current_arena_;
  if (f.arena) f.arena->retain();
  for (Func& old : funcs_) {
    if (old.name == name) { old = static_cast<Func&&>(f); return true; }
  }
  return funcs_.push_back(static_cast<Func&&>(f));
}

int Shell::call_function(const Func& fn, Vec<Str>& argv) {
  if (!stack_ok()) return 2;
  if (call_depth_ >= limits_.max_call_depth) {
    Str m("Maximum function recursion depth (");
    append_number(m, limits_.max_call_depth);
    m.append(") reached");
    fatal_error(m.view());
    return 2;
  }
  Func f = fn;   // keeps the body alive even if the function redefines itself
  Vec<Str> saved = static_cast<Vec<Str>&&>(positional_);
  positional_ = Vec<Str>();
  for (size_t i = 1; i < argv.size(); ++i) positional_.push_back(argv[i]);
  ++call_depth_;
  locals_.push_back(Vec<Local>());
  int saved_loop = loop_depth_;
  loop_depth_ = 0;
  int st = exec(f.body);
  loop_depth_ = saved_loop;
  if (flow_ == Flow::Return) { flow_ = Flow::None; st = exit_status_; }
  // Restore what `local` saved, last first.
  Vec<Local>& locals = locals_.back();
  for (size_t i = locals.size(); i-- > 0;) {
    Local& l = locals[i];
    if (l.existed) {
      set_var(l.name.view(), l.value.view());
      if (Var* v = find_var(l.name.view())) v->exported = l.exported;
    } else {
      unset_var(l.name.view());
    }
  }
  locals_.pop_back();
  --call_depth_;
  positional_ = static_cast<Vec<Str>&&>(saved);
  return st;
}

// ---- Simple commands ----

int Shell::exec_simple(Node* n, int* spawned_job, int* pipe_read) {
  line_ = n->line;
  Expander e(*this);
  subst_status_ = -1;
  Vec<Str> argv;
  for (uint32_t i = 0; i < n->words.count; ++i) {
    if (!e.expand_fields(n->words.items[i].view(), argv)) return 2;
  }
  Fd saved[kMaxFds];
  Vec<int> opened;
  for (int i = 0; i < kMaxFds; ++i) saved[i] = fds_[i];

  if (argv.empty()) {
    // Assignments and redirections only: both take effect here and now.
    for (uint32_t i = 0; i < n->assigns.count; ++i) {
      std::string_view w = n->assigns.items[i].view();
      size_t eq = w.find('=');
      Str value;
      if (!e.expand_string(w.substr(eq + 1), &value, true)) return 2;
      if (!set_var(w.substr(0, eq), value.view())) return 2;
    }
    int st = subst_status_ >= 0 ? subst_status_ : 0;
    if (!apply_redirs(n->redirs, saved, opened)) st = 2;
    undo_redirs(saved, opened);
    return st;
  }

  std::string_view name = argv[0].view();
  bool special = is_special_builtin(name);
  const Func* fn = special ? nullptr : find_func(name);
  bool builtin = special || (!fn && is_builtin(name));

  // Assignments before a special builtin stay; before anything else they last for that command.
  Vec<Local> undo;
  for (uint32_t i = 0; i < n->assigns.count; ++i) {
    std::string_view w = n->assigns.items[i].view();
    size_t eq = w.find('=');
    Str value;
    if (!e.expand_string(w.substr(eq + 1), &value, true)) return 2;
    std::string_view var = w.substr(0, eq);
    if (!special) {
      Local l;
      l.name = Str(var);
      if (Var* v = find_var(var)) { l.existed = true; l.value = v->value; l.exported = v->exported; }
      undo.push_back(static_cast<Local&&>(l));
    }
    if (!set_var(var, value.view(), !special && !builtin && !fn)) return 2;
  }

  int st;
  if (!apply_redirs(n->redirs, saved, opened)) {
    st = 2;
    if (special && !interactive_) { exit_status_ = 2; flow_ = Flow::Exit; }
  } else if (builtin) {
    int errors = error_count_;
    st = run_builtin(argv);
    // A special builtin's own error (bad option, bad name, can't shift) ends a script, as in dash.
    if (special && error_count_ != errors && !interactive_ && flow_ == Flow::None &&
        name != "eval" && name != ".") {
      exit_status_ = st;
      flow_ = Flow::Exit;
    }
  } else if (fn) {
    st = call_function(*fn, argv);
  } else {
    st = run_external(argv, spawned_job, pipe_read);
  }
  // `exec` with only redirections makes them permanent.
  if (!(name == "exec" && argv.size() == 1)) undo_redirs(saved, opened);
  for (size_t i = undo.size(); i-- > 0;) {
    Local& l = undo[i];
    if (l.existed) {
      set_var(l.name.view(), l.value.view());
      if (Var* v = find_var(l.name.view())) v->exported = l.exported;
    } else {
      unset_var(l.name.view());
    }
  }
  return st;
}

bool Shell::apply_redirs(Redir* r, Fd saved[kMaxFds], Vec<int>& opened) {
  (void)saved;
  Expander e(*this);
  for (; r; r = r->next) {
    if (r->fd >= 0 && r->fd < kMaxFds && (r->op == RedirOp::HereDoc || r->op == RedirOp::HereDocRaw)) {
      Str body;
      if (r->op == RedirOp::HereDocRaw) body = Str(r->target.view());
      else if (!e.expand_heredoc(r->target.view(), &body)) return false;
      int fd = -1;
      if (host_.input_from(body.c_str(), body.size(), &fd) != HostError::Ok) {
        error("cannot create a here-document");
        return false;
      }
      opened.push_back(fd);
      fds_[r->fd].kind = Fd::Host;
      fds_[r->fd].host = fd;
      fds_[r->fd].buf = nullptr;
      continue;
    }
    Str target;
    if (!e.expand_string(r->target.view(), &target)) return false;
    if (r->fd < 0 || r->fd >= kMaxFds) {
      Str n;
      append_number(n, r->fd);
      error(n.view(), ": Bad file descriptor");
      return false;
    }
    if (r->op == RedirOp::DupIn || r->op == RedirOp::DupOut) {
      if (target == "-") {
        fds_[r->fd] = Fd();
        continue;
      }
      int64_t src;
      if (!parse_number(target.view(), &src) || src < 0 || src >= kMaxFds ||
          fds_[src].kind == Fd::Closed) {
        error(target.view(), ": Bad file descriptor");
        return false;
      }
      fds_[r->fd] = fds_[src];
      continue;
    }
    OpenMode mode = r->op == RedirOp::In ? OpenMode::Read
                  : r->op == RedirOp::Append ? OpenMode::Append
                  : r->op == RedirOp::ReadWrite ? OpenMode::ReadWrite
                  : OpenMode::WriteTrunc;
    int fd = -1;
    HostError err = host_.open(target.c_str(), mode, &fd);
    if (err != HostError::Ok) {
      bool create = mode != OpenMode::Read;
      if (create && err == HostError::NotFound) err = HostError::NotDir;
      error(create ? "cannot create " : "cannot open ", target.view(), ": ", host_error_text(err));
      return false;
    }
    opened.push_back(fd);
    fds_[r->fd].kind = Fd::Host;
    fds_[r->fd].host = fd;
    fds_[r->fd].buf = nullptr;
  }
  return true;
}

void Shell::undo_redirs(Fd saved[kMaxFds], Vec<int>& opened) {
  for (int i = 0; i < kMaxFds; ++i) fds_[i] = saved[i];
  for (int fd : opened) host_.close(fd);
  opened.clear();
}

bool Shell::resolve_command(std::string_view name, Str* path, HostError* err) {
  FileInfo info;
  if (name.find('/') != std::string_view::npos) {
    *path = Str(name);
    HostError e = host_.stat(path->c_str(), &info);
    if (e != HostError::Ok || info.kind == FileKind::None) { *err = HostError::NotFound; return false; }
    if (info.kind == FileKind::Dir || !info.executable) { *err = HostError::Access; return false; }
    return true;
  }
  const Str* pv = get_var("PATH");
  *err = HostError::NotFound;
  if (!pv) return false;
  std::string_view p = pv->view();
  for (;;) {
    size_t colon = p.find(':');
    std::string_view dir = p.substr(0, colon);
    Str cand(dir.empty() ? std::string_view(".") : dir);
    cand.push('/');
    cand.append(name);
    if (host_.stat(cand.c_str(), &info) == HostError::Ok && info.kind == FileKind::File) {
      if (info.executable) { *path = static_cast<Str&&>(cand); return true; }
      *err = HostError::Access;
    }
    if (colon == std::string_view::npos) break;
    p.remove_prefix(colon + 1);
  }
  return false;
}

[[gnu::noinline]] int Shell::run_external(Vec<Str>& argv, int* spawned_job, int* pipe_read) {
  Str path;
  HostError err;
  std::string_view name = argv[0].view();
  if (!resolve_command(name, &path, &err)) {
    if (err == HostError::Access) { error(name, ": Permission denied"); return 126; }
    error(name, ": not found");
    return 127;
  }
  Vec<Str> env;
  Vec<const char*> argp, envp;
  make_env(env);
  for (const Str& a : argv) argp.push_back(a.c_str());
  argp.push_back(nullptr);
  for (const Str& v : env) envp.push_back(v.c_str());
  envp.push_back(nullptr);
  if (check_oom()) return 2;

  // fds the shell keeps in memory (a $(...) being captured, a builtin stage's buffer) reach the
  // program through a pipe each.
  struct BufPipe { Str* buf; int r; int w; };
  BufPipe pipes[kMaxFds];
  int npipes = 0;
  FdMapping map[kMaxFds];
  size_t nmap = 0;
  for (int k = 0; k < kMaxFds; ++k) {
    Fd& f = fds_[k];
    if (f.kind == Fd::Host) {
      map[nmap++] = FdMapping{k, f.host};
    } else if (f.kind == Fd::Buffer) {
      int i = 0;
      while (i < npipes && pipes[i].buf != f.buf) ++i;
      if (i == npipes) {
        int p[2];
        if (host_.pipe(p) != HostError::Ok) {
          for (int j = 0; j < npipes; ++j) { host_.close(pipes[j].r); host_.close(pipes[j].w); }
          error("cannot make a pipe");
          return 2;
        }
        pipes[npipes++] = BufPipe{f.buf, p[0], p[1]};
      }
      map[nmap++] = FdMapping{k, pipes[i].w};
    }
  }
  SpawnRequest req{path.c_str(), argp.begin(), envp.begin(), map, nmap, cwd_.c_str()};
  int job = -1;
  HostError se = host_.spawn(req, &job);
  for (int i = 0; i < npipes; ++i) host_.close(pipes[i].w);
  if (se != HostError::Ok) {
    for (int i = 0; i < npipes; ++i) host_.close(pipes[i].r);
    if (se == HostError::NotFound) { error(name, ": not found"); return 127; }
    error(name, ": ", host_error_text(se));
    return 126;
  }
  for (int i = 0; i < npipes; ++i) {
    if (pipe_read && fds_[1].kind == Fd::Buffer && pipes[i].buf == fds_[1].buf) {
      *pipe_read = pipes[i].r;   // streamed to the next pipeline stage
      continue;
    }
    char chunk[512];
    for (;;) {
      long got = host_.read(pipes[i].r, chunk, sizeof chunk);
      if (got <= 0) break;
      size_t room = limits_.max_capture > pipes[i].buf->size() ? limits_.max_capture - pipes[i].buf->size() : 0;
      pipes[i].buf->append(chunk, static_cast<size_t>(got) < room ? static_cast<size_t>(got) : room);
    }
    host_.close(pipes[i].r);
  }
  if (spawned_job) {
    *spawned_job = job;
    return 0;
  }
  return wait_job(job);
}

// Runs the command substitution whose text starts at `src` (just after "$(", or the unescaped
// body of a backquote substitution) in a subshell with stdout captured into `out`.
int Shell::capture(std::string_view src, Str* out, size_t* consumed, bool backquote) {
  if (!bump_nesting()) return 2;
  Arena* arena = Arena::create();
  if (!arena) { --nesting_; check_oom(); return 2; }
  Arena* saved_arena = current_arena_;
  current_arena_ = arena;
  State s;
  save_state(s);
  Fd saved1 = fds_[1];
  fds_[1].kind = Fd::Buffer;
  fds_[1].host = -1;
  fds_[1].buf = out;
  ++subshell_depth_;
  int saved_line = line_;
  int st = 0;
  Parser p(src, line_, arena, limits_.max_parse_depth);
  if (backquote) {
    for (;;) {
      ParseResult r = p.next();
      if (r.status == ParseStatus::End) break;
      if (r.status == ParseStatus::Error) { syntax_error(r); st = 2; break; }
      st = exec(r.node);
      last_status_ = st;
      if (flow_ != Flow::None) break;
    }
  } else {
    ParseResult r = p.parse_subst();
    if (r.status == ParseStatus::Error) {
      syntax_error(r);
      st = 2;
    } else {
      st = exec(r.node);
    }
    *consumed = p.offset();
  }
  if (flow_ == Flow::Exit) st = exit_status_;
  flow_ = Flow::None;
  --subshell_depth_;
  line_ = saved_line;
  fds_[1] = saved1;
  restore_state(s);
  current_arena_ = saved_arena;
  arena->release();
  --nesting_;
  while (!out->empty() && out->back() == '\n') out->truncate(out->size() - 1);
  last_status_ = st;
  subst_status_ = st;
  return st;
}

}  // namespace shell
