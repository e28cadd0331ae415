// servers/runtime/fd.cc: the file descriptor table and the POSIX calls on it (fd.h says what an fd
// is). Files are mountsrv's file protocol (servers/proto/fs.h): each call is one channel call, and
// its errno (Linux's numbers) goes into picolibc's errno (linux_errno.h).
#include "fd.h"

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "koios/object_info.h"
#include "koios/signals.h"
#include "linux_errno.h"
#include "rpc.h"
#include "runtime.h"
#include "servers/proto/fs.h"
#include "signal_glue.h"
#include "stdio_glue.h"
#include "syscalls.h"

namespace koios {

namespace {

namespace fsp = proto::fs;

enum class Kind : u8 { Free, Console, Socket, File, Token };

struct Entry {
  Kind kind;
  Handle handle;   // kInvalidHandle for Free and Console
};

Entry g_fds[kMaxFds];
Handle g_mount = kInvalidHandle;
bool g_mount_taken = false;   // the start-up Server/Mount handle was looked for

// debug_write's limit (kernel/syscalls/debug.cc): one console line.
constexpr usize kConsoleLine = 256;

long fail(int e) {
  errno = e;
  return -1;
}

// What a failed channel or socket call means to a POSIX caller.
int errno_of(Status s) {
  switch (s) {
    case Status::PeerClosed: return EPIPE;
    case Status::Interrupted: return EINTR;
    case Status::NoMemory: return ENOMEM;
    default: return EIO;
  }
}

int errno_of(ns::Errno e) { return runtime::errno_from_linux(ns::errno_value(e)); }

Entry* entry(int fd) {
  if (fd < 0 || fd >= kMaxFds || g_fds[fd].kind == Kind::Free) return nullptr;
  return &g_fds[fd];
}

int lowest_free(int from = 0) {
  for (int fd = from; fd < kMaxFds; ++fd)
    if (g_fds[fd].kind == Kind::Free) return fd;
  return -1;
}

Kind kind_of(Handle h) {
  InfoBasic info{};
  u64 actual = 0, avail = 0;
  if (object_get_info(h, u32(InfoTopic::Basic), &info, sizeof info, &actual, &avail) != Status::Ok) return Kind::Free;
  if (info.type == ObjectType::Socket) return Kind::Socket;
  if (info.type == ObjectType::Channel) return Kind::File;
  if (info.type == ObjectType::Token) return Kind::Token;   // a pidfd or a namespace reference (process.cc)
  return Kind::Free;
}

void release(Entry& e) {
  if (e.handle != kInvalidHandle) (void)handle_close(e.handle);
  e = Entry{Kind::Free, kInvalidHandle};
}

Handle dir_channel() {
  if (!g_mount_taken) {
    g_mount_taken = true;
    if (g_mount == kInvalidHandle) g_mount = startup_handle(StartupHandleKind::Server, u32(StartupServer::Mount));
  }
  return g_mount;
}

// Blocks until the socket has what `signal` names (or is closed for good).
Status wait_for(Handle socket, Signals signal) {
  Signals observed = Signals::None;
  return object_wait_one(socket, signal | Signals::PeerClosed, kDeadlineInfinite, &observed);
}

// A wait that a signal interrupted is made again after a stop, or after a handler with SA_RESTART
// (signal_glue.h); otherwise the call answers EINTR.
long socket_write_all(Handle h, const char* data, usize size) {
  usize done = 0;
  while (done < size) {
    u64 written = 0;
    Status s = socket_write(h, 0, data + done, size - done, &written);
    if (s == Status::ShouldWait) {
      u64 serial = runtime::handler_serial();
      s = wait_for(h, Signals::Writable);
      if (s == Status::Interrupted && runtime::retry_after_interrupt(serial)) continue;
    } else if (s == Status::Ok) {
      done += written;
    }
    if (s != Status::Ok) return fail(errno_of(s));
  }
  return long(size);
}

long socket_read_some(Handle h, void* buffer, usize size) {
  for (;;) {
    u64 got = 0;
    Status s = socket_read(h, 0, buffer, size, &got);
    if (s == Status::Ok) return long(got);
    if (s == Status::PeerClosed) return 0;   // the writer is gone: end of file
    if (s == Status::ShouldWait) {
      u64 serial = runtime::handler_serial();
      s = wait_for(h, Signals::Readable);
      if (s == Status::Interrupted && runtime::retry_after_interrupt(serial)) continue;
    }
    if (s != Status::Ok) return fail(errno_of(s));
  }
}

long write_console(const char* data, usize size) {
  // One line per debug_write; it adds the newline a line lacks.
  for (usize done = 0; done < size;) {
    usize chunk = size - done < kConsoleLine ? size - done : kConsoleLine;
    if (Status s = debug_write(data + done, chunk); s != Status::Ok) return fail(errno_of(s));
    done += chunk;
  }
  return long(size);
}

// Reads until `size` bytes or a short read (the end of the file), in kIoMax pieces.
long file_read(Handle h, void* buffer, usize size) {
  usize done = 0;
  while (done < size) {
    fsp::ReadRequest rq{};
    rq.count = u32(size - done < fsp::kIoMax ? size - done : fsp::kIoMax);
    fsp::ReadReply rp;
    Status s = call(h, fsp::ordinal(fsp::Op::Read), rq, &rp);
    if (s != Status::Ok) return done > 0 ? long(done) : fail(errno_of(s));
    if (rp.error != ns::Errno::Ok) return done > 0 ? long(done) : fail(errno_of(rp.error));
    u32 got = rp.count <= rq.count ? rp.count : rq.count;
    std::memcpy(static_cast<char*>(buffer) + done, rp.data, got);
    done += got;
    if (got < rq.count) break;
  }
  return long(done);
}

long file_write(Handle h, const void* buffer, usize size) {
  usize done = 0;
  do {
    fsp::WriteRequest rq;
    rq.header = {};
    rq.count = u32(size - done < fsp::kIoMax ? size - done : fsp::kIoMax);
    rq.pad = 0;
    std::memcpy(rq.data, static_cast<const char*>(buffer) + done, rq.count);
    if (rq.count < fsp::kIoMax) std::memset(rq.data + rq.count, 0, fsp::kIoMax - rq.count);
    fsp::WriteReply rp;
    Status s = call(h, fsp::ordinal(fsp::Op::Write), rq, &rp);
    if (s != Status::Ok) return done > 0 ? long(done) : fail(errno_of(s));
    if (rp.error != ns::Errno::Ok) return done > 0 ? long(done) : fail(errno_of(rp.error));
    done += rp.count <= rq.count ? rp.count : rq.count;
    if (rp.count < rq.count) break;   // the filesystem is full: a short write, as Linux gives
  } while (done < size);
  return long(done);
}

void to_stat(const fsp::Stat& in, struct stat* out) {
  *out = {};
  out->st_dev = dev_t(in.dev);
  out->st_ino = ino_t(in.ino);
  out->st_mode = mode_t(in.mode);
  out->st_nlink = nlink_t(in.nlink);
  out->st_size = off_t(in.size);
  out->st_blksize = blksize_t(in.blksize);
  out->st_blocks = blkcnt_t(in.blocks);
}

// picolibc's open flags (newlib's numbers) as the protocol's (Linux's): O_EXCL and O_DIRECTORY differ.
u32 linux_open_flags(int flags) {
  u32 out = u32(flags) & fsp::kOAccmode;
  if (flags & O_CREAT) out |= fsp::kOCreat;
  if (flags & O_EXCL) out |= fsp::kOExcl;
  if (flags & O_TRUNC) out |= fsp::kOTrunc;
  if (flags & O_APPEND) out |= fsp::kOAppend;
  if (flags & O_DIRECTORY) out |= fsp::kODirectory;
  return out;
}

// The path into `p`; false with errno set (EFAULT, ENAMETOOLONG, or ENOENT without a file service).
bool set_path(fsp::Path& p, const char* path) {
  int e = 0;
  usize length = path == nullptr ? 0 : strnlen(path, fsp::kPathMax);
  if (path == nullptr) e = EFAULT;
  else if (length >= fsp::kPathMax) e = ENAMETOOLONG;
  else if (dir_channel() == kInvalidHandle) e = ENOENT;
  if (e != 0) {
    errno = e;
    return false;
  }
  return fsp::set_path(p, path, u32(length));
}

template <typename Request>
int path_call(fsp::Op op, const Request& rq) {
  fsp::Reply rp;
  Status s = call(dir_channel(), fsp::ordinal(op), rq, &rp);
  if (s != Status::Ok) return int(fail(errno_of(s)));
  if (rp.error != ns::Errno::Ok) return int(fail(errno_of(rp.error)));
  return 0;
}

int install(int fd, Kind kind, Handle h) {
  g_fds[fd] = Entry{kind, h};
  return fd;
}

}  // namespace

Handle runtime::stdio_socket(int fd) {
  if (fd < 0 || fd > 2) return kInvalidHandle;
  const Entry* e = entry(fd);
  return e != nullptr && e->kind == Kind::Socket ? e->handle : kInvalidHandle;
}

Handle fd_handle(int fd) {
  Entry* e = entry(fd);
  return e == nullptr ? kInvalidHandle : e->handle;
}

int fd_adopt(Handle handle) {
  Kind kind = kind_of(handle);
  int fd = lowest_free();
  if (kind == Kind::Free || fd < 0) {
    (void)handle_close(handle);
    return int(fail(fd < 0 ? EMFILE : EBADF));
  }
  return install(fd, kind, handle);
}

Handle mount_channel() { return dir_channel(); }

void set_mount_channel(Handle dir) {
  if (g_mount != kInvalidHandle) (void)handle_close(g_mount);
  g_mount = dir;
  g_mount_taken = true;
}

Result<OwnedHandle> mount_clone() {
  if (dir_channel() == kInvalidHandle) return Status::NotFound;
  Handle h = kInvalidHandle;
  CallHandles handles{nullptr, 0, &h, 1, 0};
  fsp::Reply rp;
  TRY(call(dir_channel(), fsp::ordinal(fsp::Op::Clone), fsp::EmptyRequest{}, &rp, kDeadlineInfinite, &handles));
  OwnedHandle clone(handles.received == 1 ? h : kInvalidHandle);
  if (rp.error != ns::Errno::Ok || !clone) return Status::IoError;
  return clone;
}

Result<u32> child_fds(const FdMapping* map, u32 count, SpawnHandle* out, u32 capacity) {
  bool named[kMaxFds] = {};
  for (u32 i = 0; i < count; ++i) {
    int c = map[i].child_fd;
    if (c < 0 || c >= kMaxFds || named[c]) return Status::InvalidArgs;
    named[c] = true;
    if (fd_handle(map[i].parent_fd) == kInvalidHandle) return Status::BadHandle;
  }
  u32 n = 0;
  auto add = [&](int parent, int child) -> Status {
    Handle h = fd_handle(parent);
    if (h == kInvalidHandle) return Status::Ok;   // a console fd: the child's is the console too
    if (n == capacity) return Status::NoResources;
    Handle dup = kInvalidHandle;
    TRY(handle_duplicate(h, Rights::SameRights, &dup));
    out[n++] = SpawnHandle{dup, StartupHandleKind::Fd, u32(child)};
    return Status::Ok;
  };
  Status s = Status::Ok;
  for (int fd = 0; fd <= 2 && s == Status::Ok; ++fd)
    if (!named[fd]) s = add(fd, fd);
  for (u32 i = 0; i < count && s == Status::Ok; ++i) s = add(map[i].parent_fd, map[i].child_fd);
  if (s != Status::Ok) {
    while (n > 0) (void)handle_close(out[--n].handle);
    return s;
  }
  return n;
}

namespace runtime {

void fd_init() {
  for (int fd = 0; fd <= 2; ++fd) g_fds[fd] = Entry{Kind::Console, kInvalidHandle};
  u32 arg = 0;
  for (Handle h = startup_handle_any(StartupHandleKind::Fd, &arg); h != kInvalidHandle;
       h = startup_handle_any(StartupHandleKind::Fd, &arg)) {
    Kind kind = kind_of(h);
    if (arg >= u32(kMaxFds) || kind == Kind::Free || g_fds[arg].handle != kInvalidHandle) {
      (void)handle_close(h);   // nowhere to put it: the fd stays what it was
      continue;
    }
    g_fds[arg] = Entry{kind, h};
  }
}

long fd_write_raw(int fd, const void* buffer, usize size) {
  Entry* e = entry(fd);
  if (e == nullptr) return fail(EBADF);
  switch (e->kind) {
    case Kind::Console: return fd == 0 ? fail(EBADF) : write_console(static_cast<const char*>(buffer), size);
    case Kind::Socket: return socket_write_all(e->handle, static_cast<const char*>(buffer), size);
    case Kind::File: return file_write(e->handle, buffer, size);
    case Kind::Token: return fail(EINVAL);   // as Linux answers for a pidfd
    case Kind::Free: break;
  }
  return fail(EBADF);
}

long fd_read_raw(int fd, void* buffer, usize size) {
  Entry* e = entry(fd);
  if (e == nullptr) return fail(EBADF);
  if (size == 0) return 0;
  switch (e->kind) {
    case Kind::Console: return fd == 0 ? 0 : fail(EBADF);   // no console input here: end of file
    case Kind::Socket: return socket_read_some(e->handle, buffer, size);
    case Kind::File: return file_read(e->handle, buffer, size);
    case Kind::Token: return fail(EINVAL);
    case Kind::Free: break;
  }
  return fail(EBADF);
}

}  // namespace runtime

}  // namespace koios

using namespace koios;

extern "C" {

ssize_t write(int fd, const void* buffer, size_t size) {
  runtime::stdio_flush_all();   // what printf holds goes first
  return runtime::fd_write_raw(fd, buffer, size);
}

ssize_t read(int fd, void* buffer, size_t size) {
  if (fd == 0 && entry(0) != nullptr && size > 0) {
    if (usize n = runtime::stdin_take_buffered(buffer, size); n > 0) return long(n);   // what getc buffered
  }
  return runtime::fd_read_raw(fd, buffer, size);
}

int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = mode_t(va_arg(ap, int));
    va_end(ap);
  }
  int fd = lowest_free();
  if (fd < 0) return int(fail(EMFILE));
  fsp::OpenRequest rq{};
  if (!set_path(rq.path, path)) return -1;
  rq.flags = linux_open_flags(flags);
  rq.mode = u32(mode);
  fsp::OpenReply rp;
  Handle h = kInvalidHandle;
  CallHandles handles{nullptr, 0, &h, 1, 0};
  Status s = call(dir_channel(), fsp::ordinal(fsp::Op::Open), rq, &rp, kDeadlineInfinite, &handles);
  if (s != Status::Ok) return int(fail(errno_of(s)));
  if (rp.error != ns::Errno::Ok || handles.received != 1) {
    if (handles.received == 1) (void)handle_close(h);
    return int(fail(rp.error != ns::Errno::Ok ? errno_of(rp.error) : EIO));
  }
  return install(fd, Kind::File, h);
}

int close(int fd) {
  Entry* e = entry(fd);
  if (e == nullptr) return int(fail(EBADF));
  if (fd <= 2) runtime::stdio_flush_all();   // a stream's bytes belong to what the fd was
  // A file closes when its last handle goes (a dup or a child may hold another): no Close request.
  release(*e);
  return 0;
}

off_t lseek(int fd, off_t offset, int whence) {
  Entry* e = entry(fd);
  if (e == nullptr) return fail(EBADF);
  if (e->kind != Kind::File) return fail(ESPIPE);   // sockets and the console do not seek
  fsp::SeekRequest rq{};
  rq.offset = offset;
  rq.whence = u32(whence);
  fsp::SeekReply rp;
  Status s = call(e->handle, fsp::ordinal(fsp::Op::Seek), rq, &rp);
  if (s != Status::Ok) return fail(errno_of(s));
  if (rp.error != ns::Errno::Ok) return fail(errno_of(rp.error));
  return off_t(rp.offset);
}

int fstat(int fd, struct stat* st) {
  Entry* e = entry(fd);
  if (e == nullptr) return int(fail(EBADF));
  if (e->kind != Kind::File) {
    *st = {};
    st->st_mode = e->kind == Kind::Console ? S_IFCHR | 0620 : S_IFIFO | 0600;   // a socket behaves as a pipe
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
  }
  fsp::StatReply rp;
  Status s = call(e->handle, fsp::ordinal(fsp::Op::Fstat), fsp::EmptyRequest{}, &rp);
  if (s != Status::Ok) return int(fail(errno_of(s)));
  if (rp.error != ns::Errno::Ok) return int(fail(errno_of(rp.error)));
  to_stat(rp.stat, st);
  return 0;
}

int stat(const char* path, struct stat* st) {
  fsp::PathRequest rq{};
  if (!set_path(rq.path, path)) return -1;
  fsp::StatReply rp;
  Status s = call(dir_channel(), fsp::ordinal(fsp::Op::Stat), rq, &rp);
  if (s != Status::Ok) return int(fail(errno_of(s)));
  if (rp.error != ns::Errno::Ok) return int(fail(errno_of(rp.error)));
  to_stat(rp.stat, st);
  return 0;
}

// No symbolic links yet: lstat is stat.
int lstat(const char* path, struct stat* st) { return stat(path, st); }

int mkdir(const char* path, mode_t mode) {
  fsp::MkdirRequest rq{};
  if (!set_path(rq.path, path)) return -1;
  rq.mode = u32(mode);
  return path_call(fsp::Op::Mkdir, rq);
}

int unlink(const char* path) {
  fsp::PathRequest rq{};
  if (!set_path(rq.path, path)) return -1;
  return path_call(fsp::Op::Unlink, rq);
}

int rmdir(const char* path) {
  fsp::PathRequest rq{};
  if (!set_path(rq.path, path)) return -1;
  return path_call(fsp::Op::Rmdir, rq);
}

int rename(const char* from, const char* to) {
  fsp::RenameRequest rq{};
  if (!set_path(rq.from, from) || !set_path(rq.to, to)) return -1;
  return path_call(fsp::Op::Rename, rq);
}

int dup(int fd) {
  Entry* e = entry(fd);
  if (e == nullptr) return int(fail(EBADF));
  int to = lowest_free();
  if (to < 0) return int(fail(EMFILE));
  Handle h = kInvalidHandle;
  if (e->handle != kInvalidHandle) {
    if (Status s = handle_duplicate(e->handle, Rights::SameRights, &h); s != Status::Ok) return int(fail(errno_of(s)));
  }
  return install(to, e->kind, h);
}

int dup2(int fd, int to) {
  Entry* e = entry(fd);
  if (e == nullptr || to < 0 || to >= kMaxFds) return int(fail(EBADF));
  if (fd == to) return to;
  Handle h = kInvalidHandle;
  if (e->handle != kInvalidHandle) {
    if (Status s = handle_duplicate(e->handle, Rights::SameRights, &h); s != Status::Ok) return int(fail(errno_of(s)));
  }
  if (to <= 2) runtime::stdio_flush_all();
  release(g_fds[to]);
  return install(to, e->kind, h);
}

int pipe(int fds[2]) {
  int r = lowest_free();
  int w = r < 0 ? -1 : lowest_free(r + 1);
  if (w < 0) return int(fail(EMFILE));
  Handle a = kInvalidHandle, b = kInvalidHandle;
  if (Status s = socket_create(0, &a, &b); s != Status::Ok) return int(fail(errno_of(s)));
  fds[0] = install(r, Kind::Socket, a);
  fds[1] = install(w, Kind::Socket, b);
  return 0;
}

int isatty(int fd) {
  Entry* e = entry(fd);
  if (e != nullptr && e->kind == Kind::Console) return 1;
  errno = e == nullptr ? EBADF : ENOTTY;
  return 0;
}

}  // extern "C"
