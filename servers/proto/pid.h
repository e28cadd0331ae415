// servers/proto/pid.h: the pidsrv protocol (issue 6), declared once for pidsrv and every client
// (the runtime's getpid/posix_spawn/execve/waitpid/kill/sigaction...). Each request is a
// fixed-size struct that begins with a koios::MessageHeader whose ordinal is an Op; each reply
// begins with the header (same txid) and an ns::Errno (Linux's numbering, libns/errno.h).
// Signal numbers, wait options and wait statuses are Linux's, so the runtime passes them through.
//
// Every pid in a request or reply is a number in the caller's own pid namespace. Tokens (pidfds
// and pid-namespace references) are kernel token handles (koios token_create): pidsrv keeps one
// side of each pair and hands out the other with a TokenReply. A request that uses a token sends
// a duplicate of it with the message (the client keeps its own); pidsrv recognises only its own,
// by KoID, closes what it received, and answers EBADF for anything else. A token is closed by
// closing its handles: pidsrv frees its side when the handed-out one reports PeerClosed.
#pragma once

#include <cstdint>
#include <type_traits>

#include "koios/channel.h"
#include "koios/handle.h"
#include "koios/signals.h"
#include "libns/errno.h"

namespace proto::pid {

using koios::i32;
using koios::i64;
using koios::u32;
using koios::u64;

// ---- Linux numbers -----------------------------------------------------------------------------

// signal(7), x86/arm/riscv numbering (asm-generic/signal.h).
inline constexpr int kSigHup = 1, kSigInt = 2, kSigQuit = 3, kSigIll = 4, kSigTrap = 5, kSigAbrt = 6,
                     kSigBus = 7, kSigFpe = 8, kSigKill = 9, kSigUsr1 = 10, kSigSegv = 11, kSigUsr2 = 12,
                     kSigPipe = 13, kSigAlrm = 14, kSigTerm = 15, kSigStkflt = 16, kSigChld = 17,
                     kSigCont = 18, kSigStop = 19, kSigTstp = 20, kSigTtin = 21, kSigTtou = 22, kSigUrg = 23,
                     kSigXcpu = 24, kSigXfsz = 25, kSigVtalrm = 26, kSigProf = 27, kSigWinch = 28, kSigIo = 29,
                     kSigPwr = 30, kSigSys = 31, kSigRtMin = 32, kSigMax = 64;
// A sigset_t of 64 signals: signal n is bit n-1, as in Linux.
using SigSet = u64;
constexpr SigSet sig_bit(int sig) { return SigSet{1} << (sig - 1); }

// sigaction(2): handler values and flags.
inline constexpr u64 kSigDfl = 0, kSigIgn = 1;
inline constexpr u64 kSaNoCldStop = 0x1, kSaNoCldWait = 0x2, kSaSigInfo = 0x4, kSaRestorer = 0x04000000,
                     kSaOnStack = 0x08000000, kSaRestart = 0x10000000, kSaNoDefer = 0x40000000,
                     kSaResetHand = 0x80000000;
inline constexpr u64 kSaKnownFlags = kSaNoCldStop | kSaNoCldWait | kSaSigInfo | kSaRestorer | kSaOnStack |
                                     kSaRestart | kSaNoDefer | kSaResetHand;
// sigprocmask(2) how.
inline constexpr u32 kSigBlock = 0, kSigUnblock = 1, kSigSetMask = 2;

// wait(2) options and waitid idtypes.
inline constexpr u32 kWNoHang = 0x1, kWUntraced = 0x2, kWStopped = 0x2, kWExited = 0x4, kWContinued = 0x8,
                     kWNoWait = 0x01000000;
inline constexpr u32 kWaitKnownOptions = kWNoHang | kWStopped | kWExited | kWContinued | kWNoWait;
enum class IdType : u32 { All = 0, Pid = 1, Pgid = 2, Pidfd = 3 };
// siginfo's si_code for SIGCHLD / waitid.
inline constexpr i32 kCldExited = 1, kCldKilled = 2, kCldDumped = 3, kCldTrapped = 4, kCldStopped = 5,
                     kCldContinued = 6;

// The wait status word, as glibc's W* macros decode it.
constexpr i32 wait_status_exited(int code) { return (code & 0xff) << 8; }
constexpr i32 wait_status_signaled(int sig, bool core = false) { return (sig & 0x7f) | (core ? 0x80 : 0); }
constexpr i32 wait_status_stopped(int sig) { return ((sig & 0xff) << 8) | 0x7f; }
inline constexpr i32 kWaitStatusContinued = 0xffff;
constexpr bool wifexited(i32 s) { return (s & 0x7f) == 0; }
constexpr int wexitstatus(i32 s) { return (s >> 8) & 0xff; }
constexpr bool wifsignaled(i32 s) { return (s & 0x7f) != 0 && (s & 0x7f) != 0x7f; }
constexpr int wtermsig(i32 s) { return s & 0x7f; }
constexpr bool wifstopped(i32 s) { return (s & 0xff) == 0x7f; }
constexpr int wstopsig(i32 s) { return (s >> 8) & 0xff; }
constexpr bool wifcontinued(i32 s) { return s == kWaitStatusContinued; }

// clone(2) flags accepted by Spawn and Unshare (Linux's value).
inline constexpr u64 kCloneNewPid = 0x20000000;
// Spawn only. kSpawnSetPgroup: the child joins process group `pgroup` (0: a group of its own)
// before it runs, as posix_spawnattr_setpgroup does, so nothing it starts escapes the group.
// kSpawnPidfd: the reply is a TokenReply (same layout as Reply) with a pidfd for the child as its
// handle, as glibc's pidfd_spawn: no second request, and no moment when only the pid names it.
inline constexpr u64 kSpawnSetPgroup = 0x1;
inline constexpr u64 kSpawnPidfd = 0x2;
inline constexpr u64 kSpawnKnownFlags = kCloneNewPid | kSpawnSetPgroup | kSpawnPidfd;

// Asserted by pidsrv on a pidfd (the handed-out token) once the process it names has exited
// (become a zombie, or been killed), or at once for a pidfd opened on a zombie: a pidfd is
// pollable, as on Linux (object_wait_one / object_wait_many on the pidfd's handle).
inline constexpr koios::Signals kPidfdExited = koios::Signals::User0;

// ---- limits --------------------------------------------------------------------------------------

inline constexpr u32 kMaxPath = 256;            // PATH in the boot filesystem, NUL included
inline constexpr u32 kMaxSpawnStrings = 4096;   // argv then envp, each NUL-terminated
inline constexpr u32 kMaxName = 16;             // comm, like Linux's TASK_COMM_LEN
inline constexpr u32 kMaxLevels = 33;           // pid namespace levels 0..32
inline constexpr u32 kListBatch = 8;            // processes per List reply
inline constexpr u32 kMaxSpawnExtra = 4;        // start-up handles besides the fds in one Spawn
inline constexpr u32 kMaxSpawnFds = 64;         // fd numbers a Spawn may give: the runtime's table (kMaxFds)
// Handles in one Spawn, fds and extras together: the start-up message also carries Process,
// Thread, RootVmar and the pidsrv channel (koios/startup.h's kStartupMaxHandles in all).
inline constexpr u32 kMaxSpawnHandles = koios::kMaxMessageHandles - 4;
inline constexpr u32 kMaxCwd = 4096;            // the working directory, NUL included (PATH_MAX)

// ---- operations -------------------------------------------------------------------------------

enum class Op : u32 {
  GetPid = 1,           // -> Reply.value = pid
  GetPpid = 2,          // -> Reply.value = ppid, 0 when the parent is outside the caller's namespace
  Spawn = 3,            // SpawnRequest -> Reply.value = the child's pid
  Exec = 4,             // SpawnRequest -> no reply on success (the caller is replaced), else Reply
  Exit = 5,             // ValueRequest{code} -> Reply: the exit status, sent just before process_exit
  Kill = 6,             // KillRequest -> Reply
  Wait = 7,             // WaitRequest -> WaitReply (may come later; none if a signal interrupts it)
  SetPgid = 8,          // PidPairRequest{pid, pgid} -> Reply
  GetPgid = 9,          // ValueRequest{pid} -> Reply.value
  SetSid = 10,          // Request -> Reply.value = the new sid
  GetSid = 11,          // ValueRequest{pid} -> Reply.value
  List = 12,            // ValueRequest{after pid} -> ListReply
  TranslatePid = 13,    // TranslateRequest -> Reply.value
  PidfdOpen = 14,       // ValueRequest{pid} -> TokenReply + the pidfd's handle
  PidfdSendSignal = 15, // TokenRequest{sig} + the pidfd -> Reply
  PidfdGetPid = 16,     // TokenRequest + the pidfd -> Reply.value (ESRCH once reaped)
  // 17 retired (CloseToken): a token is closed by closing its handles.
  SigAction = 18,       // SigActionRequest -> SigActionReply (the old action)
  SigProcMask = 19,     // SigMaskRequest -> MaskReply (the old mask)
  SigReturn = 20,       // Request -> no reply on success: the interrupted registers come back
  SigPending = 21,      // Request -> MaskReply
  OpenPidNs = 22,       // PidNsRequest -> TokenReply + the namespace token's handle
  SetNs = 23,           // TokenRequest + a namespace token (with Enter) or a pidfd -> Reply
                        // (the caller's next children enter that namespace)
  Unshare = 24,         // FlagsRequest{kCloneNewPid} -> Reply
  SetSubreaper = 25,    // ValueRequest{0 or 1} -> Reply
  Stats = 26,           // Request -> StatsReply: pidsrv's own counts (tests check they come back)
  SysInfo = 27,         // Request -> SysInfoReply (sysinfo(2): uptime, memory, process count)
  Adopt = 28,           // AdoptRequest + process (+ its main thread) handles -> Reply.value = its pid
};

// Requests with no argument (GetPid, GetPpid, SetSid, SigReturn, SigPending).
struct Request {
  koios::MessageHeader header;
};
struct ValueRequest {
  koios::MessageHeader header;
  i32 value;
};
struct PidPairRequest {
  koios::MessageHeader header;
  i32 pid;
  i32 pgid;
};
struct FlagsRequest {
  koios::MessageHeader header;
  u64 flags;
};
struct KillRequest {
  koios::MessageHeader header;
  i32 pid;   // > 0 one process, 0 the caller's group, -1 every one it may signal, < -1 group -pid
  i32 sig;   // 0 checks existence and permission only
};
// The token travels as the message's one handle (a duplicate: pidsrv closes it). No handle:
// EBADF, as for a closed fd; a handle that is not one of pidsrv's tokens of the right kind: EBADF
// (setns: EINVAL, as Linux answers for an fd that is neither a namespace nor a pidfd).
struct TokenRequest {
  koios::MessageHeader header;
  i32 sig;   // PidfdSendSignal only
  u32 reserved;
};
// One start-up handle besides the fds (koios/startup.h's kind and arg). Only kinds that carry
// authority the caller already holds: Job, Resource, BootfsVmo, User, Token, and Server other
// than Pid (pidsrv gives each child its own). Process, Thread, RootVmar and Fd are refused.
struct SpawnExtra {
  u32 kind;
  u32 arg;
};
// Spawn and Exec: the program at `path` in the boot filesystem with `argc` argv strings then
// `envc` envp strings in `strings`. The fds' handles travel with the message, in fd order, one
// per bit of fd_mask (bit n: the child's fd n, a socket, a mountsrv file channel, a terminal or a
// token; the child gets it as StartupHandleKind::Fd, arg n), then `extra_count` handles described by `extra`; at most
// kMaxSpawnHandles in all. A mask names each fd once and only fds the runtime's table has, so a
// request cannot name one twice or out of range; a handle of another type is EBADF.
// `cwd` is the child's working directory (NUL-terminated, absolute; empty: "/"): POSIX children
// start in their parent's, and only the spawner can pass it, so it travels here and pidsrv puts it
// in the start-up message (kStartupVersionCwd). Exec passes the caller's own, which the new image
// keeps. flags: kCloneNewPid makes the child pid 1 of a new pid namespace (Spawn only).
struct SpawnRequest {
  koios::MessageHeader header;
  u64 flags;
  u32 argc;
  u32 envc;
  u32 strings_size;
  u32 extra_count;
  u64 fd_mask;
  i32 pgroup;     // kSpawnSetPgroup
  u32 reserved;   // 0
  SpawnExtra extra[kMaxSpawnExtra];
  char path[kMaxPath];
  char strings[kMaxSpawnStrings];
  char cwd[kMaxCwd];
};
struct WaitRequest {
  koios::MessageHeader header;
  IdType idtype;
  i32 id;         // a pid, a pgid (0: the caller's group), unused for All
  u32 options;    // kWExited etc.; waitpid adds kWExited itself
  u32 reserved;   // IdType::Pidfd: the pidfd travels as the message's one handle
};
// rt_sigaction: handler is kSigDfl, kSigIgn or an address; restorer is the runtime's trampoline
// (required with a handler). The handler runs as described in servers/pidsrv/README.md.
struct SigAction {
  u64 handler;
  u64 flags;
  SigSet mask;
  u64 restorer;
};
struct SigActionRequest {
  koios::MessageHeader header;
  i32 sig;
  u32 set;        // 0: only read the old action
  SigAction action;
};
struct SigMaskRequest {
  koios::MessageHeader header;
  u32 how;        // kSigBlock, kSigUnblock, kSigSetMask
  u32 set;        // 0: only read the old mask
  SigSet mask;
};
// `pid` as seen in the namespace `from` (the caller's unless kTranslateFrom), expressed in `to`
// (the caller's unless kTranslateTo). Each namespace named travels as a token handle, from first.
inline constexpr u32 kTranslateFrom = 1, kTranslateTo = 2;
struct TranslateRequest {
  koios::MessageHeader header;
  i32 pid;
  u32 tokens;     // kTranslateFrom | kTranslateTo
};
// A reference to the pid namespace of process `pid` (0: the caller): its active one, or with
// for_children set the one its next children enter (/proc/PID/ns/pid_for_children).
struct PidNsRequest {
  koios::MessageHeader header;
  i32 pid;
  u32 for_children;
};

struct Reply {
  koios::MessageHeader header;
  ns::Errno error;
  i32 value;
};
// On success the token comes as the reply's one handle: a pidfd with Duplicate, Transfer, Wait
// and Inspect; a namespace token with Enter as well (what setns needs).
struct TokenReply {
  koios::MessageHeader header;
  ns::Errno error;
  i32 value;      // Spawn with kSpawnPidfd: the child's pid (Reply's layout); else 0
};
struct MaskReply {
  koios::MessageHeader header;
  ns::Errno error;
  u32 reserved;
  SigSet mask;
};
struct SigActionReply {
  koios::MessageHeader header;
  ns::Errno error;
  u32 reserved;
  SigAction old;
};
// pid 0 with error Ok: WNOHANG and nothing to report.
struct WaitReply {
  koios::MessageHeader header;
  ns::Errno error;
  i32 pid;
  i32 status;     // the wait status word (wifexited & co.)
  i32 code;       // si_code: kCldExited ...
  i32 si_status;  // exit code or signal
  u32 uid;        // the child's real uid in the caller's user namespace
};

// pidsrv's table sizes (ProcessTable::Counts) and the kernel handles it holds for its clients.
struct StatsReply {
  koios::MessageHeader header;
  ns::Errno error;
  u32 reserved;
  u64 entries, registry_processes, namespaces, ns_jobs, tokens, waiters, pidrefs, ns_handles;
  u64 clients;    // processes with a pidsrv channel
  u64 handles;    // kernel handles pidsrv holds
};

// A server the root namespace's init started itself (mountsrv), outside pidsrv, becomes its child
// with a pid, as init itself is pid 1 by adoption, so that ps shows it. Only that init may ask
// (EPERM); the handles are the process (Inspect) then, optionally, its main thread (for signals that
// stop it and its CPU time). EEXIST when pidsrv already knows the process.
struct AdoptRequest {
  koios::MessageHeader header;
  char name[kMaxName];   // comm, NUL-terminated
};

// sysinfo(2) as pidsrv can answer it: the monotonic clock, the kernel's page counts (through the
// info resource init gives pidsrv; 0 without it) and the processes pidsrv knows, in every namespace
// (as Linux counts them). Load averages are not modelled: the scheduler keeps no run-queue average.
struct SysInfoReply {
  koios::MessageHeader header;
  ns::Errno error;
  u32 procs;
  i64 uptime_ns;
  u64 total_bytes;   // physical memory the kernel's page allocator manages
  u64 free_bytes;
  u64 user_bytes;    // pages held by user address spaces
};

// Sleeping: running as pidsrv sees it, but its main thread is blocked in a wait now (the kernel's answer).
enum class ProcState : u32 { Running = 'R', Sleeping = 'S', Stopped = 'T', Zombie = 'Z' };
// One line of ps. nspid[0..levels) are the process's pids from the caller's level down to its own
// (/proc/PID/status's NSpid as the caller's namespace shows it).
struct ProcInfo {
  i32 pid, ppid, pgid, sid;
  u32 uid;
  ProcState state;
  u32 levels;
  char name[kMaxName];
  i32 nspid[kMaxLevels];
  i64 start_ns;   // when it was spawned, on the monotonic clock (ps's STIME)
  u64 cpu_ns;     // CPU time of its main thread, user and system (ps's TIME; 0 when pidsrv has no thread)
};
// Up to kListBatch processes with pids above the request's `after`, in pid order; count 0: done.
struct ListReply {
  koios::MessageHeader header;
  ns::Errno error;
  u32 count;
  ProcInfo procs[kListBatch];
};

template <typename M>
inline constexpr bool kIsMessage = std::is_trivially_copyable_v<M> && std::is_standard_layout_v<M> &&
                                   __builtin_offsetof(M, header) == 0 && sizeof(M) <= koios::kMaxMessageBytes;
static_assert(kIsMessage<Request> && sizeof(Request) == 8);
static_assert(kIsMessage<ValueRequest> && sizeof(ValueRequest) == 12);
static_assert(kIsMessage<PidPairRequest> && sizeof(PidPairRequest) == 16);
static_assert(kIsMessage<FlagsRequest> && sizeof(FlagsRequest) == 16);
static_assert(kIsMessage<KillRequest> && sizeof(KillRequest) == 16);
static_assert(kIsMessage<TokenRequest> && sizeof(TokenRequest) == 16);
static_assert(kIsMessage<SpawnRequest> &&
              sizeof(SpawnRequest) == 48 + 8 * kMaxSpawnExtra + kMaxPath + kMaxSpawnStrings + kMaxCwd);
static_assert(kIsMessage<StatsReply> && sizeof(StatsReply) == 96);
static_assert(kIsMessage<WaitRequest> && sizeof(WaitRequest) == 24);
static_assert(kIsMessage<SigActionRequest> && sizeof(SigActionRequest) == 48);
static_assert(kIsMessage<SigMaskRequest> && sizeof(SigMaskRequest) == 24);
static_assert(kIsMessage<TranslateRequest> && sizeof(TranslateRequest) == 16);
static_assert(kIsMessage<PidNsRequest> && sizeof(PidNsRequest) == 16);
static_assert(kIsMessage<Reply> && sizeof(Reply) == 16);
static_assert(kIsMessage<TokenReply> && sizeof(TokenReply) == 16);
static_assert(kIsMessage<MaskReply> && sizeof(MaskReply) == 24);
static_assert(kIsMessage<SigActionReply> && sizeof(SigActionReply) == 48);
static_assert(kIsMessage<WaitReply> && sizeof(WaitReply) == 32);
static_assert(kIsMessage<SysInfoReply> && sizeof(SysInfoReply) == 48);
static_assert(kIsMessage<AdoptRequest> && sizeof(AdoptRequest) == 8 + kMaxName);
static_assert(sizeof(ProcInfo) == 44 + 4 * kMaxLevels + 16);
static_assert(kIsMessage<ListReply> && sizeof(ListReply) == 16 + kListBatch * sizeof(ProcInfo));

}  // namespace proto::pid
