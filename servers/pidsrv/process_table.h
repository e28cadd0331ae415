// servers/pidsrv/process_table.h: the pidsrv core. Linux processes over libns's pid model, keyed
// by KoID: which kernel process is behind each pid, parent/child links and zombies (the
// Registry's), wait statuses, stop/continue, signals (actions, masks, pending sets, delivery
// through the kernel contract), pidfds and pid-namespace tokens, and the jobs that mirror the pid
// namespaces. It never makes a syscall: everything it asks of the kernel goes through KernelOps.
//
// Identities: the Registry knows a process by its *ident*, the KoID of the first kernel process
// that had the pid; exec replaces the kernel process but keeps the ident, so the pid stays. The
// table maps the current kernel process KoID (the caller of a request) to its Entry.
// Owned by pidsrv's main (or a test); all memory from the ns::Allocator it is given.
#pragma once

#include <cstdint>

#include "libns/registry.h"
#include "servers/pidsrv/kernel_ops.h"
#include "servers/proto/pid.h"

namespace pidsrv {

using ns::Pid;
using proto::pid::SigAction;
using proto::pid::SigSet;

inline constexpr uint32_t kMaxSignalFrames = 8;     // nested handlers per process
inline constexpr uint32_t kMaxWaiters = 4;          // blocked waits per process
inline constexpr uint32_t kMaxTokensPerClient = 64; // open by one live client (EMFILE beyond)
inline constexpr uint32_t kMaxTokens = 4096;        // in all, passed on or not (ENFILE beyond)

// A wait that could not be answered yet; the reply goes out when a child changes state.
struct Waiter {
  uint32_t txid;
  proto::pid::IdType idtype;
  int32_t id;
  uint32_t options;
  // IdType::Pidfd: the token's KoID as the request gave it; wait() registers the waiter with the
  // ident of the process it names instead, since the pidfd may be closed while the wait blocks.
  Koid pidfd = ns::kInvalidKoid;
};

struct WaitResult {
  Pid pid = 0;        // 0: WNOHANG and nothing to report
  int32_t status = 0;
  int32_t code = 0;
  int32_t si_status = 0;
  uint32_t uid = 0;
};

// The registers a handler interrupted, and the mask to restore, until its SigReturn.
struct SignalFrame {
  koios::ThreadStateGeneral regs;
  SigSet blocked;
};

struct Token;

// One process as pidsrv sees it. Created by spawn (or init()), freed when reaped.
struct Entry {
  enum class State : uint8_t { Running, Stopped, Zombie };
  Koid ident = ns::kInvalidKoid;
  Koid process = ns::kInvalidKoid;
  Koid thread = ns::kInvalidKoid;
  Koid ns = ns::kInvalidKoid;       // its active pid namespace
  State state = State::Running;
  int32_t status = 0;               // the wait status once a zombie
  bool exit_reported = false;       // Op::Exit came before the kernel said it ended
  bool stop_report = false;         // a stop WUNTRACED has not reported yet
  bool cont_report = false;         // a continue WCONTINUED has not reported yet
  int stop_sig = 0;
  char name[proto::pid::kMaxName] = {};
  int64_t start_ns = 0;             // the monotonic clock at spawn (ps's STIME)
  bool ignores_signals = false;     // pidsrv itself, as Linux's kernel threads: kill answers 0, does nothing
  SigAction actions[proto::pid::kSigMax] = {};   // index sig - 1
  SigSet blocked = 0;
  SigSet pending = 0;
  SignalFrame frames[kMaxSignalFrames];
  uint32_t nframes = 0;
  Waiter waiters[kMaxWaiters];
  uint32_t nwaiters = 0;
  uint32_t ntokens = 0;             // tokens it opened that are still open (wherever they went)
  // Deferred work: a parent to notify at the end of the current operation.
  Entry* notify_next = nullptr;
  bool notify_queued = false;
  bool notify_sigchld = false;
  bool deferred_signals = false;    // the current caller: act on its signals after the reply
  Entry* victim_next = nullptr;     // an init's death: the processes it takes along
};

// A pidfd or a pid-namespace reference: pidsrv's side of a kernel token pair whose other side
// went to a client. It lives until every handle to that side is gone (on_token_closed), however
// far the client passed it on; its opener dying does not end it.
struct Token {
  enum class Kind : uint8_t { Pidfd, PidNs };
  Koid key = ns::kInvalidKoid;      // the handed-out side's KoID
  Kind kind = Kind::Pidfd;
  Koid owner = ns::kInvalidKoid;    // ident of the client that opened it (its EMFILE count)
  ns::PidRef* pidref = nullptr;
  ns::NsHandle* nshandle = nullptr;
};

// A pid namespace that has a job: the job, the Registry handle that keeps the namespace alive
// as long as the job, and the namespace's init.
struct NsInfo {
  Koid ns = ns::kInvalidKoid;
  Koid job = ns::kInvalidKoid;
  ns::NsHandle* hold = nullptr;
  Koid init_ident = ns::kInvalidKoid;
  bool root = false;
};

class ProcessTable {
 public:
  ProcessTable(ns::Allocator& alloc, KernelOps& kernel);
  ~ProcessTable();
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Start-up: the model, the root pid namespace mirrored by `root_job`, and the root init (which
  // the kernel started) as pid 1. ENOMEM, or EEXIST when called twice.
  Status init(Koid root_job, Koid init_process, Koid init_thread, const char* name);

  // ---- requests; `caller` is the kernel process KoID its channel is bound to ---------------
  // Each request runs between begin_request and finish_request (dispatch does this): signals that
  // would stop the caller's own thread act after its reply has been sent.
  void begin_request(Koid caller);
  void finish_request();

  Result<Pid> getpid(Koid caller);
  Result<Pid> getppid(Koid caller);
  // flags: proto::pid::kSpawnKnownFlags; `pgroup` with kSpawnSetPgroup (kSpawnPidfd is the
  // handler's: it opens the pidfd once the spawn succeeded).
  Result<Pid> spawn(Koid caller, const SpawnArgs& args, uint64_t flags, Pid pgroup = 0);
  Status exec(Koid caller, const SpawnArgs& args);           // Ok: the caller is gone, no reply
  Status report_exit(Koid caller, int code);
  Status kill(Koid caller, Pid pid, int sig);
  // Ok with pid 0 and *deferred: the waiter is registered and will be answered via KernelOps::send.
  Result<WaitResult> wait(Koid caller, const Waiter& w, bool* deferred);
  Status setpgid(Koid caller, Pid pid, Pid pgid);
  Result<Pid> getpgid(Koid caller, Pid pid);
  Result<Pid> setsid(Koid caller);
  Result<Pid> getsid(Koid caller, Pid pid);
  Result<uint32_t> list(Koid caller, Pid after, proto::pid::ProcInfo* out, uint32_t max);
  // Tokens are named by the KoID of the handle the request brought (KernelOps::token_arg); one
  // that is not pidsrv's own, or of another kind, is EBADF. kInvalidKoid: the caller's namespace.
  Result<Pid> translate(Koid caller, Pid pid, Koid from, Koid to);
  Result<Koid> pidfd_open(Koid caller, Pid pid);             // the new token's key
  Status pidfd_send_signal(Koid caller, Koid token, int sig);
  Result<Pid> pidfd_getpid(Koid caller, Koid token);
  Result<SigAction> sigaction(Koid caller, int sig, const SigAction* set);
  Result<SigSet> sigprocmask(Koid caller, uint32_t how, const SigSet* set);
  Status sigreturn(Koid caller);                             // Ok: registers restored, no reply
  Result<SigSet> sigpending(Koid caller);
  Result<Koid> open_pid_ns(Koid caller, Pid pid, bool for_children);
  // A namespace token, or a pidfd (its process's active pid namespace, as setns(2) takes one).
  // `may_enter`: the handle carries Rights::Enter, which joining by namespace token needs (EPERM).
  Status setns(Koid caller, Koid token, bool may_enter = true);
  Status unshare(Koid caller, uint64_t flags);
  Status set_subreaper(Koid caller, bool on);
  // Adopt: a process the root init started itself becomes its child (KernelOps::adopt_process
  // takes the handles). kIgnore is for pidsrv's own entry: it can neither stop nor kill itself.
  enum class SignalPolicy : uint8_t { kDeliver, kIgnore };
  Result<Pid> adopt(Koid caller, const koios::Handle* handles, uint32_t count, const char* name,
                    SignalPolicy signals = SignalPolicy::kDeliver);

  // ---- events from the kernel -----------------------------------------------------------------
  // A kernel process ended (main.cc waits for Terminated on each). Unknown KoIDs are ignored:
  // a process replaced by exec, or one already counted dead.
  void on_terminated(Koid process, koios::ProcessExitReason reason, int64_t code, uint64_t fault_cause);
  // Every handle to the token `key` is gone: free it. Unknown keys are ignored.
  void on_token_closed(Koid key);

  // ---- inspection -----------------------------------------------------------------------------
  struct Counts {
    size_t entries, registry_processes, namespaces, ns_jobs, tokens, waiters, pidrefs, ns_handles;
    bool operator==(const Counts&) const = default;
  };
  Counts counts() const;
  ns::Registry& registry() { return reg_; }
  Entry* find(Koid process) const;          // by current kernel process KoID
  Entry* find_ident(Koid ident) const;
  const NsInfo* ns_info(Koid ns) const;

 private:
  Entry* live(Koid caller) const;           // a non-zombie entry
  ns::Process* proc(const Entry& e) const { return reg_.find_process(e.ident); }
  Result<NsInfo*> job_for(ns::PidNamespace* ns);
  void drop_ns_info(NsInfo* info);
  Result<Token*> add_token(Entry& owner, Token::Kind kind);
  Token* find_token(Koid key, Token::Kind kind) const;
  void close_token(Token* t);
  void signal_pidfds(const Entry& e);
  void forget(Entry* e);
  void undo_spawn(Entry* parent, Entry* child);

  // Signals.
  Status send_checked(Entry& sender, Entry& target, int sig);
  bool may_signal(const Entry& sender, const Entry& target, int sig) const;
  void generate(Entry& target, int sig);
  void process_pending(Entry& e);
  bool deliver_handler(Entry& e, int sig);
  void terminate(Entry& e, int sig);
  void stop(Entry& e, int sig);
  void resume(Entry& e);
  void drop_waiters(Entry& e) { e.nwaiters = 0; }

  // Exit and notification.
  void become_zombie(Entry& e, int32_t status);
  void notify_parent(Entry& child, bool stopped_or_continued);
  void queue_notify(Entry& parent, bool sigchld);
  void flush_notifications();
  void settle() { if (!in_request_) flush_notifications(); }   // outside dispatch: notify now
  void reap(Entry& parent, Entry& child);
  enum class WaitOutcome : uint8_t { Ready, NotYet };
  Result<WaitOutcome> try_wait(Entry& parent, const Waiter& w, WaitResult* out);
  void wake_waiters(Entry& parent);

  ns::Allocator& alloc_;
  KernelOps& kernel_;
  ns::Registry reg_;
  ns::KoidMap<Entry*> by_process_;
  ns::KoidMap<Entry*> by_ident_;
  ns::KoidMap<NsInfo*> ns_infos_;
  ns::KoidMap<Token*> tokens_;        // by key
  Entry* notify_head_ = nullptr;
  Entry* current_ = nullptr;
  bool in_request_ = false;
};

}  // namespace pidsrv
