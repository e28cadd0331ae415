// servers/runtime/process.cc: the process calls over pidsrv (servers/proto/pid.h): getpid,
// getppid, posix_spawn (no fork: pidsrv starts the program from the boot filesystem), execve,
// waitpid, waitid, setpgid/getpgid, setsid/getsid, unshare, pidfd_open/pidfd_send_signal and
// setns (pidsrv tokens held as fds); and process.h's C++ side.
#include "process.h"

#include <cstring>

#include <cstdlib>
#include <fcntl.h>

#include "cwd.h"
#include "fd.h"
#include "koios/object_info.h"
#include "koios/resource.h"
#include "linux_signal.h"
#include "mutex.h"
#include "runtime.h"
#include "spawn.h"
#include "stdio_glue.h"
#include "syscalls.h"

namespace koios {

namespace {

using namespace proto::pid;

Handle g_pid_channel = kInvalidHandle;
bool g_pid_channel_taken = false;

int fail(int e) {
  errno = e;
  return -1;
}

// The request is big (8.5 KiB): one per process, under g_spawn_lock (threads may spawn).
SpawnRequest g_spawn;
Mutex g_spawn_lock;

int fill_strings(SpawnRequest& r, const char* const* argv, const char* const* envp) {
  u32 used = 0;
  auto add = [&](const char* s) {
    usize n = std::strlen(s) + 1;
    if (used + n > kMaxSpawnStrings) return false;
    std::memcpy(r.strings + used, s, n);
    used += u32(n);
    return true;
  };
  for (const char* const* a = argv; a && *a; ++a, ++r.argc)
    if (!add(*a)) return E2BIG;
  for (const char* const* e = envp; e && *e; ++e, ++r.envc)
    if (!add(*e)) return E2BIG;
  r.strings_size = used;
  return 0;
}

// Spawn or Exec with the handles of `o` (consumed). Each attempt sends duplicates: an attempt
// interrupted before pidsrv read it loses its handles with the dropped request.
int spawn_call(Op op, const char* path, const char* const* argv, const char* const* envp, SpawnOptions& o, int* pid) {
  MutexLock hold(g_spawn_lock);
  Handle channel = pid_channel();
  Handle handles[kMaxSpawnHandles];
  u32 count = 0;
  SpawnRequest& r = g_spawn;
  r = SpawnRequest{};
  bool too_many = false;
  auto take = [&](Handle& h) {
    Handle taken = std::exchange(h, kInvalidHandle);
    if (count < kMaxSpawnHandles) handles[count++] = taken;
    else {
      (void)handle_close(taken);
      too_many = true;
    }
  };
  for (u32 fd = 0; fd < kMaxSpawnFds; ++fd) {
    if (o.fds[fd] == kInvalidHandle) continue;
    r.fd_mask |= u64{1} << fd;
    take(o.fds[fd]);
  }
  for (u32 i = 0; i < o.extra_count && i < kMaxSpawnExtra; ++i) {
    r.extra[i] = o.extra[i];
    take(o.extra_handles[i]);
  }
  r.extra_count = o.extra_count < kMaxSpawnExtra ? o.extra_count : kMaxSpawnExtra;
  struct Closer {
    Handle* h;
    u32* n;
    ~Closer() {
      for (u32 i = 0; i < *n; ++i) (void)handle_close(h[i]);
    }
  } closer{handles, &count};
  if (too_many) return EINVAL;
  if (channel == kInvalidHandle) return ENOSYS;
  usize path_len = std::strlen(path);
  if (path_len >= kMaxPath) return ENAMETOOLONG;
  std::memcpy(r.path, path, path_len + 1);
  r.flags = o.flags;
  if (o.pgroup >= 0) {
    r.flags |= kSpawnSetPgroup;
    r.pgroup = o.pgroup;
  }
  if (o.pidfd) {
    *o.pidfd = kInvalidHandle;
    r.flags |= kSpawnPidfd;
  }
  working_directory(r.cwd);
  if (int e = fill_strings(r, argv, envp)) return e;
  for (;;) {
    Handle copies[kMaxSpawnHandles];
    for (u32 i = 0; i < count; ++i) {
      if (handle_duplicate(handles[i], Rights::SameRights, &copies[i]) != Status::Ok) {
        for (u32 j = 0; j < i; ++j) (void)handle_close(copies[j]);
        return EBADF;
      }
    }
    Handle pidfd = kInvalidHandle;
    CallHandles ch{copies, count, &pidfd, o.pidfd ? 1u : 0u, 0};
    TokenReply reply{};   // Reply's layout; its handle is the pidfd asked for
    Status s = call(channel, u32(op), r, &reply, kDeadlineInfinite, &ch);
    if (s == Status::Interrupted) continue;   // dropped with its handles; spawning is not a blocking call
    if (s != Status::Ok) return EIO;
    if (reply.error != ns::Errno::Ok) return errno_from(reply.error);
    if (pid) *pid = reply.value;
    if (o.pidfd && ch.received == 1) *o.pidfd = pidfd;
    return 0;
  }
}

}  // namespace

Handle pid_channel() {
  if (!g_pid_channel_taken) {
    g_pid_channel_taken = true;
    g_pid_channel = startup_handle(StartupHandleKind::Server, u32(StartupServer::Pid));
    // pidsrv knows the caller by this channel: it is not to be passed on (it came with Transfer
    // only because a handle needs it to move).
    InfoBasic basic{};
    Handle restricted = kInvalidHandle;
    if (g_pid_channel != kInvalidHandle &&
        object_get_info(g_pid_channel, u32(InfoTopic::Basic), &basic, sizeof basic, nullptr, nullptr) == Status::Ok &&
        handle_replace(g_pid_channel, basic.rights & ~Rights::Transfer, &restricted) == Status::Ok)
      g_pid_channel = restricted;
  }
  return g_pid_channel;
}

int errno_from(ns::Errno e) {
  switch (e) {
    case ns::Errno::Ok: return 0;
    case ns::Errno::NameTooLong: return ENAMETOOLONG;
    case ns::Errno::NoSys: return ENOSYS;
    case ns::Errno::NotEmpty: return ENOTEMPTY;
    case ns::Errno::Loop: return ELOOP;
    case ns::Errno::NoMsg: return ENOMSG;
    case ns::Errno::Users: return 131;   // newlib's EUSERS, hidden unless __LINUX_ERRNO_EXTENSIONS__
    case ns::Errno::AddrInUse: return EADDRINUSE;
    case ns::Errno::OpNotSupp: return EOPNOTSUPP;
    case ns::Errno::AddrNotAvail: return EADDRNOTAVAIL;
    default: return static_cast<int>(e);   // the same below ERANGE
  }
}

Result<OwnedHandle> start_pidsrv(Handle parent_job, const Bootfs& bootfs, Handle self, Handle info_resource,
                                 u32 process_options) {
  Handle server_job = kInvalidHandle, ns_job = kInvalidHandle;
  TRY(job_create(parent_job, 0, &server_job));
  OwnedHandle owned_server_job(server_job);
  TRY(job_create(parent_job, 0, &ns_job));
  OwnedPair channel = TRY(make_channel());
  Handle fs = kInvalidHandle, me = kInvalidHandle;
  (void)handle_duplicate(bootfs.vmo(), Rights::SameRights, &fs);
  (void)handle_duplicate(self, Rights::SameRights, &me);
  SpawnHandle extra[] = {
      {ns_job, StartupHandleKind::Job, 0},
      {fs, StartupHandleKind::BootfsVmo, 0},
      {me, StartupHandleKind::User, 1},
      {channel.second.release(), StartupHandleKind::User, 3},
      {kInvalidHandle, StartupHandleKind::Resource, u32(ResourceKind::Info)},
  };
  u32 extra_count = 4;
  if (info_resource != kInvalidHandle &&
      handle_duplicate(info_resource, Rights::SameRights, &extra[4].handle) == Status::Ok)
    extra_count = 5;
  const char* argv[] = {"pidsrv", nullptr};
  OwnedHandle process =
      TRY(spawn(server_job, bootfs, "pidsrv", argv, nullptr, extra, extra_count, process_options));
  if (g_pid_channel != kInvalidHandle) (void)handle_close(g_pid_channel);
  g_pid_channel = channel.first.release();
  g_pid_channel_taken = true;
  return process;
}

int inherit_fds(SpawnOptions& o) {
  for (int fd = 0; fd < kMaxFds && fd < int(kMaxSpawnFds); ++fd) {
    auto dup = fd_duplicate(fd);
    if (!dup.ok()) continue;   // closed (BadHandle), or out of handles: the child goes without it
    o.fds[fd] = dup.value().release();   // kInvalidHandle for the console
  }
  return 0;
}

int pid_adopt(Handle process, Handle thread, const char* name, int* pid) {
  Handle handles[2] = {process, thread};
  u32 count = thread != kInvalidHandle ? 2 : 1;
  Handle channel = pid_channel();
  if (channel == kInvalidHandle) {
    for (u32 i = 0; i < count; ++i) (void)handle_close(handles[i]);
    return ENOSYS;
  }
  AdoptRequest r{};
  std::strncpy(r.name, name, kMaxName - 1);
  CallHandles ch{handles, count, nullptr, 0, 0};
  Reply reply{};
  // Not retried on Interrupted: the handles went with the dropped request (init is never interrupted).
  Status s = call(channel, u32(Op::Adopt), r, &reply, kDeadlineInfinite, &ch);
  if (s != Status::Ok) return EIO;
  if (reply.error != ns::Errno::Ok) return errno_from(reply.error);
  if (pid) *pid = reply.value;
  return 0;
}

int pid_spawn(const char* path, const char* const* argv, const char* const* envp, SpawnOptions& options, int* pid) {
  return spawn_call(Op::Spawn, path, argv, envp, options, pid);
}

int pidfd_getpid(int pidfd) {
  Handle h = fd_handle(pidfd);
  if (h == kInvalidHandle) return fail(EBADF);
  Reply r{};
  if (int e = pid_token_request(Op::PidfdGetPid, TokenRequest{}, &r, &h, 1)) return fail(e);
  return r.value;
}

int open_pid_ns(int pid, bool for_children) {
  TokenReply r{};
  Handle token = kInvalidHandle;
  if (int e = pid_token_request(Op::OpenPidNs, PidNsRequest{{}, pid, for_children ? 1u : 0u}, &r, nullptr, 0, &token))
    return fail(e);
  return fd_adopt(token);   // EMFILE: the token is closed, and pidsrv frees its side
}

int translate_pid(int pid, int from_ns, int to_ns) {
  TranslateRequest rq{{}, pid, 0};
  Handle tokens[2];
  u32 count = 0;
  for (auto [fd, bit] : {std::pair{from_ns, kTranslateFrom}, std::pair{to_ns, kTranslateTo}}) {
    if (fd == -1) continue;
    tokens[count] = fd_handle(fd);
    if (tokens[count++] == kInvalidHandle) return fail(EBADF);
    rq.tokens |= bit;
  }
  Reply r{};
  if (int e = pid_token_request(Op::TranslatePid, rq, &r, tokens, count)) return fail(e);
  return r.value;
}

}  // namespace koios

using koios::pid_request;
using namespace proto::pid;

extern "C" {

pid_t getpid() {
  Reply r{};
  if (int e = pid_request(Op::GetPid, Request{}, &r)) return koios::fail(e);
  return r.value;
}

pid_t getppid() {
  Reply r{};
  if (int e = pid_request(Op::GetPpid, Request{}, &r)) return koios::fail(e);
  return r.value;
}

int setpgid(pid_t pid, pid_t pgid) {
  Reply r{};
  if (int e = pid_request(Op::SetPgid, PidPairRequest{{}, pid, pgid}, &r)) return koios::fail(e);
  return 0;
}

pid_t getpgid(pid_t pid) {
  Reply r{};
  if (int e = pid_request(Op::GetPgid, ValueRequest{{}, pid}, &r)) return koios::fail(e);
  return r.value;
}

pid_t setsid() {
  Reply r{};
  if (int e = pid_request(Op::SetSid, Request{}, &r)) return koios::fail(e);
  return r.value;
}

pid_t getsid(pid_t pid) {
  Reply r{};
  if (int e = pid_request(Op::GetSid, ValueRequest{{}, pid}, &r)) return koios::fail(e);
  return r.value;
}

int unshare(int flags) {
  Reply r{};
  if (int e = pid_request(Op::Unshare, FlagsRequest{{}, koios::u64(koios::u32(flags))}, &r)) return koios::fail(e);
  return 0;
}

pid_t waitpid(pid_t pid, int* status, int options) {
  WaitRequest w{};
  if (pid > 0) {
    w.idtype = IdType::Pid;
    w.id = pid;
  } else if (pid == -1) {
    w.idtype = IdType::All;
  } else {
    w.idtype = IdType::Pgid;
    w.id = pid == 0 ? 0 : -pid;
  }
  // WUNTRACED is Linux's WSTOPPED; waitpid always reports exits.
  w.options = koios::u32(options) | kWExited;
  WaitReply r{};
  if (int e = pid_request(Op::Wait, w, &r, true)) return koios::fail(e);
  if (status) *status = r.status;
  return r.pid;
}

pid_t wait(int* status) { return waitpid(-1, status, 0); }

int waitid(idtype_t idtype, id_t id, siginfo_t* info, int options) {
  WaitRequest w{};
  w.options = koios::u32(options);
  koios::Handle pidfd = koios::kInvalidHandle;
  switch (idtype) {
    case P_ALL: w.idtype = IdType::All; break;
    case P_PID: w.idtype = IdType::Pid; w.id = koios::i32(id); break;
    case P_PGID: w.idtype = IdType::Pgid; w.id = koios::i32(id); break;
    case P_PIDFD:
      w.idtype = IdType::Pidfd;
      pidfd = koios::fd_handle(int(id));
      if (pidfd == koios::kInvalidHandle) return koios::fail(EBADF);
      break;
    default: return koios::fail(EINVAL);
  }
  WaitReply r{};
  if (int e = koios::pid_token_request(Op::Wait, w, &r, &pidfd, pidfd != koios::kInvalidHandle ? 1 : 0, nullptr, true))
    return koios::fail(e);
  if (info) {
    *info = siginfo_t{};
    if (r.pid != 0) {
      info->si_signo = SIGCHLD;
      info->si_code = r.code;
      info->si_value.sival_int = r.si_status;
    }
  }
  return 0;
}

int pidfd_open(pid_t pid, unsigned int flags) {
  if (flags != 0) return koios::fail(EINVAL);
  TokenReply r{};
  koios::Handle token = koios::kInvalidHandle;
  if (int e = koios::pid_token_request(Op::PidfdOpen, ValueRequest{{}, pid}, &r, nullptr, 0, &token))
    return koios::fail(e);
  return koios::fd_adopt(token);   // EMFILE: the token is closed, and pidsrv frees its side
}

int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned int flags) {
  if (info != nullptr || flags != 0) return koios::fail(EINVAL);
  koios::Handle h = koios::fd_handle(pidfd);
  if (h == koios::kInvalidHandle) return koios::fail(EBADF);
  Reply r{};
  if (int e = koios::pid_token_request(Op::PidfdSendSignal, TokenRequest{{}, sig, 0}, &r, &h, 1)) return koios::fail(e);
  return 0;
}

int setns(int fd, int nstype) {
  if (nstype != 0 && nstype != CLONE_NEWPID) return koios::fail(EINVAL);   // the others have their own servers
  koios::Handle h = koios::fd_handle(fd);
  if (h == koios::kInvalidHandle) return koios::fail(EBADF);
  Reply r{};
  if (int e = koios::pid_token_request(Op::SetNs, TokenRequest{}, &r, &h, 1)) return koios::fail(e);
  return 0;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t* a) {
  a->count = 0;
  return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* a) {
  for (int i = 0; i < a->count; ++i) std::free(a->actions[i].path);
  a->count = 0;
  return 0;
}

namespace {

int add_action(posix_spawn_file_actions_t* a, koios_spawn_action action) {
  if (action.fd < 0 || action.fd >= koios::kMaxFds || action.newfd < 0 || action.newfd >= koios::kMaxFds) return EBADF;
  if (a->count == KOIOS_SPAWN_ACTIONS) return ENOMEM;
  a->actions[a->count++] = action;
  return 0;
}

}  // namespace

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* a, int fd, int newfd) {
  return add_action(a, koios_spawn_action{2, fd, newfd, 0, 0, nullptr});
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* a, int fd) {
  return add_action(a, koios_spawn_action{3, fd, 0, 0, 0, nullptr});
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* a, int fd, const char* path, int oflag, mode_t mode) {
  if (fd < 0 || fd >= koios::kMaxFds) return EBADF;
  if (a->count == KOIOS_SPAWN_ACTIONS) return ENOMEM;
  size_t n = std::strlen(path) + 1;
  char* copy = static_cast<char*>(std::malloc(n));
  if (copy == nullptr) return ENOMEM;
  std::memcpy(copy, path, n);
  return add_action(a, koios_spawn_action{1, fd, 0, oflag, mode, copy});
}

int posix_spawnattr_init(posix_spawnattr_t* attr) {
  *attr = posix_spawnattr_t{0, 0};
  return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t*) { return 0; }
int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags) {
  attr->flags = flags;
  return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, pid_t pgroup) {
  attr->pgroup = pgroup;
  return 0;
}

namespace {

// The child's fds after the file actions: o.fds gets a duplicate of what each child fd names. The
// actions run on a table of parent fds (src[child fd]); addopen opens in the parent, and the
// opened fds are closed again once their handles are duplicated. 0 or an errno.
int apply_file_actions(const posix_spawn_file_actions_t* actions, koios::SpawnOptions& o) {
  using koios::kMaxFds;
  int src[kMaxFds];
  int opened[KOIOS_SPAWN_ACTIONS];
  int n_opened = 0;
  for (int fd = 0; fd < kMaxFds; ++fd) src[fd] = koios::fd_is_open(fd) ? fd : -1;
  int e = 0;
  for (int i = 0; actions != nullptr && i < actions->count && e == 0; ++i) {
    const koios_spawn_action& a = actions->actions[i];
    switch (a.kind) {
      case 1: {
        int fd = open(a.path, a.oflag, a.mode);
        if (fd < 0) {
          e = errno;
          break;
        }
        opened[n_opened++] = fd;
        src[a.fd] = fd;
        break;
      }
      case 2:
        if (src[a.fd] < 0) e = EBADF;
        else src[a.newfd] = src[a.fd];
        break;
      case 3: src[a.fd] = -1; break;
      default: e = EINVAL;
    }
  }
  for (int fd = 0; fd < kMaxFds && e == 0; ++fd) {
    if (src[fd] < 0) continue;
    auto dup = koios::fd_duplicate(src[fd]);
    if (!dup.ok()) e = dup.status() == koios::Status::NoMemory ? ENOMEM : EBADF;
    else o.fds[fd] = dup.value().release();   // kInvalidHandle for the console
  }
  for (int i = 0; i < n_opened; ++i) (void)close(opened[i]);
  return e;
}

// What pid_spawn would have consumed, for a call that fails before it gets there.
void close_unsent(koios::SpawnOptions& o) {
  for (koios::Handle& h : o.fds)
    if (h != koios::kInvalidHandle) (void)koios::handle_close(std::exchange(h, koios::kInvalidHandle));
  for (koios::Handle& h : o.extra_handles)
    if (h != koios::kInvalidHandle) (void)koios::handle_close(std::exchange(h, koios::kInvalidHandle));
}

// The child's directory channel: a Clone of ours, when there is a file service.
void add_mount(koios::SpawnOptions& o) {
  if (o.extra_count == proto::pid::kMaxSpawnExtra) return;
  auto mount = koios::mount_clone();
  if (!mount.ok()) return;
  o.extra_handles[o.extra_count] = mount.value().release();
  o.extra[o.extra_count++] = {koios::u32(koios::StartupHandleKind::Server), koios::u32(koios::StartupServer::Mount)};
}

// A path with a '/' names a file: resolved against the working directory into a boot filesystem
// entry (the boot filesystem is mounted at "/"). A bare name is a boot filesystem entry as it is.
int program_path(const char* path, char* out) {
  if (path == nullptr) return EFAULT;
  if (std::strchr(path, '/') == nullptr) {
    size_t n = std::strlen(path);
    if (n >= proto::pid::kMaxPath) return ENAMETOOLONG;
    std::memcpy(out, path, n + 1);
    return 0;
  }
  if (int e = koios::resolve_path(path, out)) return e;
  size_t n = std::strlen(out);
  std::memmove(out, out + 1, n);   // "/name" -> "name"
  return 0;
}

char g_program[koios::kPathMax];   // the resolved program path, under g_program_lock
koios::Mutex g_program_lock;

}  // namespace

// Errors are returned, not put in errno (POSIX).
int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                char* const argv[], char* const envp[]) {
  koios::runtime::stdio_flush_all();
  koios::SpawnOptions o;
  if (int e = apply_file_actions(actions, o); e != 0) {
    close_unsent(o);   // the fds duplicated before the one that failed
    return e;
  }
  add_mount(o);
  if (attr && (attr->flags & POSIX_SPAWN_SETPGROUP)) {
    if (attr->pgroup < 0) return EINVAL;
    o.pgroup = attr->pgroup;   // set before the child runs
  }
  int child = 0;
  int e;
  {
    koios::MutexLock hold(g_program_lock);
    e = program_path(path, g_program);
    if (e == 0) e = koios::pid_spawn(g_program, argv, envp, o, &child);
    else close_unsent(o);
  }
  if (e != 0) return e;
  if (pid) *pid = child;
  return 0;
}

int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                 char* const argv[], char* const envp[]) {
  return posix_spawn(pid, file, actions, attr, argv, envp);   // the boot filesystem is the one path
}

int execve(const char* path, char* const argv[], char* const envp[]) {
  koios::runtime::stdio_flush_all();
  koios::SpawnOptions o;
  (void)koios::inherit_fds(o);   // every fd passes on, as Linux's exec without FD_CLOEXEC
  add_mount(o);
  koios::MutexLock hold(g_program_lock);
  int e = program_path(path, g_program);
  // On success pidsrv kills this process once the new image runs: the call does not return.
  if (e == 0) e = koios::spawn_call(Op::Exec, g_program, argv, envp, o, nullptr);
  else close_unsent(o);
  return koios::fail(e != 0 ? e : EIO);
}

}  // extern "C"
