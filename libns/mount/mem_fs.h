// libns/mount/mem_fs.h: a tiny in-memory filesystem (directories and files by name) for tests, the
// fuzzer and the benchmark. Owned by the test; memory from the allocator it is given.
#pragma once

#include "libns/allocator.h"
#include "libns/mount/filesystem.h"
#include "libns/vec.h"

namespace ns {

class MemFs final : public Filesystem {
 public:
  static constexpr size_t kNameMax = 32;
  explicit MemFs(Allocator& a);
  DentryId root() const override { return 0; }
  Result<DentryId> lookup(DentryId dir, const char* name, size_t len) const override;
  DentryId parent(DentryId d) const override { return nodes_[d].parent; }
  bool is_dir(DentryId d) const override { return nodes_[d].dir; }

  // Creates (or finds) `name` under dir; EEXIST if it exists with the other kind.
  Result<DentryId> mkdir(DentryId dir, const char* name);
  Result<DentryId> create(DentryId dir, const char* name);
  // mkdir -p for an absolute path such as "/a/b/c"; returns the last directory.
  Result<DentryId> mkdirs(const char* path);

 private:
  struct Node { DentryId parent; char name[kNameMax]; bool dir; };
  Result<DentryId> add(DentryId dir, const char* name, size_t len, bool is_dir);
  Vec<Node> nodes_;
  bool init_ok_;
};

}  // namespace ns
