// libns/mount/filesystem.h: the abstract filesystem a mount tree is built over. libns only needs
// to walk names; real filesystems arrive with mountsrv, the tests use MemFs (mem_fs.h).
// A Filesystem is owned by whoever mounted it and must outlive every mount of it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/result.h"

namespace ns {

using DentryId = uint64_t;   // a directory entry, as the filesystem numbers it

class Filesystem {
 public:
  virtual DentryId root() const { return 0; }
  // ENOENT when `dir` has no entry `name`; ENOTDIR when `dir` is not a directory.
  virtual Result<DentryId> lookup(DentryId dir, const char* name, size_t len) const {
    (void)dir; (void)name; (void)len;
    return Errno::NoEnt;
  }
  virtual DentryId parent(DentryId d) const { return d; }   // the root is its own parent
  virtual bool is_dir(DentryId d) const { (void)d; return true; }

  // True when d is `ancestor` or lies below it.
  bool is_subdir(DentryId d, DentryId ancestor) const {
    for (;;) {
      if (d == ancestor) return true;
      DentryId p = parent(d);
      if (p == d) return false;
      d = p;
    }
  }

 protected:
  Filesystem() = default;
  ~Filesystem() = default;
};

}  // namespace ns
