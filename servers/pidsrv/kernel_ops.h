// servers/pidsrv/kernel_ops.h: everything the pidsrv core asks of the kernel, as one interface.
// The core never makes a syscall: host tests implement this with a fake that records every call,
// and the target's main.cc implements it with the syscalls (job_create, process_create/start,
// task_kill, task_suspend + wait for Suspended, thread_read/write_state, task_resume, channel_write).
// Objects are named by KoID; the implementation keeps the handles behind them.
// Methods are virtual with failing defaults (not pure): the freestanding build has no
// __cxa_pure_virtual, as in libns/allocator.h.
#pragma once

#include <cstdint>

#include "koios/handle.h"
#include "koios/rights.h"
#include "koios/task.h"
#include "libns/result.h"
#include "libns/types.h"
#include "servers/proto/pid.h"

namespace pidsrv {

using ns::Errno;
using ns::Koid;
using ns::Result;
using ns::Status;

// What start_process needs besides the process: the image, its strings, its fds and its working
// directory. The strings point into the request being handled; the handles are the ones that came
// with it.
struct SpawnArgs {
  const char* path;
  const char* strings;   // argc strings then envc strings, each NUL-terminated
  uint32_t strings_size;
  uint32_t argc;
  uint32_t envc;
  uint64_t fd_mask;               // bit n: the child's fd n is given
  const koios::Handle* handles;   // one per bit of fd_mask, lowest fd first, then the extras
  uint32_t extra_count = 0;       // start-up handles after the fds (proto::pid::SpawnExtra)
  const proto::pid::SpawnExtra* extra = nullptr;
  const char* cwd = "/";          // absolute
};

// A token handle as a request brought it: which token, and what its handle may do.
struct TokenArg {
  Koid koid = ns::kInvalidKoid;
  koios::Rights rights = koios::Rights::None;
};

class KernelOps {
 public:
  // A new job under `parent` (pid namespaces are mirrored by jobs).
  virtual Result<Koid> create_job(Koid parent) { (void)parent; return Errno::NoSys; }
  // pidsrv no longer needs the job (its namespace's init was reaped): close its handle.
  virtual void close_job(Koid job) { (void)job; }
  // An empty, not yet started process in `job`.
  virtual Result<Koid> create_process(Koid job, const char* name) { (void)job; (void)name; return Errno::NoSys; }
  // Loads args.path into the process, sends its start-up message (argv, envp, stdio, a channel
  // to pidsrv bound to this process) and starts it; answers the main thread's KoID. ENOENT when
  // there is no such file, ENOEXEC when it is not a valid image, EBADF when an fd's handle is not a
  // socket, a channel, a resource (a terminal) or a token (a pidfd) (checked before anything moves). The handles move into the
  // new process on success; on failure they are still the request's (main.cc closes them).
  virtual Result<Koid> start_process(Koid process, const SpawnArgs& args) {
    (void)process; (void)args; return Errno::NoSys;
  }
  // task_kill of a job (everything in it and below) or of one process.
  virtual Status kill_job(Koid job) { (void)job; return Errno::NoSys; }
  virtual Status kill_process(Koid process) { (void)process; return Errno::NoSys; }
  // pidsrv is done with a process (reaped, or discarded before it started): close its handles.
  virtual void release_process(Koid process) { (void)process; }
  // The signal-delivery contract: suspend returns once the thread is parked (a syscall it was
  // blocked in has returned Interrupted); its registers can then be read and written; resume.
  // Requests its process had queued on its pidsrv channel are dropped by the implementation:
  // those calls returned Interrupted and the runtime makes them again.
  virtual Status suspend_thread(Koid thread) { (void)thread; return Errno::NoSys; }
  virtual Status read_state(Koid thread, koios::ThreadStateGeneral* regs) { (void)thread; (void)regs; return Errno::NoSys; }
  virtual Status write_state(Koid thread, const koios::ThreadStateGeneral& regs) { (void)thread; (void)regs; return Errno::NoSys; }
  virtual Status resume_thread(Koid thread) { (void)thread; return Errno::NoSys; }
  // Every reply (dispatch sends them all this way, and a wait that blocked later): written on
  // the client's channel. A client that does not read its replies only loses them (ShouldWait is dropped).
  virtual void send(Koid client, const void* bytes, uint32_t size) { (void)client; (void)bytes; (void)size; }
  // Tokens (pidfds and pid-namespace references): a kernel token pair. mint_token keeps one side
  // and holds the other until send_token moves it out with a reply; it answers the handed-out
  // side's KoID, the key pidsrv files the token under (= the kept side's related KoID). `enter`:
  // the handed-out side carries Rights::Enter (namespace tokens). When every handle to the
  // handed-out side is gone, the implementation calls ProcessTable::on_token_closed(key).
  virtual Result<Koid> mint_token(bool enter) { (void)enter; return Errno::NoSys; }
  // A reply that carries the token `key` as its one handle. When the reply cannot be delivered the
  // handle is closed, so the token is freed as if the client had closed it.
  virtual void send_token(Koid client, const void* bytes, uint32_t size, Koid key) {
    (void)client; (void)bytes; (void)size; (void)key;
  }
  // Asserts proto::pid::kPidfdExited on the handed-out side (object_signal_peer on the kept one).
  virtual void signal_token(Koid key) { (void)key; }
  // pidsrv is done with the token: close the kept side (and the handed-out one, if never sent).
  virtual void drop_token(Koid key) { (void)key; }
  // A handle that came with a request: its KoID and rights if it is a kernel token (any minter's;
  // the core checks it is one of its own); EBADF for anything else. The handle stays the
  // request's (closed after dispatch).
  virtual Result<TokenArg> token_arg(koios::Handle handle) { (void)handle; return Errno::BadF; }
  // For Stats: processes with a pidsrv channel, and kernel handles held.
  virtual uint64_t client_count() const { return 0; }
  virtual uint64_t handle_count() const { return 0; }
  // For ps and sysinfo: a thread's CPU time (0 when unknown), the monotonic clock, and the kernel's
  // memory counts (ENOSYS when pidsrv was given no info resource).
  virtual uint64_t cpu_time_ns(Koid thread) const { (void)thread; return 0; }
  // A running process pidsrv did not start (Adopt; pidsrv itself at start-up): handles[0] its
  // process, handles[1] (optional) its main thread. On success they are the implementation's, it
  // watches the process end, and *thread is the thread's KoID (kInvalidKoid without one); on
  // failure they are still the caller's. EEXIST when the process is already known, EINVAL when the
  // handles are not a process and one of its threads.
  virtual Result<Koid> adopt_process(const koios::Handle* handles, uint32_t count, Koid* thread) {
    (void)handles; (void)count; (void)thread; return Errno::NoSys;
  }
  virtual bool thread_blocked(Koid thread) const { (void)thread; return false; }
  virtual int64_t now_ns() const { return 0; }
  struct Memory {
    uint64_t total_bytes, free_bytes, user_bytes;
  };
  virtual Result<Memory> memory() const { return Errno::NoSys; }

 protected:
  KernelOps() = default;
  ~KernelOps() = default;
};

}  // namespace pidsrv
