// servers/shell/koios_host.cc: see koios_host.h.
#include "servers/shell/koios_host.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <utility>

#include "cwd.h"
#include "fd.h"
#include "koios/resource.h"
#include "linux_signal.h"
#include "owned_handle.h"
#include "process.h"
#include "servers/proto/pid.h"
#include "servers/shell/host_errno.h"

namespace shell {

namespace {

// "/bin/NAME" -> "NAME" (a boot filesystem entry), else nullptr.
const char* bin_entry(const char* path) {
  size_t n = std::strlen(KoiosHost::kBin);
  if (std::strncmp(path, KoiosHost::kBin, n) != 0 || path[n] != '/') return nullptr;
  const char* name = path + n + 1;
  return *name != 0 && std::strchr(name, '/') == nullptr ? name : nullptr;
}

// Closes what a SpawnOptions holds when the spawn is abandoned before pid_spawn took it.
void drop_options(koios::SpawnOptions& o) {
  for (koios::Handle& h : o.fds)
    if (h != koios::kInvalidHandle) (void)koios::handle_close(std::exchange(h, koios::kInvalidHandle));
  for (koios::u32 i = 0; i < o.extra_count; ++i)
    if (o.extra_handles[i] != koios::kInvalidHandle) (void)koios::handle_close(o.extra_handles[i]);
  o.extra_count = 0;
}

}  // namespace

// One attempt: `group` -1 for none (no console), 0 for a group of its own, else the group to join.
HostError KoiosHost::spawn_once(const SpawnRequest& req, const char* name, int group, int* pid, koios::Handle* pidfd) {
  koios::SpawnOptions o;
  // Each child fd the shell maps, and a Clone of the directory channel. A console fd (no handle)
  // becomes the terminal: the console resource without Manage, which the child's runtime reads
  // as a terminal in canonical mode (servers/runtime/terminal.h). The child starts in the shell's
  // working directory (the runtime's, which chdir keeps equal to req.cwd).
  // A refusal part way closes what was mapped so far (drop_options): pid_spawn would have taken it.
  for (size_t i = 0; i < req.num_fds; ++i) {
    int c = req.fds[i].child;
    HostError bad = HostError::Ok;
    auto dup = koios::fd_duplicate(req.fds[i].host);
    if (c < 0 || c >= static_cast<int>(proto::pid::kMaxSpawnFds)) bad = HostError::BadFd;
    else if (!dup.ok()) bad = dup.status() == koios::Status::BadHandle ? HostError::BadFd : HostError::NoMemory;
    koios::Handle h = bad == HostError::Ok ? dup.value().release() : koios::kInvalidHandle;
    if (bad == HostError::Ok && h == koios::kInvalidHandle && console_ != koios::kInvalidHandle &&
        koios::handle_duplicate(console_, koios::kRightsBasic | koios::kRightsIo, &h) != koios::Status::Ok)
      bad = HostError::NoMemory;
    if (bad != HostError::Ok) {
      drop_options(o);
      return bad;
    }
    if (o.fds[c] != koios::kInvalidHandle) (void)koios::handle_close(o.fds[c]);
    o.fds[c] = h;
  }
  auto mount = koios::mount_clone();
  if (mount.ok()) {
    o.extra_handles[o.extra_count] = mount.value().release();
    o.extra[o.extra_count++] = {koios::u32(koios::StartupHandleKind::Server), koios::u32(koios::StartupServer::Mount)};
  }
  if (group >= 0) {
    o.pgroup = group;
    o.pidfd = pidfd;
  }
  int e = koios::pid_spawn(name, req.argv, req.envp, o, pid);   // takes the handles, whatever happens
  return e == 0 ? HostError::Ok : host_error_from_errno(e);
}

HostError KoiosHost::spawn(const SpawnRequest& req, int* job) {
  // A program is a boot filesystem entry under /bin, wherever the path was written from.
  if (koios::resolve_path(req.path, resolved_) != 0) return HostError::NotFound;
  const char* name = bin_entry(resolved_);
  if (name == nullptr) return HostError::NotFound;
  // With a console, a program starts in a process group (its pipeline's, or its own) from before
  // it runs, so a ^C reaches everything it starts (kill of -group); its pidfd comes with the reply.
  koios::Handle pidfd = koios::kInvalidHandle;
  int group = console_ == koios::kInvalidHandle ? -1 : req.group;
  int pid = 0;
  HostError e = spawn_once(req, name, group, &pid, &pidfd);
  // The pipeline's group is gone (its first program was reaped): a group of its own instead.
  if (e == HostError::Access && group > 0) e = spawn_once(req, name, 0, &pid, &pidfd);
  if (e != HostError::Ok) return e;
  *job = pid;
  if (!live_.push_back(Child{pid, pidfd, false})) (void)koios::handle_close(pidfd);
  return HostError::Ok;
}

namespace {

int status_of(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

koios::i64 now_ns() {
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  return now;
}

}  // namespace

KoiosHost::Child* KoiosHost::find(int job) {
  for (Child& c : live_)
    if (c.pid == job) return &c;
  return nullptr;
}

void KoiosHost::forget(int job) {
  for (size_t i = 0; i < live_.size(); ++i) {
    if (live_[i].pid != job) continue;
    if (live_[i].pidfd != koios::kInvalidHandle) (void)koios::handle_close(live_[i].pidfd);
    live_.erase_at(i);
    return;
  }
}

void KoiosHost::background(int job) {
  if (Child* c = find(job)) c->background = true;
}

bool KoiosHost::poll(int job, int* status) {
  int st = 0;
  if (::waitpid(job, &st, WNOHANG) != job) return false;
  *status = status_of(st);
  forget(job);
  return true;
}

// Input typed ahead of the ^C is dropped with it, as a tty's ISIG flushes its input queue: a line
// typed while the program ran and then interrupted (an `rm`, say) must not run after all.
void KoiosHost::take_interrupt() {
  char c = 0;
  for (;;) {
    koios::u64 got = 0;
    if (koios::console_read(console_, &c, 1, &got) != koios::Status::Ok || got == 0) return;
    if (c == 0x03) return;
  }
}

void KoiosHost::line_starts() { line_start_ns_ = now_ns(); }

bool KoiosHost::interrupted() {
  if (interrupted_ || console_ == koios::kInvalidHandle || now_ns() - line_start_ns_ < kBusyNs) return interrupted_;
  koios::Signals seen = koios::Signals::None;
  if (koios::object_wait_one(console_, koios::Signals::Interrupt, 0, &seen) == koios::Status::Ok &&
      (seen & koios::Signals::Interrupt) != koios::Signals::None) {
    take_interrupt();
    interrupted_ = true;
  }
  return interrupted_;
}

HostError KoiosHost::wait_watching_console(int job, int* status) {
  Child* child = find(job);
  koios::Handle watch = child ? child->pidfd : koios::kInvalidHandle;
  int opened = -1;   // a pidfd opened here, when the spawn brought none
  if (watch == koios::kInvalidHandle) {
    opened = ::pidfd_open(job, 0);
    if (opened < 0) return host_error_from_errno(errno);
    watch = koios::fd_handle(opened);
  }
  bool foreground = child == nullptr || !child->background;
  HostError result = HostError::Ok;
  for (;;) {
    koios::WaitItem items[2] = {{watch, proto::pid::kPidfdExited, koios::Signals::None},
                                {console_, koios::Signals::Interrupt, koios::Signals::None}};
    // A deadline, not an infinite wait: under QEMU's icount, console input only arrives while a
    // timer is armed.
    koios::Status s = koios::object_wait_many(items, 2, now_ns() + 100'000'000);
    if (s != koios::Status::Ok && s != koios::Status::TimedOut && s != koios::Status::Interrupted) {
      result = HostError::Io;
      break;
    }
    if ((items[0].pending & proto::pid::kPidfdExited) != koios::Signals::None) {
      int st = 0;
      pid_t r;
      do {
        r = ::waitpid(job, &st, 0);
      } while (r < 0 && errno == EINTR);
      if (r < 0) result = host_error_from_errno(errno);
      else *status = status_of(st);
      // A program that read the ^C itself (a terminal reader, terminal.h) raised SIGINT on itself
      // and the console's Interrupt was gone before we looked: its death by SIGINT still ends
      // the command line, as dash does for a foreground job killed by SIGINT.
      if (r >= 0 && foreground && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT) interrupted_ = true;
      forget(job);
      break;
    }
    if ((items[1].pending & koios::Signals::Interrupt) != koios::Signals::None) {
      take_interrupt();
      interrupted_ = true;
      if (!foreground) {
        // `wait` on a background program: ^C ends the wait, not the program.
        result = HostError::Interrupted;
        break;
      }
      for (const Child& c : live_) {
        if (c.background) continue;
        if (::kill(-c.pid, SIGINT) != 0) (void)::kill(c.pid, SIGINT);
      }
    }
  }
  if (opened >= 0) ::close(opened);
  return result;
}

HostError KoiosHost::wait(int job, int* status) {
  if (console_ != koios::kInvalidHandle) return wait_watching_console(job, status);
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(job, &st, 0);
  } while (r < 0 && errno == EINTR);
  forget(job);
  if (r < 0) return host_error_from_errno(errno);
  *status = status_of(st);
  return HostError::Ok;
}

HostError KoiosHost::kill(int job, int signal) {
  return ::kill(job, signal) == 0 ? HostError::Ok : host_error_from_errno(errno);
}

int KoiosHost::pid() { return ::getpid(); }
int KoiosHost::ppid() { return ::getppid(); }

HostError KoiosHost::open(const char* path, OpenMode mode, int* fd) {
  int flags = O_RDONLY;
  switch (mode) {
    case OpenMode::Read: flags = O_RDONLY; break;
    case OpenMode::WriteTrunc: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case OpenMode::Append: flags = O_WRONLY | O_CREAT | O_APPEND; break;
    case OpenMode::ReadWrite: flags = O_RDWR | O_CREAT; break;
  }
  int r = ::open(path, flags, 0644);
  if (r < 0) return host_error_from_errno(errno);
  *fd = r;
  return HostError::Ok;
}

HostError KoiosHost::close(int fd) { return ::close(fd) == 0 ? HostError::Ok : host_error_from_errno(errno); }

long KoiosHost::read(int fd, void* buf, size_t len) { return ::read(fd, buf, len); }

long KoiosHost::write(int fd, const void* buf, size_t len) {
  if ((fd == 1 || fd == 2) && console_ != koios::kInvalidHandle && koios::fd_handle(fd) == koios::kInvalidHandle) {
    const char* p = static_cast<const char*>(buf);
    for (size_t done = 0; done < len;) {
      size_t n = len - done < koios::kConsoleWriteMax ? len - done : koios::kConsoleWriteMax;
      if (koios::console_write(console_, p + done, n) != koios::Status::Ok) return -1;
      done += n;
    }
    return static_cast<long>(len);
  }
  return ::write(fd, buf, len);
}

HostError KoiosHost::pipe(int fds[2]) { return ::pipe(fds) == 0 ? HostError::Ok : host_error_from_errno(errno); }

// A pipe holding the data, its write end closed. FIXME(#7): data beyond the socket's buffer
// would block the shell; a tmpfs file would not.
HostError KoiosHost::input_from(const char* data, size_t len, int* fd) {
  int p[2];
  if (::pipe(p) != 0) return host_error_from_errno(errno);
  long w = len == 0 ? 0 : ::write(p[1], data, len);
  ::close(p[1]);
  if (w < 0 || static_cast<size_t>(w) != len) {
    ::close(p[0]);
    return HostError::Io;
  }
  *fd = p[0];
  return HostError::Ok;
}

HostError KoiosHost::stat(const char* path, FileInfo* info) {
  *info = FileInfo{};
  if (int e = koios::resolve_path(path, resolved_); e != 0) return host_error_from_errno(e);
  const char* real = resolved_;
  bool program = false;
  if (const char* name = bin_entry(resolved_); name != nullptr) {
    std::memmove(resolved_ + 1, name, std::strlen(name) + 1);   // "/bin/NAME" -> "/NAME"
    program = true;
  } else if (std::strcmp(resolved_, kBin) == 0 || std::strcmp(resolved_, "/bin/") == 0) {
    info->kind = FileKind::Dir;
    info->executable = true;
    return HostError::Ok;
  }
  struct stat st;
  if (::stat(real, &st) != 0) return host_error_from_errno(errno);
  info->kind = S_ISDIR(st.st_mode) ? FileKind::Dir : S_ISREG(st.st_mode) ? FileKind::File : FileKind::Other;
  info->executable = program || (st.st_mode & 0111) != 0;
  info->size = static_cast<uint64_t>(st.st_size);
  return HostError::Ok;
}

HostError KoiosHost::read_dir(const char* path, void (*each)(void* ctx, const char* name), void* ctx) {
  DIR* d = ::opendir(path);   // the runtime resolves it against the working directory
  if (d == nullptr) return host_error_from_errno(errno);
  while (struct dirent* e = ::readdir(d)) each(ctx, e->d_name);
  ::closedir(d);
  return HostError::Ok;
}

// The runtime's working directory, which children inherit (ENOENT, ENOTDIR as Linux's chdir).
HostError KoiosHost::chdir(const char* path) {
  return ::chdir(path) == 0 ? HostError::Ok : host_error_from_errno(errno);
}

HostError KoiosHost::poweroff(int status) {
  if (power_ == koios::kInvalidHandle) return HostError::Access;
  koios::Status s = koios::system_shutdown(power_, status);
  return s == koios::Status::AccessDenied ? HostError::Access : HostError::Io;
}

}  // namespace shell
