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
#include "cwd.h"
#include "linux_errno.h"
#include "mutex.h"
#include "rpc.h"
#include "runtime.h"
#include "servers/proto/fs.h"
#include "signal_glue.h"
#include "stdio_glue.h"
#include "syscalls.h"
#include "terminal.h"

namespace koios {

namespace {

namespace fsp = proto::fs;

enum class Kind : u8 { Free, Console, Socket, File, Token };

// What an fd refers to: one per open (dup and dup2 share it, as Linux's open file description).
// `refs` counts the fds naming it plus the calls using it right now, so a close while another
// thread reads only closes the handle when that read is done. kind and handle do not change while
// refs > 0: a pinned record is read without the lock.
struct File {
  Kind kind;
  Handle handle;   // a Console's is its terminal (a Console resource), or kInvalidHandle: debug_write out, no input
  u32 refs;        // 0: a free record
};

// Every record in use is named by an fd or pinned by a call, hence twice the fds is plenty.
constexpr int kMaxFiles = 2 * kMaxFds;

Mutex g_lock;                 // guards g_fds, g_files (but a pinned record's kind and handle) and g_mount
File g_files[kMaxFiles];
File* g_fds[kMaxFds];         // nullptr: a free fd
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

// The fd's record, or nullptr for a free or out-of-range fd. Caller holds g_lock.
File* file_locked(int fd) { return fd < 0 || fd >= kMaxFds ? nullptr : g_fds[fd]; }

int lowest_free_locked(int from = 0) {
  for (int fd = from; fd < kMaxFds; ++fd)
    if (g_fds[fd] == nullptr) return fd;
  return -1;
}

// A free record holding (kind, h) with one reference, or nullptr when all are in use.
File* new_file_locked(Kind kind, Handle h) {
  for (File& f : g_files) {
    if (f.refs == 0) {
      f = File{kind, h, 1};
      return &f;
    }
  }
  return nullptr;
}

// Drops one reference; the handle of the last one comes back to be closed once the lock is released.
Handle unref_locked(File* f) {
  if (--f->refs != 0) return kInvalidHandle;
  Handle h = f->handle;
  *f = File{Kind::Free, kInvalidHandle, 0};
  return h;
}

void close_handle(Handle h) {
  if (h != kInvalidHandle) (void)handle_close(h);
}

void unref(File* f) {
  Handle h;
  {
    MutexLock hold(g_lock);
    h = unref_locked(f);
  }
  close_handle(h);
}

// A record held for the length of one call (read, write, lseek...): the I/O runs without the lock,
// and a concurrent close of the fd does not close the handle under it.
class Pin {
 public:
  explicit Pin(int fd) {
    MutexLock hold(g_lock);
    f_ = file_locked(fd);
    if (f_ != nullptr) ++f_->refs;
  }
  ~Pin() {
    if (f_ != nullptr) unref(f_);
  }
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;
  File* operator->() const { return f_; }
  explicit operator bool() const { return f_ != nullptr; }

 private:
  File* f_;
};

// Names `kind`/`h` by the lowest free fd (from `from`), taking `h`. -1 with errno EMFILE (and h
// closed) when no fd or record is free.
int install(Kind kind, Handle h, int from = 0) {
  int fd;
  {
    MutexLock hold(g_lock);
    fd = lowest_free_locked(from);
    File* f = fd < 0 ? nullptr : new_file_locked(kind, h);
    if (f != nullptr) {
      g_fds[fd] = f;
      return fd;
    }
  }
  close_handle(h);
  return int(fail(EMFILE));
}

Kind kind_of(Handle h) {
  InfoBasic info{};
  u64 actual = 0, avail = 0;
  if (object_get_info(h, u32(InfoTopic::Basic), &info, sizeof info, &actual, &avail) != Status::Ok) return Kind::Free;
  if (info.type == ObjectType::Socket) return Kind::Socket;
  if (info.type == ObjectType::Channel) return Kind::File;
  if (info.type == ObjectType::Token) return Kind::Token;   // a pidfd or a namespace reference (process.cc)
  if (info.type == ObjectType::Resource) return Kind::Console;   // a terminal (terminal.h)
  return Kind::Free;
}

Handle dir_channel() {
  MutexLock hold(g_lock);
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

// The path, made absolute against the working directory (cwd.h), into `p`; false with errno set
// (EFAULT, ENOENT for "", ENAMETOOLONG, or ENOENT without a file service).
bool set_path(fsp::Path& p, const char* path) {
  static_assert(sizeof p.bytes == kPathMax);
  usize length = 0;
  int e = resolve_path(path, p.bytes, &length);
  if (e == 0 && dir_channel() == kInvalidHandle) e = ENOENT;
  if (e != 0) {
    errno = e;
    return false;
  }
  p.length = u32(length);
  return true;
}

template <typename Request>
int path_call(fsp::Op op, const Request& rq) {
  fsp::Reply rp;
  Status s = call(dir_channel(), fsp::ordinal(op), rq, &rp);
  if (s != Status::Ok) return int(fail(errno_of(s)));
  if (rp.error != ns::Errno::Ok) return int(fail(errno_of(rp.error)));
  return 0;
}

}  // namespace

Handle runtime::stdio_socket(int fd) {
  if (fd < 0 || fd > 2) return kInvalidHandle;
  MutexLock hold(g_lock);
  const File* f = file_locked(fd);
  return f != nullptr && f->kind == Kind::Socket ? f->handle : kInvalidHandle;
}

Handle fd_handle(int fd) {
  MutexLock hold(g_lock);
  const File* f = file_locked(fd);
  return f == nullptr ? kInvalidHandle : f->handle;
}

bool fd_is_open(int fd) {
  MutexLock hold(g_lock);
  return file_locked(fd) != nullptr;
}

int fd_adopt(Handle handle) {
  Kind kind = kind_of(handle);
  if (kind == Kind::Free) {
    close_handle(handle);
    return int(fail(EBADF));
  }
  return install(kind, handle);
}

Handle mount_channel() { return dir_channel(); }

void set_mount_channel(Handle dir) {
  Handle old;
  {
    MutexLock hold(g_lock);
    old = std::exchange(g_mount, dir);
    g_mount_taken = true;
  }
  close_handle(old);
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

Result<OwnedHandle> fd_duplicate(int fd) {
  Pin f(fd);
  if (!f) return Status::BadHandle;
  if (f->handle == kInvalidHandle) return OwnedHandle();   // the console
  Handle dup = kInvalidHandle;
  TRY(handle_duplicate(f->handle, Rights::SameRights, &dup));
  return OwnedHandle(dup);
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
  auto add = [&](int parent, int child, bool must) -> Status {
    auto dup = fd_duplicate(parent);
    if (!dup.ok()) return must ? dup.status() : Status::Ok;   // a stdio fd this process closed
    if (!dup.value()) return must ? Status::BadHandle : Status::Ok;   // a console fd: the child's is the console too
    if (n == capacity) return Status::NoResources;
    out[n++] = SpawnHandle{dup.value().release(), StartupHandleKind::Fd, u32(child)};
    return Status::Ok;
  };
  Status s = Status::Ok;
  for (int fd = 0; fd <= 2 && s == Status::Ok; ++fd)
    if (!named[fd]) s = add(fd, fd, false);
  for (u32 i = 0; i < count && s == Status::Ok; ++i) s = add(map[i].parent_fd, map[i].child_fd, true);
  if (s != Status::Ok) {
    while (n > 0) (void)handle_close(out[--n].handle);
    return s;
  }
  return n;
}

namespace runtime {

// Runs before main, on the only thread.
void fd_init() {
  for (int fd = 0; fd <= 2; ++fd) g_fds[fd] = new_file_locked(Kind::Console, kInvalidHandle);
  u32 arg = 0;
  for (Handle h = startup_handle_any(StartupHandleKind::Fd, &arg); h != kInvalidHandle;
       h = startup_handle_any(StartupHandleKind::Fd, &arg)) {
    Kind kind = kind_of(h);
    File* f = nullptr;
    // Nowhere to put it (out of range, not a socket or a channel, a second one for the same fd):
    // the fd stays what it was.
    if (arg < u32(kMaxFds) && kind != Kind::Free && (g_fds[arg] == nullptr || g_fds[arg]->kind == Kind::Console))
      f = new_file_locked(kind, h);
    if (f == nullptr) {
      close_handle(h);
      continue;
    }
    if (g_fds[arg] != nullptr) (void)unref_locked(g_fds[arg]);
    g_fds[arg] = f;
  }
}

long fd_write_raw(int fd, const void* buffer, usize size) {
  Pin f(fd);
  if (!f) return fail(EBADF);
  switch (f->kind) {
    case Kind::Console:
      if (f->handle != kInvalidHandle) return runtime::terminal_write(f->handle, static_cast<const char*>(buffer), size);
      return fd == 0 ? fail(EBADF) : write_console(static_cast<const char*>(buffer), size);
    case Kind::Socket: return socket_write_all(f->handle, static_cast<const char*>(buffer), size);
    case Kind::File: return file_write(f->handle, buffer, size);
    case Kind::Token: return fail(EINVAL);   // as Linux answers for a pidfd
    case Kind::Free: break;
  }
  return fail(EBADF);
}

long fd_read_raw(int fd, void* buffer, usize size) {
  Pin f(fd);
  if (!f) return fail(EBADF);
  if (size == 0) return 0;
  switch (f->kind) {
    case Kind::Console:
      if (f->handle != kInvalidHandle) return runtime::terminal_read(f->handle, buffer, size);
      return fd == 0 ? 0 : fail(EBADF);   // no terminal given: console input is not ours, end of file
    case Kind::Socket: return socket_read_some(f->handle, buffer, size);
    case Kind::File: return file_read(f->handle, buffer, size);
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
  if (fd == 0 && fd_is_open(0) && size > 0) {
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
  {
    MutexLock hold(g_lock);
    if (lowest_free_locked() < 0) return int(fail(EMFILE));   // before asking the server
  }
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
  return install(Kind::File, h);   // another thread may have taken the last fd meanwhile: EMFILE
}

int close(int fd) {
  if (fd >= 0 && fd <= 2) runtime::stdio_flush_all();   // a stream's bytes belong to what the fd was
  Handle h;
  {
    MutexLock hold(g_lock);
    File* f = file_locked(fd);
    if (f == nullptr) return int(fail(EBADF));
    g_fds[fd] = nullptr;
    // A file closes when its last handle goes (a dup or a child may hold another): no Close request.
    h = unref_locked(f);
  }
  close_handle(h);
  return 0;
}

off_t lseek(int fd, off_t offset, int whence) {
  Pin f(fd);
  if (!f) return fail(EBADF);
  if (f->kind != Kind::File) return fail(ESPIPE);   // sockets and the console do not seek
  fsp::SeekRequest rq{};
  rq.offset = offset;
  rq.whence = u32(whence);
  fsp::SeekReply rp;
  Status s = call(f->handle, fsp::ordinal(fsp::Op::Seek), rq, &rp);
  if (s != Status::Ok) return fail(errno_of(s));
  if (rp.error != ns::Errno::Ok) return fail(errno_of(rp.error));
  return off_t(rp.offset);
}

int fstat(int fd, struct stat* st) {
  Pin f(fd);
  if (!f) return int(fail(EBADF));
  if (f->kind != Kind::File) {
    *st = {};
    st->st_mode = f->kind == Kind::Console ? S_IFCHR | 0620 : S_IFIFO | 0600;   // a socket behaves as a pipe
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
  }
  fsp::StatReply rp;
  Status s = call(f->handle, fsp::ordinal(fsp::Op::Fstat), fsp::EmptyRequest{}, &rp);
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

int access(const char* path, int mode) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  // No users yet: everyone may read and write what exists (writes to the read-only root fail at
  // open with EROFS), and execute what has an x bit.
  if ((mode & X_OK) && (st.st_mode & 0111) == 0 && !S_ISDIR(st.st_mode)) return int(fail(EACCES));
  return 0;
}

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

// dup and dup2 share the record: the new fd is the same open file, offset included, as on Linux.
int dup(int fd) {
  MutexLock hold(g_lock);
  File* f = file_locked(fd);
  if (f == nullptr) return int(fail(EBADF));
  int to = lowest_free_locked();
  if (to < 0) return int(fail(EMFILE));
  ++f->refs;
  g_fds[to] = f;
  return to;
}

int dup2(int fd, int to) {
  if (to >= 0 && to <= 2) runtime::stdio_flush_all();   // before the lock: flushing writes
  Handle old = kInvalidHandle;
  {
    MutexLock hold(g_lock);
    File* f = file_locked(fd);
    if (f == nullptr || to < 0 || to >= kMaxFds) return int(fail(EBADF));
    if (fd == to) return to;
    ++f->refs;
    if (g_fds[to] != nullptr) old = unref_locked(g_fds[to]);
    g_fds[to] = f;
  }
  close_handle(old);
  return to;
}

int pipe(int fds[2]) {
  Handle a = kInvalidHandle, b = kInvalidHandle;
  if (Status s = socket_create(0, &a, &b); s != Status::Ok) return int(fail(errno_of(s)));
  {
    MutexLock hold(g_lock);
    int r = lowest_free_locked();
    int w = r < 0 ? -1 : lowest_free_locked(r + 1);
    File* fr = w < 0 ? nullptr : new_file_locked(Kind::Socket, a);
    File* fw = fr == nullptr ? nullptr : new_file_locked(Kind::Socket, b);
    if (fw != nullptr) {
      g_fds[r] = fr;
      g_fds[w] = fw;
      fds[0] = r;
      fds[1] = w;
      return 0;
    }
    if (fr != nullptr) *fr = File{Kind::Free, kInvalidHandle, 0};
  }
  close_handle(a);
  close_handle(b);
  return int(fail(EMFILE));
}

int isatty(int fd) {
  MutexLock hold(g_lock);
  const File* f = file_locked(fd);
  if (f != nullptr && f->kind == Kind::Console) return 1;
  errno = f == nullptr ? EBADF : ENOTTY;
  return 0;
}

}  // extern "C"
