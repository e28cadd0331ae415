// servers/shell/shell.h: the interpreter. One Shell is one shell process's state (variables,
// functions, positional parameters, jobs, working directory, the fd table its builtins write to);
// everything it does to the system goes through the Host it is given. Subshells ((...), $(...),
// the stages of a pipeline that are not programs) run in the same Shell on a saved copy of its
// state, because the target has no fork. Recursion (functions, nesting, eval) is bounded.
#pragma once

#include <string_view>

#include "servers/shell/arith.h"
#include "servers/shell/ast.h"
#include "servers/shell/buf.h"
#include "servers/shell/host.h"
#include "servers/shell/parser.h"

namespace shell {

struct Limits {
  int max_call_depth = 1000;         // function calls (dash's limit and message)
  int max_nesting = 100;             // $(...), eval, ., subshells inside each other
  int max_parse_depth = Parser::kDefaultMaxDepth;
  size_t max_capture = 4u << 20;     // bytes a $(...) or a builtin pipeline stage may produce
  size_t max_input = 4u << 20;       // bytes of one script or one pending command
  size_t max_glob = 4096;            // pathnames one word may expand to
  size_t max_variables = 4096;
  // Bytes of stack the interpreter may use below the frame of its entry point (run_script,
  // feed_line, finish); 0: unchecked. A call, subshell or compound command that would go deeper
  // fails with "out of stack" instead of overflowing (the target's stacks are small).
  size_t max_stack = 0;
};

class Shell final : ArithVars {
 public:
  explicit Shell(Host& host, const Limits& limits = {});
  ~Shell();
  Shell(const Shell&) = delete;
  Shell& operator=(const Shell&) = delete;

  // Set-up, before running anything.
  void set_arg0(std::string_view name) { arg0_ = name; }
  void set_positional(int argc, const char* const* argv);
  void import_environment(const char* const* envp);   // "NAME=value", all exported
  void set_cwd(std::string_view abs_path);            // what the host says the cwd is now
  void set_interactive(bool on) { interactive_ = on; }
  bool set_var(std::string_view name, std::string_view value, bool exported = false);
  const Str* get_var(std::string_view name) const;

  // Runs a whole script (sh -c, sh FILE); returns the shell's exit status.
  int run_script(std::string_view src);

  // Line-at-a-time input (a terminal or a pipe): feed each line with its '\n'. Returns true when
  // the line completed a command (which then ran) or was blank; false when more lines are needed
  // (an open quote, if without fi, ...): prompt with PS2 and feed the next one.
  bool feed_line(std::string_view line);
  // End of input: a pending incomplete command is a syntax error. Returns the exit status.
  int finish();
  void interrupt_pending();  // ^C at the prompt: drop a half-typed multi-line command
  // Back at the prompt: background jobs that have finished are reaped (their status kept for
  // `wait`), so none stays a zombie.
  void reap_jobs();

  bool exited() const { return exited_; }
  int status() const { return exited_ ? exit_status_ : last_status_; }
  std::string_view cwd() const { return cwd_.view(); }
  // PS1 after parameter expansion of $VAR forms (e.g. "koios$ "); PS2 when continuing.
  Str prompt(bool continuation);

 private:
  friend class Expander;
  friend struct Builtins;

  struct Var {
    Str name;
    Str value;
    bool exported = false;
  };
  struct Func {
    Str name;
    Node* body = nullptr;
    Arena* arena = nullptr;
    Func() = default;
    Func(const Func& o) : name(o.name), body(o.body), arena(o.arena) { if (arena) arena->retain(); }
    Func(Func&& o) : name(static_cast<Str&&>(o.name)), body(o.body), arena(o.arena) { o.arena = nullptr; }
    Func& operator=(const Func& o) {
      if (this != &o) { if (o.arena) o.arena->retain(); if (arena) arena->release();
        name = o.name; body = o.body; arena = o.arena; }
      return *this;
    }
    Func& operator=(Func&& o) {
      if (this != &o) { if (arena) arena->release(); name = static_cast<Str&&>(o.name);
        body = o.body; arena = o.arena; o.arena = nullptr; }
      return *this;
    }
    ~Func() { if (arena) arena->release(); }
  };
  struct Job {
    int id = 0;
    bool done = false;
    bool real = true;      // a host process (else a builtin that already ran: status is known)
    int status = 0;
  };
  // The shell's fd table as builtins and spawned programs see it.
  struct Fd {
    enum Kind : uint8_t { Closed, Host, Buffer } kind = Closed;
    int host = -1;
    Str* buf = nullptr;
  };
  static constexpr int kMaxFds = 10;
  enum class Flow : uint8_t { None, Break, Continue, Return, Exit };
  // What a subshell saves and restores.
  struct State {
    Vec<Var> vars;
    Vec<Func> funcs;
    Vec<Str> positional;
    Str cwd;
    bool errexit;
    int loop_depth;
    Str exit_trap;
    bool has_exit_trap;
  };

  // Execution (shell.cc).
  int run_source(std::string_view src, int first_line);
  int exec(Node* n);
  int exec_list(Node* n);
  int exec_and_or(Node* n);
  int exec_pipeline(Node* n, bool async);
  int exec_command(Node* n);
  int exec_simple(Node* n, int* spawned_job, int* pipe_read);
  int exec_compound(Node* n);
  bool loop_goes_on();
  int exec_for(Node* n);
  int exec_case(Node* n);
  int exec_loop(Node* n);
  int exec_if(Node* n);
  int call_function(const Func& f, Vec<Str>& argv);
  int run_external(Vec<Str>& argv, int* spawned_job, int* pipe_read);
  int run_in_subshell(Node* n);
  int capture(std::string_view src, Str* out, size_t* consumed, bool backquote);
  void save_state(State& s);
  void restore_state(State& s);
  bool apply_redirs(Redir* r, Fd saved[kMaxFds], Vec<int>& opened);
  void undo_redirs(Fd saved[kMaxFds], Vec<int>& opened);
  int wait_job(int id);
  int add_job(int id, bool real, int status);
  const Func* find_func(std::string_view name) const;
  bool define_func(std::string_view name, Node* body);
  bool resolve_command(std::string_view name, Str* path, HostError* err);
  bool make_env(Vec<Str>& storage);
  bool bump_nesting();
  bool stack_ok();
  int exec_pipeline_stages(Node* n, bool async);
  uintptr_t stack_base_ = 0;    // frame address at the outermost entry (0: not inside one)

  // Variables.
  Var* find_var(std::string_view name);
  bool unset_var(std::string_view name);
  const Str* get(std::string_view name) override { return get_var(name); }
  bool set(std::string_view name, std::string_view value) override { return set_var(name, value); }

  // Output and errors.
  void write_fd(int fd, std::string_view s);
  void error(std::string_view a, std::string_view b = {}, std::string_view c = {},
             std::string_view d = {});
  void fatal_error(std::string_view a, std::string_view b = {}, std::string_view c = {},
                   std::string_view d = {});
  void syntax_error(const ParseResult& r);
  bool check_oom();

  // Builtins (builtins.cc); returns -1 if `name` is not a builtin.
  static bool is_special_builtin(std::string_view name);
  static bool is_builtin(std::string_view name);
  int run_builtin(Vec<Str>& argv);

  Host& host_;
  Limits limits_;
  Str arg0_{"sh"};
  Vec<Var> vars_;
  Vec<Func> funcs_;
  Vec<Str> positional_;
  Vec<Job> jobs_;
  Fd fds_[kMaxFds];
  Str cwd_;
  Str pending_;            // feed_line: lines of a command not complete yet
  int pending_line_ = 1;
  int line_ = 1;           // for error messages
  int next_line_ = 1;      // feed_line: the line number of the next line fed
  int last_status_ = 0;
  int last_bg_ = 0;
  int exit_status_ = 0;
  bool exited_ = false;
  bool interactive_ = false;
  bool errexit_ = false;
  bool noglob_ = false;          // set -f
  int pipeline_group_ = 0;       // the job id the programs of the running pipeline group under
  int errexit_suppressed_ = 0;   // inside if/while conditions, && || chains, !
  Flow flow_ = Flow::None;
  int flow_count_ = 0;
  int loop_depth_ = 0;
  int call_depth_ = 0;
  int nesting_ = 0;
  int subshell_depth_ = 0;
  int next_fake_job_ = 1000000;
  int error_count_ = 0;           // messages error() printed: a special builtin that printed one failed
  int subst_status_ = -1;         // status of the last $(...) in the current simple command
  bool exit_requested_ = false;   // the `exit` builtin ran (errors do not end an interactive shell)
  Arena* current_arena_ = nullptr;
  Str exit_trap_;                 // `trap CMD EXIT`: run once when the shell ends
  bool has_exit_trap_ = false;
  void run_exit_trap();  // the arena of the command being run (function bodies keep it)   // ids of background jobs that ran inside the shell
  struct Local {
    Str name;
    Str value;
    bool existed = false;
    bool exported = false;
  };
  Vec<Vec<Local>> locals_;        // per function call: what `local` saved, restored at return
};

}  // namespace shell
