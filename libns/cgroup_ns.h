// libns/cgroup_ns.h: cgroup namespaces (cgroup_namespaces(7)). The creator's cgroup at creation
// becomes the root of the view: paths in /proc/PID/cgroup are shown relative to it, with ".."
// components for cgroups outside it. Cgroups themselves belong to cgroupsrv; here a cgroup is its
// absolute path. Owned by the Registry; dies when unused.
#pragma once

#include <cstddef>

#include "libns/namespace.h"
#include "libns/result.h"

namespace ns {

inline constexpr size_t kMaxCgroupPath = 256;   // including the NUL; longer paths get ENAMETOOLONG

struct CgroupPath {
  char path[kMaxCgroupPath] = "/";
  static Result<CgroupPath> from(const char* s);   // must be absolute
  bool operator==(const CgroupPath& o) const;
};

class CgroupNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Cgroup;
  CgroupNamespace(Koid koid, UserNamespace* owner);   // the root: the view's root is "/"
  CgroupNamespace(Koid koid, UserNamespace* owner, const CgroupNamespace& from, const CgroupPath& root);

  const CgroupPath& root() const { return root_; }
  // `cgroup` (absolute) as a reader in this namespace sees it.
  Result<CgroupPath> view(const CgroupPath& cgroup) const;

 private:
  CgroupPath root_;
};

}  // namespace ns
