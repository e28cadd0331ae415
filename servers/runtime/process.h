// servers/runtime/process.h: the runtime's side of pidsrv (servers/proto/pid.h), under the C calls
// of process.cc and signal.cc (getpid, posix_spawn, waitpid, kill, sigaction...). Programs use the
// C calls (with linux_signal.h for Linux's numbers); init, tests and benchmarks use these for what
// C has no call for (start-up handles for a child, pidfds, pidsrv's counts).
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

// A spawn through pidsrv. stdio[fd] (kInvalidHandle: none) and extra handles are consumed
// whatever the outcome. flags: proto::pid::kCloneNewPid. Answers 0 and *pid, or an errno.
struct SpawnOptions {
  Handle stdio[3] = {kInvalidHandle, kInvalidHandle, kInvalidHandle};
  u64 flags = 0;
  u32 extra_count = 0;
  proto::pid::SpawnExtra extra[proto::pid::kMaxSpawnExtra] = {};
  Handle extra_handles[proto::pid::kMaxSpawnExtra] = {kInvalidHandle, kInvalidHandle, kInvalidHandle, kInvalidHandle};
};
int pid_spawn(const char* path, const char* const* argv, const char* const* envp, SpawnOptions& options, int* pid);

// Adopt (init only): `process` (and optionally its main `thread`), a server init started itself,
// becomes init's child with a pid and the name `name`. The handles are consumed. Answers 0 and *pid,
// or an errno.
int pid_adopt(Handle process, Handle thread, const char* name, int* pid);

// Starts pidsrv (the program `pidsrv` from `bootfs`) with the caller as pid 1 of the root pid
// namespace: what init does first (and a benchmark the kernel starts, which plays init). pidsrv
// runs in a new job under `parent_job`, and the root namespace's processes in another; `self` is
// the caller's own process handle (duplicated). From then on pid_channel() is the caller's channel
// to pidsrv. `info_resource` (optional, duplicated) lets pidsrv answer sysinfo's memory counts.
// Answers pidsrv's process.
Result<OwnedHandle> start_pidsrv(Handle parent_job, const Bootfs& bootfs, Handle self,
                                 Handle info_resource = kInvalidHandle);

}  // namespace koios
