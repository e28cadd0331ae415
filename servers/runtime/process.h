// servers/runtime/process.h: the runtime's side of pidsrv (servers/proto/pid.h), under the C calls
// of process.cc and signal.cc (getpid, posix_spawn, waitpid, kill, sigaction...). Programs use the
// C calls (with linux_signal.h for Linux's numbers); init, tests and benchmarks use these for what
// C has no call for (start-up handles for a child, raw token requests, pidsrv's counts).
#pragma once

#include <cerrno>

#include "koios/result.h"
#include "koios/startup.h"
#include "rpc.h"
#include "servers/proto/pid.h"
#include "signal_glue.h"
#include "spawn.h"

namespace koios {

// The pidsrv client channel from the start-up message (Server, Pid); kInvalidHandle when the
// program was not started through pidsrv (the kernel's own test programs, pidsrv itself).
Handle pid_channel();

// picolibc's errno for a Linux errno from pidsrv (they differ above ERANGE).
int errno_from(ns::Errno e);

// One pidsrv request. Answers 0 or a picolibc errno (the reply's, ENOSYS without pidsrv, EIO when
// the call fails). A call interrupted by a stop, or by a handler for a `blocking` call with
// SA_RESTART, is made again (pidsrv drops the queued request when it interrupts a thread); a
// `blocking` call interrupted by a handler without SA_RESTART answers EINTR.
template <typename Request, typename Reply>
int pid_request(proto::pid::Op op, const Request& request, Reply* reply, bool blocking = false) {
  Handle channel = pid_channel();
  if (channel == kInvalidHandle) return ENOSYS;
  for (;;) {
    u64 serial = runtime::handler_serial();
    Status s = call(channel, u32(op), request, reply);
    if (s == Status::Ok) return errno_from(reply->error);
    if (s != Status::Interrupted) return EIO;
    if (blocking && !runtime::retry_after_interrupt(serial)) return EINTR;
  }
}

// A spawn through pidsrv. fds[n] is the child's fd n (a socket or a file channel; kInvalidHandle:
// none, and a child's fd 0, 1 or 2 without one is the console); fds and extra handles are consumed
// whatever the outcome. The child starts in this process's working directory. flags:
// proto::pid::kCloneNewPid. Answers 0 and *pid, or an errno (EBADF for an fd handle that is not a
// socket or a channel, EINVAL for more than kMaxSpawnHandles handles).
// A pidsrv request that uses tokens (pidfds, pid-namespace references; servers/proto/pid.h):
// duplicates of `tokens` travel with it (the caller keeps its own; each attempt sends fresh ones,
// since an interrupted attempt loses its handles with the dropped request). With `received`, the
// reply's one handle (a minted token) lands there: kInvalidHandle unless the reply is Ok, and EIO
// when an Ok reply brought none. Answers as pid_request; EBADF when a token cannot be duplicated.
template <typename Request, typename Reply>
int pid_token_request(proto::pid::Op op, const Request& request, Reply* reply, const Handle* tokens, u32 count,
                      Handle* received = nullptr, bool blocking = false) {
  Handle channel = pid_channel();
  if (received) *received = kInvalidHandle;
  if (channel == kInvalidHandle) return ENOSYS;
  if (count > 2) return EINVAL;
  for (;;) {
    Handle copies[2] = {kInvalidHandle, kInvalidHandle};
    for (u32 i = 0; i < count; ++i) {
      if (handle_duplicate(tokens[i], Rights::SameRights, &copies[i]) != Status::Ok) {
        for (u32 j = 0; j < i; ++j) (void)handle_close(copies[j]);
        return EBADF;
      }
    }
    Handle in = kInvalidHandle;
    CallHandles ch{copies, count, &in, received ? 1u : 0u, 0};
    u64 serial = runtime::handler_serial();
    Status s = call(channel, u32(op), request, reply, kDeadlineInfinite, &ch);
    if (s == Status::Ok) {
      int e = errno_from(reply->error);
      if (e != 0 || received == nullptr) {
        if (ch.received) (void)handle_close(in);
        return e;
      }
      if (ch.received == 0) return EIO;
      *received = in;
      return 0;
    }
    if (s != Status::Interrupted) return EIO;
    if (blocking && !runtime::retry_after_interrupt(serial)) return EINTR;
  }
}

// A spawn through pidsrv. stdio[fd] (kInvalidHandle: none) and extra handles are consumed
// whatever the outcome. flags: proto::pid::kCloneNewPid. Answers 0 and *pid, or an errno.
struct SpawnOptions {
  SpawnOptions() {
    for (Handle& h : fds) h = kInvalidHandle;
  }
  SpawnOptions(const SpawnOptions&) = delete;
  SpawnOptions& operator=(const SpawnOptions&) = delete;
  Handle fds[proto::pid::kMaxSpawnFds];
  Handle* const stdio = fds;   // fds 0..2, the name older callers use
  u64 flags = 0;                 // proto::pid::kCloneNewPid; the two below set their own flags
  i32 pgroup = -1;               // >= 0: the child's process group before it runs (0: its own)
  Handle* pidfd = nullptr;       // set: the child's pidfd token lands here (kInvalidHandle: none)
  u32 extra_count = 0;
  proto::pid::SpawnExtra extra[proto::pid::kMaxSpawnExtra] = {};
  Handle extra_handles[proto::pid::kMaxSpawnExtra] = {kInvalidHandle, kInvalidHandle, kInvalidHandle, kInvalidHandle};
};
int pid_spawn(const char* path, const char* const* argv, const char* const* envp, SpawnOptions& options, int* pid);

// Fills options.fds as the child of a posix_spawn would have them: a duplicate of every open fd
// that is a socket or a file (0..2 stay the console without one). 0, or an errno.
int inherit_fds(SpawnOptions& options);
// A pidfd's handle for object_wait_one/object_wait_many (proto::pid::kPidfdExited) is
// fd_handle(pidfd) (fd.h): pidfds are fds, made by pidfd_open() (linux_signal.h) and closed by close().
// What C has no call for, over the same tokens: the pid a pidfd names, in the caller's namespace
// (Linux shows it in /proc/self/fdinfo; ESRCH once reaped); an fd for the pid namespace of `pid`
// (0: the caller), as open("/proc/PID/ns/pid" or ".../pid_for_children"); and `pid` translated
// from the namespace of fd `from_ns` to that of `to_ns` (-1: the caller's). -1 and errno on error.
int pidfd_getpid(int pidfd);
int open_pid_ns(int pid, bool for_children);
int translate_pid(int pid, int from_ns, int to_ns);
// Adopt (init only): `process` (and optionally its main `thread`), a server init started itself,
// becomes init's child with a pid and the name `name`. The handles are consumed. Answers 0 and *pid,
// or an errno.
int pid_adopt(Handle process, Handle thread, const char* name, int* pid);

// Starts pidsrv (the program `pidsrv` from `bootfs`) with the caller as pid 1 of the root pid
// namespace: what init does first (and a benchmark the kernel starts, which plays init). pidsrv
// runs in a new job under `parent_job`, and the root namespace's processes in another; `self` is
// the caller's own process handle (duplicated). From then on pid_channel() is the caller's channel
// to pidsrv. `info_resource` (optional, duplicated) lets pidsrv answer sysinfo's memory counts.
// `process_options` go to its process_create (kProcessLargeHandleTable: pidsrv holds about three
// handles per process, so the default table serves about 300). Answers pidsrv's process.
Result<OwnedHandle> start_pidsrv(Handle parent_job, const Bootfs& bootfs, Handle self,
                                 Handle info_resource = kInvalidHandle, u32 process_options = 0);

}  // namespace koios
