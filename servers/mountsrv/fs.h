// servers/mountsrv/fs.h: what mountsrv needs of a filesystem, on top of libns's ns::Filesystem
// (which is all the mount tree needs: lookup, parent, is_dir). Implemented by TmpFs (writable,
// in memory) and BootFs (the boot image, read-only). Names arrive as (pointer, length) and are
// already checked by the Vfs: 1..kNameMax bytes, no '/', no NUL, not "." or "..".
// A filesystem is owned by whoever mounts it (mountsrv's main) and outlives its mounts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/mount/filesystem.h"
#include "libns/result.h"
#include "servers/proto/fs.h"

namespace mountsrv {

using ns::DentryId;
using ns::Errno;
using ns::Result;
using ns::Status;

enum class NodeType : uint8_t { File, Dir };

// One directory entry and the cookie that continues after it (Readdir's d_off).
struct DirEntry {
  DentryId node;
  uint64_t next;
};

// The write side answers EROFS unless a filesystem overrides it; every other default is for a
// filesystem with no nodes. Not pure virtual so the freestanding build needs no __cxa_pure_virtual.
class Fs : public ns::Filesystem {
 public:
  uint64_t dev() const { return dev_; }
  virtual bool read_only() const { return true; }
  virtual NodeType type(DentryId d) const { return is_dir(d) ? NodeType::Dir : NodeType::File; }
  virtual proto::fs::Stat stat(DentryId d) const { (void)d; return {}; }
  // The name of d in its parent (for Readdir), and its length.
  virtual const char* name(DentryId d, size_t* len) const { (void)d; *len = 0; return ""; }
  // Up to n bytes at off (fewer at the end of the file, 0 past it).
  virtual Result<size_t> read(DentryId d, uint64_t off, void* buf, size_t n) const {
    (void)d; (void)off; (void)buf; (void)n;
    return Errno::Inval;
  }
  // The first entry of `dir` at or after cookie `from` (cookies start at kFirstCookie; 0 and 1 are
  // "." and "..", which the Vfs makes). ENOENT at the end.
  static constexpr uint64_t kFirstCookie = 2;
  virtual Result<DirEntry> next_entry(DentryId dir, uint64_t from) const { (void)dir; (void)from; return Errno::NoEnt; }

  // Writes may grow the file (a hole reads as zeros); ENOSPC when the filesystem is full (a write
  // that partly fits writes what fits).
  virtual Result<size_t> write(DentryId d, uint64_t off, const void* buf, size_t n) {
    (void)d; (void)off; (void)buf; (void)n;
    return Errno::Rofs;
  }
  virtual Status truncate(DentryId d, uint64_t size) { (void)d; (void)size; return Errno::Rofs; }
  // A new node `name` in dir, which the caller has looked up and found absent.
  virtual Result<DentryId> create(DentryId dir, const char* name, size_t len, NodeType type) {
    (void)dir; (void)name; (void)len; (void)type;
    return Errno::Rofs;
  }
  // Removes the entry `d` (a file, or an empty directory: the caller checked) from its parent.
  virtual Status remove(DentryId dir, DentryId d) { (void)dir; (void)d; return Errno::Rofs; }
  // Moves entry `d` of `from_dir` to `to_dir` under `name`, replacing `replaced` (when not
  // kNoNode: a file, or an empty directory, as the caller checked). One step: on failure nothing moved.
  static constexpr DentryId kNoNode = ~DentryId{0};
  virtual Status rename(DentryId from_dir, DentryId d, DentryId to_dir, const char* name, size_t len,
                        DentryId replaced) {
    (void)from_dir; (void)d; (void)to_dir; (void)name; (void)len; (void)replaced;
    return Errno::Rofs;
  }
  // Open files keep their node alive after it is unlinked (as in Linux); the last release of an
  // unlinked node frees it.
  virtual void hold(DentryId d) { (void)d; }
  virtual void release(DentryId d) { (void)d; }

 protected:
  explicit Fs(uint64_t dev) : dev_(dev) {}
  ~Fs() = default;

 private:
  uint64_t dev_;
};

}  // namespace mountsrv
