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

}  // namespace

HostError KoiosHost::spawn(const SpawnRequest& req, int* job) {
  // A program is a boot filesystem entry under /bin, wherever the path was written from.
  if (koios::resolve_path(req.path, resolved_) != 0) return HostError::NotFound;
  const char* name = bin_entry(resolved_);
  if (name == nullptr) return HostError::NotFound;
  koios::SpawnOptions o;
  // Each child fd the shell maps, and a Clone of the directory channel. A console fd (no handle)
  // becomes the terminal: the console resource without Manage, which the child's runtime reads
  // as a terminal in canonical mode (servers/runtime/terminal.h). The child starts in the shell's
  // working directory (the runtime's, which chdir keeps equal to req.cwd).
  // A refusal part way closes the fds mapped so far (pid_spawn would have consumed them).
  auto refuse = [&o](HostError e) {
    for (koios::Handle& h : o.fds)
      if (h != koios::kInvalidHandle) (void)koios::handle_close(std::exchange(h, koios::kInvalidHandle));
    return e;
  };
  for (size_t i = 0; i < req.num_fds; ++i) {
    int c = req.fds[i].child;
    if (c < 0 || c >= static_cast<int>(proto::pid::kMaxSpawnFds)) return refuse(HostError::BadFd);
    auto dup = koios::fd_duplicate(req.fds[i].host);
    if (!dup.ok()) return refuse(dup.status() == koios::Status::BadHandle ? HostError::BadFd : HostError::NoMemory);
    koios::Handle h = dup.value().release();
    if (h == koios::kInvalidHandle && console_ != koios::kInvalidHandle &&
        koios::handle_duplicate(console_, koios::kRightsBasic | koios::kRightsIo, &h) != koios::Status::Ok)
      return refuse(HostError::NoMemory);
    if (o.fds[c] != koios::kInvalidHandle) (void)koios::handle_close(o.fds[c]);
    o.fds[c] = h;
  }
  auto mount = koios::mount_clone();
  if (mount.ok()) {
    o.extra_handles[o.extra_count] = mount.value().release();
    o.extra[o.extra_count++] = {koios::u32(koios::StartupHandleKind::Server), koios::u32(koios::StartupServer::Mount)};
  }
  int pid = 0;
  int e = koios::pid_spawn(name, req.argv, req.envp, o, &pid);
  if (e != 0) return host_error_from_errno(e);
  *job = pid;
  live_.push_back(pid);
  // Each program leads a process group of its own, so a ^C reaches what it starts too (kill of
  // -pid below). Best effort: a program that spawned before this keeps those in ours.
  if (console_ != koios::kInvalidHandle) (void)::setpgid(pid, pid);
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

bool KoiosHost::is_background(int job) const {
  for (int j : background_)
    if (j == job) return true;
  return false;
}

void KoiosHost::forget(int job) {
  for (size_t i = 0; i < live_.size(); ++i)
    if (live_[i] == job) { live_.erase_at(i); break; }
  for (size_t i = 0; i < background_.size(); ++i)
    if (background_[i] == job) { background_.erase_at(i); break; }
}

void KoiosHost::background(int job) { background_.push_back(job); }

bool KoiosHost::poll(int job, int* status) {
  int st = 0;
  if (::waitpid(job, &st, WNOHANG) != job) return false;
  *status = status_of(st);
  forget(job);
  return true;
}

void KoiosHost::take_interrupt() {
  char c = 0;
  for (;;) {
    koios::u64 got = 0;
    if (koios::console_read(console_, &c, 1, &got) != koios::Status::Ok || got == 0) return;
    if (c == 0x03) return;
    typeahead_.push(c);
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
  int pidfd = ::pidfd_open(job, 0);
  if (pidfd < 0) return host_error_from_errno(errno);
  koios::Handle watch = koios::fd_handle(pidfd);
  bool foreground = !is_background(job);
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
      for (int p : live_) {
        if (is_background(p)) continue;
        if (::kill(-p, SIGINT) != 0) (void)::kill(p, SIGINT);
      }
    }
  }
  ::close(pidfd);
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
