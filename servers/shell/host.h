// servers/shell/host.h: everything the shell core asks of the system beneath it. The core never
// calls an OS itself; the host tests implement this with a fake (tests/unit/servers/shell/),
// posix_host.cc implements it on Linux (host build: the differential tests against dash), and the
// target implements it over Koios syscalls, pidsrv and the file service (README.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace shell {

// Why a host call failed; the interpreter turns these into dash's one-liners.
enum class HostError : int {
  Ok = 0,
  NotFound,      // "No such file" / "not found"
  NotDir,        // "Directory nonexistent" when a parent is missing or not a directory
  Access,        // "Permission denied"
  IsDir,         // "Is a directory"
  NoExec,        // "Exec format error"
  NoMemory,
  BadFd,
  NoChild,       // wait: no such job
  NoProcess,     // kill: no such process
  Invalid,
  Io,
  TooBig,        // spawn: "Argument list too long" (E2BIG)
  Interrupted,   // wait: a ^C ended the wait; the job still runs
};

enum class OpenMode : int { Read, WriteTrunc, Append, ReadWrite };
enum class FileKind : int { None, File, Dir, Other };

struct FileInfo {
  FileKind kind = FileKind::None;
  bool executable = false;
  uint64_t size = 0;
};

// Child fd `child` is a copy of the shell's host fd `host`; fds not listed are closed in the child.
struct FdMapping {
  int child;
  int host;
};

struct SpawnRequest {
  const char* path;              // resolved by the shell's PATH search (contains a '/')
  const char* const* argv;       // NULL-terminated; argv[0] is the name the user typed
  const char* const* envp;       // NULL-terminated "NAME=value" of the exported variables
  const FdMapping* fds;
  size_t num_fds;
  const char* cwd;               // the shell's working directory
};

// Status of a finished job as the shell reports it: 0..255 for an exit, 128+N for signal N.
// Not pure virtual, so the freestanding build needs no __cxa_pure_virtual; every method of a
// real host overrides these refusals.
class Host {
 public:
  // Processes. spawn starts the program and returns its job id (a pid) without waiting.
  virtual HostError spawn(const SpawnRequest& /*req*/, int* /*job*/) { return HostError::Invalid; }
  virtual HostError wait(int /*job*/, int* /*status*/) { return HostError::Invalid; }
  // Without blocking: true when `job` has finished (and is reaped), its status in *status.
  virtual bool poll(int /*job*/, int* /*status*/) { return false; }
  virtual HostError kill(int /*job*/, int /*signal*/) { return HostError::Invalid; }
  // `job` runs in the background (&): a ^C at the terminal is not for it.
  virtual void background(int /*job*/) {}
  virtual int pid() { return 0; }
  virtual int ppid() { return 0; }

  // Files and fds. Every fd the host returns is the shell's own: children only see the ones
  // passed in SpawnRequest::fds.
  virtual HostError open(const char* /*path*/, OpenMode /*mode*/, int* /*fd*/) { return HostError::Invalid; }
  virtual HostError close(int /*fd*/) { return HostError::Invalid; }
  virtual long read(int /*fd*/, void* /*buf*/, size_t /*len*/) { return -1; }  // <0: error, 0: end of input
  virtual long write(int /*fd*/, const void* /*buf*/, size_t /*len*/) { return -1; }  // <0: error
  virtual HostError pipe(int /*fds*/[2]) { return HostError::Invalid; }  // [0] reads, [1] writes
  // An fd whose reads return exactly `data` and then end of input (a builtin's output piped into
  // a later stage; memfd, temporary file or pre-filled pipe, whatever the host has).
  virtual HostError input_from(const char* /*data*/, size_t /*len*/, int* /*fd*/) { return HostError::Invalid; }
  virtual HostError stat(const char* /*path*/, FileInfo* /*info*/) { return HostError::Invalid; }
  // True when host fd `fd` (above 2) was open when the shell started: one its spawner passed on
  // (`sh -c 'echo >&3' 3>f`), which the shell then treats as its own fd of that number.
  virtual bool inherited(int /*fd*/) { return false; }

  // Pathname expansion: calls `each` with every entry name of directory `path` (relative to the
  // working directory), in any order, . and .. included if the file service lists them.
  virtual HostError read_dir(const char* /*path*/, void (* /*each*/)(void* ctx, const char* name), void* /*ctx*/) {
    return HostError::Invalid;
  }
  // Working directory: chdir takes an absolute, already normalised path.
  virtual HostError chdir(const char* /*path*/) { return HostError::Invalid; }

  // The poweroff builtin: turns the system off with `status` (a QEMU exit code); returns only on
  // failure.
  virtual HostError poweroff(int /*status*/) { return HostError::Invalid; }

  // True once the user pressed ^C: loops and lists stop, and the command ends with status 130.
  // The host clears it when the shell is back at the prompt.
  virtual bool interrupted() { return false; }

 protected:
  Host() = default;
  ~Host() = default;
};

const char* host_error_text(HostError e);

}  // namespace shell
