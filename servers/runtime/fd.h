// servers/runtime/fd.h: the file descriptor table (fd.cc), for the runtime itself, init and programs
// that hand fds to children. Programs use the C calls on top of it: open, read, write, lseek, close,
// fstat, stat, dup, dup2, pipe, isatty (<unistd.h>, <fcntl.h>, <sys/stat.h>), mkdir, unlink, rmdir,
// rename, access, and opendir/readdir/closedir (<dirent.h>: picolibc's declarations over
// compat/sys/dirent.h). Paths are resolved against the working directory first (cwd.h).
//
// An fd is one of: the console (fds 0, 1, 2 without a start-up handle: output by debug_write, input
// at end of file), a socket (the start-up stdio, either end of a pipe), or a file channel to
// mountsrv (servers/proto/fs.h; one per open, shared by dup and by children like a Linux open file
// description, offset included), or a pidsrv token (a pidfd or a pid-namespace reference,
// process.cc: read/write answer EINVAL). Path calls go to the directory channel, StartupServer::Mount.
// Threads: the table has a lock (mutex.h), held while it changes, never across I/O; a call on an fd
// holds its open file for its length, so a close from another thread takes effect when that call
// is done (the fd number is free at once, as on Linux).
#pragma once

#include "koios/result.h"
#include "owned_handle.h"
#include "spawn.h"

namespace koios {

inline constexpr int kMaxFds = 64;   // OPEN_MAX; a 65th open is EMFILE

// The handle behind fd, borrowed (it stays the table's, valid until the fd's last close), or
// kInvalidHandle for a closed or console fd.
Handle fd_handle(int fd);
// True when fd is open (the console included).
bool fd_is_open(int fd);
// A duplicate of the handle behind fd, for a child: BadHandle when fd is closed, an empty handle
// for a console fd (a child's console fd needs none).
Result<OwnedHandle> fd_duplicate(int fd);

// Takes a socket, a mountsrv file channel or a token as the lowest free fd. -1 with errno EMFILE when the
// table is full, EBADF when the handle is none of those (it is closed either way).
int fd_adopt(Handle handle);

// This process's directory channel to mountsrv (borrowed), or kInvalidHandle when it has none. It
// is taken from the start-up handles (Server/Mount) at the first path call, not at start: mountsrv
// itself gets the server end of such a channel under the same name.
Handle mount_channel();
// Makes `dir` (a directory channel) this process's own, closing the one it had: init, which starts
// mountsrv, keeps the client end this way.
void set_mount_channel(Handle dir);
// A new directory channel for the same mount namespace (the protocol's Clone), for a child's
// StartupServer::Mount. NotFound when this process has none; otherwise a call failure or IoError
// (the server refused).
Result<OwnedHandle> mount_clone();

// Which fds a child gets: the child's fd `child_fd` is (a duplicate of) this process's `parent_fd`.
struct FdMapping {
  int parent_fd;
  int child_fd;
};

// Start-up handles (StartupHandleKind::Fd, arg = the child's fd) for koios::spawn, appended at
// out[0..]: duplicates of this process's fds 0, 1 and 2 (stdio; a console fd needs none: the child's
// is the console too) unless `map` names that child fd, then one per mapping. Returns how many it
// wrote. BadHandle for a mapping whose parent fd is closed or console, InvalidArgs for a child fd
// outside 0..kMaxFds-1 or named twice, NoResources when `capacity` is too small; on failure nothing
// is left open. spawn consumes the handles, whatever its outcome.
Result<u32> child_fds(const FdMapping* map, u32 count, SpawnHandle* out, u32 capacity);

namespace runtime {
// At start (runtime.cc, before the C++ constructors): every Fd start-up handle goes to the fd its
// arg names; fds 0, 1 and 2 without one are the console.
void fd_init();
}  // namespace runtime

}  // namespace koios
