// servers/runtime/spawn.h: starting a program from the boot filesystem as a new process, from user
// space (init now, pidsrv later). The loader maps each PT_LOAD segment as a copy-on-write snapshot
// of the file's pages in the boot filesystem vmo (no copy until a page is written; the partial page
// before bss and bss itself are zeroed), maps a stack, and passes the start-up message
// (koios/startup.h) with the new process's Process, Thread and RootVmar handles plus the caller's.
// ELF checks are the kernel's own (koios/elf.h): a bad file is BadFormat, never a crash.
#pragma once

#include "koios/bootfs.h"
#include "koios/object_info.h"
#include "koios/result.h"
#include "koios/startup.h"
#include "owned_handle.h"

namespace koios {

// The directory of a boot filesystem vmo, read once (spawning many programs reads it once). The
// vmo handle is borrowed: the caller keeps it open while this is used.
class Bootfs {
 public:
  Bootfs() = default;
  Bootfs(Bootfs&& other);
  Bootfs& operator=(Bootfs&& other);
  Bootfs(const Bootfs&) = delete;
  Bootfs& operator=(const Bootfs&) = delete;
  ~Bootfs();

  // BadFormat when the vmo does not hold an archive; the vmo needs Read (and, to spawn from it,
  // Duplicate, Map and Execute: the handle init receives has them).
  static Result<Bootfs> open(Handle vmo);

  Handle vmo() const { return vmo_; }
  u64 archive_size() const { return archive_size_; }
  u32 count() const;
  Result<bootfs::Entry> at(u32 index) const;
  Result<bootfs::Entry> find(const char* name) const;  // NotFound

 private:
  Handle vmo_ = kInvalidHandle;
  u8* directory_ = nullptr;  // malloc'd copy of header and entries
  usize directory_size_ = 0;
  u64 archive_size_ = 0;
};

// A handle for the new process's start-up message, with its kind and arg.
struct SpawnHandle {
  Handle handle;
  StartupHandleKind kind;
  u32 arg;
};

// Creates a process named `path` in `job` (Manage) from the boot filesystem file `path`, starts it
// and returns a handle to it (all its rights). argv and envp are NULL-terminated (either may be
// null: argv then is just {path}). The `extra` handles (stdio Fds, a Job, resources, channels...)
// move into the start-up message: they are consumed whatever the outcome. Errors: NotFound (no
// such file), BadFormat (not a loadable ELF: the kernel's checks), OutOfRange (the message is too
// big), NoResources (more than kStartupMaxHandles - 3 extra handles), and whatever process_create,
// vmo_create_child, vmar_map, thread_create or process_start answer. A failed spawn leaves nothing
// behind: the unstarted process dies with its last handle. `process_options` go to process_create
// (koios/task.h: kProcessLargeHandleTable for a server).
Result<OwnedHandle> spawn(Handle job, const Bootfs& bootfs, const char* path, const char* const* argv,
                          const char* const* envp, SpawnHandle* extra = nullptr, u32 extra_count = 0,
                          u32 process_options = 0);
// The same, reading the directory of `bootfs_vmo` first.
Result<OwnedHandle> spawn(Handle job, Handle bootfs_vmo, const char* path, const char* const* argv,
                          const char* const* envp, SpawnHandle* extra = nullptr, u32 extra_count = 0,
                          u32 process_options = 0);

// The second half of spawn, for a process the caller created itself (pidsrv creates a process
// first so that its KoID has a pid before it runs): loads `path` into `process` (needs Manage and
// Duplicate; `vmar` is its root vmar, consumed), sends the start-up message and starts it. Returns
// the main thread. `extra` is consumed whatever the outcome; errors as spawn's. `cwd` (an absolute
// path, or nullptr for "/") is the child's working directory, in the start-up message.
Result<OwnedHandle> spawn_into(Handle process, Handle vmar, const Bootfs& bootfs, const char* path,
                               const char* const* argv, const char* const* envp, SpawnHandle* extra = nullptr,
                               u32 extra_count = 0, const char* cwd = nullptr);

// Waits until the process is Terminated (TimedOut at the deadline; kDeadlineInfinite for none),
// then reads its InfoProcess: exit reason and return code.
Result<InfoProcess> wait_process(Handle process, i64 deadline);

}  // namespace koios
