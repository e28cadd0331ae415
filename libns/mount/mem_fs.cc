// libns/mount/mem_fs.cc
#include "libns/mount/mem_fs.h"

namespace ns {

MemFs::MemFs(Allocator& a) : nodes_(a) {
  init_ok_ = nodes_.push_back(Node{0, "/", true}).ok();
}

Result<DentryId> MemFs::lookup(DentryId dir, const char* name, size_t len) const {
  if (!init_ok_) return Errno::NoMem;
  if (!nodes_[dir].dir) return Errno::NotDir;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (n.parent != dir) continue;
    size_t k = 0;
    while (k < len && k < kNameMax - 1 && n.name[k] == name[k]) ++k;
    if (k == len && n.name[k] == '\0') return static_cast<DentryId>(i);
  }
  return Errno::NoEnt;
}

Result<DentryId> MemFs::add(DentryId dir, const char* name, size_t len, bool is_dir) {
  if (len == 0 || len >= kNameMax) return Errno::NameTooLong;
  auto found = lookup(dir, name, len);
  if (found.ok()) return nodes_[found.value()].dir == is_dir ? found : Result<DentryId>(Errno::Exist);
  if (found.error() != Errno::NoEnt) return found.error();
  Node n{dir, {}, is_dir};
  for (size_t i = 0; i < len; ++i) n.name[i] = name[i];
  NS_TRY_STATUS(nodes_.push_back(n));
  return static_cast<DentryId>(nodes_.size() - 1);
}

Result<DentryId> MemFs::mkdir(DentryId dir, const char* name) {
  size_t len = 0;
  while (name[len]) ++len;
  return add(dir, name, len, true);
}

Result<DentryId> MemFs::create(DentryId dir, const char* name) {
  size_t len = 0;
  while (name[len]) ++len;
  return add(dir, name, len, false);
}

Result<DentryId> MemFs::mkdirs(const char* path) {
  DentryId cur = root();
  for (size_t i = 0; path[i];) {
    while (path[i] == '/') ++i;
    if (!path[i]) break;
    size_t b = i;
    while (path[i] && path[i] != '/') ++i;
    cur = NS_TRY(add(cur, path + b, i - b, true));
  }
  return cur;
}

}  // namespace ns
