// servers/shell/posix_host.cc: see posix_host.h.
#include "servers/shell/posix_host.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "servers/shell/host_errno.h"

namespace shell {

HostError PosixHost::spawn(const SpawnRequest& req, int* job) {
  // The child reports a failed execve through this pipe; a successful exec closes it (CLOEXEC).
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return host_error_from_errno(errno);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    ::close(report[0]);
    ::close(report[1]);
    return host_error_from_errno(e);
  }
  if (pid == 0) {
    // Sources first to fds above the targets' range, so that moving one cannot clobber another.
    int high[16];
    size_t n = req.num_fds < 16 ? req.num_fds : 16;
    for (size_t i = 0; i < n; ++i) high[i] = fcntl(req.fds[i].host, F_DUPFD_CLOEXEC, 64);
    bool used[16] = {};
    for (size_t i = 0; i < n; ++i) {
      if (high[i] < 0 || req.fds[i].child < 0 || req.fds[i].child >= 16) continue;
      dup2(high[i], req.fds[i].child);   // dup2 clears CLOEXEC on the target
      used[req.fds[i].child] = true;
    }
    for (int fd = 0; fd < 10; ++fd) if (!used[fd]) ::close(fd);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    execve(req.path, const_cast<char* const*>(req.argv), const_cast<char* const*>(req.envp));
    int e = errno;
    ssize_t ignored = ::write(report[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  ::close(report[1]);
  int e = 0;
  ssize_t got;
  do { got = ::read(report[0], &e, sizeof e); } while (got < 0 && errno == EINTR);
  ::close(report[0]);
  if (got == sizeof e) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return host_error_from_errno(e);
  }
  *job = pid;
  return HostError::Ok;
}

HostError PosixHost::wait(int job, int* status) {
  int st;
  for (;;) {
    pid_t r = waitpid(job, &st, 0);
    if (r >= 0) break;
    if (errno != EINTR) return host_error_from_errno(errno);
  }
  if (WIFEXITED(st)) *status = WEXITSTATUS(st);
  else if (WIFSIGNALED(st)) *status = 128 + WTERMSIG(st);
  else *status = 255;
  return HostError::Ok;
}

bool PosixHost::poll(int job, int* status) {
  int st;
  if (waitpid(job, &st, WNOHANG) != job) return false;
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
  return true;
}

HostError PosixHost::kill(int job, int signal) {
  return ::kill(job, signal) == 0 ? HostError::Ok : host_error_from_errno(errno);
}

int PosixHost::pid() { return getpid(); }
int PosixHost::ppid() { return getppid(); }

HostError PosixHost::open(const char* path, OpenMode mode, int* fd) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::Read: flags |= O_RDONLY; break;
    case OpenMode::WriteTrunc: flags |= O_WRONLY | O_CREAT | O_TRUNC; break;
    case OpenMode::Append: flags |= O_WRONLY | O_CREAT | O_APPEND; break;
    case OpenMode::ReadWrite: flags |= O_RDWR | O_CREAT; break;
  }
  int r = ::open(path, flags, 0666);
  if (r < 0) return host_error_from_errno(errno);
  *fd = r;
  return HostError::Ok;
}

HostError PosixHost::close(int fd) { return ::close(fd) == 0 ? HostError::Ok : host_error_from_errno(errno); }

long PosixHost::read(int fd, void* buf, size_t len) {
  for (;;) {
    ssize_t r = ::read(fd, buf, len);
    if (r >= 0 || errno != EINTR) return r;
  }
}

long PosixHost::write(int fd, const void* buf, size_t len) {
  for (;;) {
    ssize_t r = ::write(fd, buf, len);
    if (r >= 0 || errno != EINTR) return r;
  }
}

HostError PosixHost::pipe(int fds[2]) {
  return ::pipe2(fds, O_CLOEXEC) == 0 ? HostError::Ok : host_error_from_errno(errno);
}

HostError PosixHost::input_from(const char* data, size_t len, int* fd) {
  int m = memfd_create("sh-stage", MFD_CLOEXEC);
  if (m < 0) return host_error_from_errno(errno);
  size_t off = 0;
  while (off < len) {
    ssize_t w = ::write(m, data + off, len - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(m);
      return host_error_from_errno(e);
    }
    off += static_cast<size_t>(w);
  }
  lseek(m, 0, SEEK_SET);
  *fd = m;
  return HostError::Ok;
}

HostError PosixHost::read_dir(const char* path, void (*each)(void* ctx, const char* name), void* ctx) {
  DIR* d = ::opendir(path);
  if (d == nullptr) return host_error_from_errno(errno);
  while (struct dirent* e = ::readdir(d)) each(ctx, e->d_name);
  ::closedir(d);
  return HostError::Ok;
}

HostError PosixHost::stat(const char* path, FileInfo* info) {
  struct stat st;
  if (::stat(path, &st) != 0) {
    info->kind = FileKind::None;
    return host_error_from_errno(errno);
  }
  info->kind = S_ISREG(st.st_mode) ? FileKind::File : S_ISDIR(st.st_mode) ? FileKind::Dir : FileKind::Other;
  info->executable = access(path, X_OK) == 0;
  info->size = static_cast<uint64_t>(st.st_size);
  return HostError::Ok;
}

HostError PosixHost::chdir(const char* path) {
  return ::chdir(path) == 0 ? HostError::Ok : host_error_from_errno(errno);
}

}  // namespace shell
