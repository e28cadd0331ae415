// libns/cgroup_ns.cc
#include "libns/cgroup_ns.h"

namespace ns {
namespace {

size_t len(const char* s) { size_t n = 0; while (s[n]) ++n; return n; }

// Length of the path without a trailing slash (but "/" stays "/").
size_t trimmed(const char* s) {
  size_t n = len(s);
  while (n > 1 && s[n - 1] == '/') --n;
  return n;
}

}  // namespace

Result<CgroupPath> CgroupPath::from(const char* s) {
  if (s[0] != '/') return Errno::Inval;
  size_t n = trimmed(s);
  if (n >= kMaxCgroupPath) return Errno::NameTooLong;
  CgroupPath p;
  for (size_t i = 0; i < n; ++i) p.path[i] = s[i];
  p.path[n] = '\0';
  return p;
}

bool CgroupPath::operator==(const CgroupPath& o) const {
  for (size_t i = 0;; ++i) {
    if (path[i] != o.path[i]) return false;
    if (!path[i]) return true;
  }
}

CgroupNamespace::CgroupNamespace(Koid koid, UserNamespace* owner)
    : Namespace(NsType::Cgroup, koid, owner, nullptr, 0, kInvalidKoid) {}

CgroupNamespace::CgroupNamespace(Koid koid, UserNamespace* owner, const CgroupNamespace& from,
                                 const CgroupPath& root)
    : Namespace(NsType::Cgroup, koid, owner, nullptr, from.level() + 1, from.koid()), root_(root) {}

Result<CgroupPath> CgroupNamespace::view(const CgroupPath& cgroup) const {
  // Linux (kernfs_path_from_node): ".." for each component of the root below the common
  // ancestor, then the cgroup's components below it.
  struct Comp { size_t at, n; };
  auto split = [](const char* s, Comp* out) {
    size_t k = 0;
    for (size_t i = 0; s[i];) {
      while (s[i] == '/') ++i;
      if (!s[i]) break;
      size_t b = i;
      while (s[i] && s[i] != '/') ++i;
      out[k++] = Comp{b, i - b};
    }
    return k;
  };
  Comp rc[kMaxCgroupPath / 2], cc[kMaxCgroupPath / 2];
  size_t rn = split(root_.path, rc), cn = split(cgroup.path, cc);
  size_t common = 0;
  while (common < rn && common < cn && rc[common].n == cc[common].n) {
    bool same = true;
    for (size_t i = 0; i < rc[common].n; ++i)
      if (root_.path[rc[common].at + i] != cgroup.path[cc[common].at + i]) { same = false; break; }
    if (!same) break;
    ++common;
  }
  CgroupPath out;
  size_t o = 0;
  auto put = [&](const char* s, size_t n) {
    if (o + 1 + n >= kMaxCgroupPath) return false;
    out.path[o++] = '/';
    for (size_t i = 0; i < n; ++i) out.path[o++] = s[i];
    return true;
  };
  for (size_t i = common; i < rn; ++i) if (!put("..", 2)) return Errno::NameTooLong;
  for (size_t i = common; i < cn; ++i) if (!put(cgroup.path + cc[i].at, cc[i].n)) return Errno::NameTooLong;
  if (o == 0) out.path[o++] = '/';
  out.path[o] = '\0';
  return out;
}

}  // namespace ns
