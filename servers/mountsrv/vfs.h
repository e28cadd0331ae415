// servers/mountsrv/vfs.h: the file operations of mountsrv over a mount tree, with Linux's path
// rules and errno for each error (path_resolution(7), open(2), mkdir(2), unlink(2), rmdir(2),
// rename(2), read(2), write(2), lseek(2), getdents64(2)).
//
// The mount tree is libns's: an ns::MntNamespace whose mounts' filesystems are mountsrv::Fs
// objects. A request runs in a Context (the caller's mount namespace, root and working directory),
// so when mount namespaces arrive each client simply gets its own namespace's Context and the same
// code walks a different tree. The Vfs itself holds no tree, only the allocator for open files.
// Owned by mountsrv's main (or a test); must outlive its open files.
#pragma once

#include "libns/allocator.h"
#include "libns/mnt_ns.h"
#include "servers/mountsrv/fs.h"

namespace mountsrv {

struct Context {
  const ns::MntNamespace* mnt_ns = nullptr;
  ns::MountPath root;   // "/" and the limit of ".."
  ns::MountPath cwd;    // where relative paths start
};
// A context at the namespace's root (what every client gets until chroot/chdir exist).
Context root_context(const ns::MntNamespace& mnt_ns);

// An open file (Linux's open file description): the node, the access mode and flags, the offset.
// Owned by the Vfs's caller (a file channel in the server); dies with Vfs::close.
struct OpenFile {
  Fs* fs = nullptr;
  DentryId node = 0;
  uint32_t flags = 0;     // proto::fs::kO* as opened
  uint64_t offset = 0;    // a directory's is its readdir cookie
};

class Vfs {
 public:
  explicit Vfs(ns::Allocator& a) : alloc_(a) {}

  // Paths are (bytes, length) as the protocol carries them: length 0 is ENOENT, length >= kPathMax
  // ENAMETOOLONG, an embedded NUL EINVAL, a component longer than kNameMax ENAMETOOLONG.
  Result<OpenFile*> open(const Context& c, const char* path, size_t len, uint32_t flags);
  Result<proto::fs::Stat> stat(const Context& c, const char* path, size_t len) const;
  Status mkdir(const Context& c, const char* path, size_t len);
  Status unlink(const Context& c, const char* path, size_t len);
  Status rmdir(const Context& c, const char* path, size_t len);
  Status rename(const Context& c, const char* from, size_t from_len, const char* to, size_t to_len);

  Result<size_t> read(OpenFile& f, void* buf, size_t n);
  Result<size_t> write(OpenFile& f, const void* buf, size_t n);
  Result<int64_t> seek(OpenFile& f, int64_t offset, uint32_t whence);
  proto::fs::Stat fstat(const OpenFile& f) const { return f.fs->stat(f.node); }
  // Up to `max` entries from the directory's offset on; 0 at the end. ENOTDIR on a file, ENOENT
  // on a directory that has been removed.
  Result<size_t> readdir(OpenFile& f, proto::fs::Dirent* out, size_t max);
  void close(OpenFile* f);

  size_t open_files() const { return open_files_; }

 private:
  enum class Last : uint8_t { Normal, Dot, DotDot, Root };
  // A resolved path: the directory holding the last component and, when it exists, the node.
  struct Walk {
    ns::MountPath parent;   // for Dot, DotDot and Root: the node itself
    ns::MountPath node;     // after crossing into anything mounted on it
    DentryId raw = 0;       // the node as its parent's filesystem knows it (differs on a mountpoint)
    bool found = false;
    bool trailing_slash = false;
    Last last = Last::Normal;
    const char* name = nullptr;
    size_t name_len = 0;
  };
  Result<Walk> walk(const Context& c, const char* path, size_t len) const;
  ns::MountPath follow(ns::MountPath p) const;
  ns::MountPath up(const Context& c, ns::MountPath p) const;
  static Fs* fs_of(const ns::MountPath& p) { return static_cast<Fs*>(p.mnt->fs); }
  static bool read_only(const ns::MountPath& p) { return (p.mnt->flags & ns::kMsRdonly) || fs_of(p)->read_only(); }
  static bool is_dir(const ns::MountPath& p) { return p.mnt->fs->is_dir(p.dentry); }
  static bool is_mountpoint(const Walk& w) { return w.node.mnt != w.parent.mnt; }

  ns::Allocator& alloc_;
  size_t open_files_ = 0;
};

}  // namespace mountsrv
