// servers/runtime/process.cc: the process calls over pidsrv (servers/proto/pid.h): getpid,
// getppid, posix_spawn (no fork: pidsrv starts the program from the boot filesystem), execve,
// waitpid, setpgid/getpgid, setsid/getsid, unshare; and process.h's C++ side.
#include "process.h"

#include <cstring>

#include "koios/object_info.h"
#include "koios/resource.h"
#include "linux_signal.h"
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

// The request is big (4.4 KiB): one per process, as the program is single-threaded.
SpawnRequest g_spawn;

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
  Handle channel = pid_channel();
  Handle handles[3 + kMaxSpawnExtra];
  u32 count = 0;
  SpawnRequest& r = g_spawn;
  r = SpawnRequest{};
  for (u32 fd = 0; fd < 3; ++fd) {
    if (o.stdio[fd] == kInvalidHandle) continue;
    r.stdio_mask |= 1u << fd;
    handles[count++] = std::exchange(o.stdio[fd], kInvalidHandle);
  }
  for (u32 i = 0; i < o.extra_count && i < kMaxSpawnExtra; ++i) {
    r.extra[i] = o.extra[i];
    handles[count++] = std::exchange(o.extra_handles[i], kInvalidHandle);
  }
  r.extra_count = o.extra_count < kMaxSpawnExtra ? o.extra_count : kMaxSpawnExtra;
  struct Closer {
    Handle* h;
    u32* n;
    ~Closer() {
      for (u32 i = 0; i < *n; ++i) (void)handle_close(h[i]);
    }
  } closer{handles, &count};
  if (channel == kInvalidHandle) return ENOSYS;
  usize path_len = std::strlen(path);
  if (path_len >= kMaxPath) return ENAMETOOLONG;
  std::memcpy(r.path, path, path_len + 1);
  r.flags = o.flags;
  if (int e = fill_strings(r, argv, envp)) return e;
  for (;;) {
    Handle copies[3 + kMaxSpawnExtra];
    for (u32 i = 0; i < count; ++i) {
      if (handle_duplicate(handles[i], Rights::SameRights, &copies[i]) != Status::Ok) {
        for (u32 j = 0; j < i; ++j) (void)handle_close(copies[j]);
        return EBADF;
      }
    }
    CallHandles ch{copies, count, nullptr, 0, 0};
    Reply reply{};
    Status s = call(channel, u32(op), r, &reply, kDeadlineInfinite, &ch);
    if (s == Status::Interrupted) continue;   // dropped with its handles; spawning is not a blocking call
    if (s != Status::Ok) return EIO;
    if (reply.error != ns::Errno::Ok) return errno_from(reply.error);
    if (pid) *pid = reply.value;
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

Result<OwnedHandle> start_pidsrv(Handle parent_job, const Bootfs& bootfs, Handle self, Handle info_resource) {
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
  OwnedHandle process = TRY(spawn(server_job, bootfs, "pidsrv", argv, nullptr, extra, extra_count));
  if (g_pid_channel != kInvalidHandle) (void)handle_close(g_pid_channel);
  g_pid_channel = channel.first.release();
  g_pid_channel_taken = true;
  return process;
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

int posix_spawn_file_actions_init(posix_spawn_file_actions_t* a) {
  for (int fd = 0; fd < 3; ++fd) a->source[fd] = fd;
  return 0;
}
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t*) { return 0; }
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* a, int fd, int newfd) {
  if (fd < 0 || fd > 2 || newfd < 0 || newfd > 2) return EBADF;
  a->source[newfd] = a->source[fd];
  return 0;
}
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* a, int fd) {
  if (fd < 0 || fd > 2) return EBADF;
  a->source[fd] = -1;
  return 0;
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

// Errors are returned, not put in errno (POSIX).
int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions, const posix_spawnattr_t* attr,
                char* const argv[], char* const envp[]) {
  koios::SpawnOptions o;
  for (int fd = 0; fd < 3; ++fd) {
    int source = actions ? actions->source[fd] : fd;
    koios::Handle h = source >= 0 ? koios::runtime::stdio_socket(source) : koios::kInvalidHandle;
    if (h != koios::kInvalidHandle) (void)koios::handle_duplicate(h, koios::Rights::SameRights, &o.stdio[fd]);
  }
  int child = 0;
  int e = koios::pid_spawn(path, argv, envp, o, &child);
  if (e != 0) return e;
  if (attr && (attr->flags & POSIX_SPAWN_SETPGROUP)) (void)setpgid(child, attr->pgroup);
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
  for (int fd = 0; fd < 3; ++fd) {
    koios::Handle h = koios::runtime::stdio_socket(fd);
    if (h != koios::kInvalidHandle) (void)koios::handle_duplicate(h, koios::Rights::SameRights, &o.stdio[fd]);
  }
  // On success pidsrv kills this process once the new image runs: the call does not return.
  int e = koios::spawn_call(Op::Exec, path, argv, envp, o, nullptr);
  return koios::fail(e != 0 ? e : EIO);
}

}  // extern "C"
