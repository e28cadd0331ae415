// libns/mnt_ns.h: mount namespaces (mount_namespaces(7)): a tree of mounts, path walk across
// mounts, mount/bind/unmount with propagation between peer groups and to slaves, copying the whole
// tree into a new namespace, and locked mounts in a copy made for a less privileged user
// namespace. chroot and pivot_root, which also change processes, are in the Registry.
//
//   ns root: id 1  /            (fs A)          propagation reaches, for an event under M:
//     +- id 2  /proc            (fs B)            every peer of M (same group) and every slave of
//     +- id 3  /mnt  shared:1   (fs C)            M's group, then the peers and slaves of those
//          +- id 4 /mnt/x                         slaves' own groups, and so on
//
// Owned by the Registry; its mounts die with it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/allocator.h"
#include "libns/mount/mount.h"
#include "libns/namespace.h"
#include "libns/result.h"
#include "libns/vec.h"

namespace ns {

inline constexpr size_t kPathMax = 4096;
inline constexpr size_t kNameMax = 255;

class MntNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Mnt;
  MntNamespace(MountTable& table, Koid koid, UserNamespace* owner, Koid copied_from, uint32_t level);
  ~MntNamespace();

  // The first namespace: one root mount of `fs`.
  Status init_root(Filesystem& fs, const char* source, const char* fstype);
  // CLONE_NEWNS: a copy of every mount of `src`. Copies of shared mounts are peers of the
  // originals, copies of slaves are slaves of the same group. When `less_privileged` (the new
  // namespace has another owner), shared mounts become slaves, every mount but the root is locked,
  // and the mount flags are locked too.
  Status copy_from(const MntNamespace& src, bool less_privileged);

  Mount* root() const { return root_; }
  MountPath root_path() const { return MountPath{root_, root_ ? root_->root : 0}; }
  size_t mount_count() const { return mounts_.size(); }
  Mount* mount_at(size_t i) const { return mounts_[i]; }
  Mount* find_id(uint32_t id) const;
  // During copy_from, the copy of a mount of the source (for moving process roots over).
  static Mount* copy_of(const Mount* m) { return m->copy; }

  // Path walk from `root` (the process's root: ".." never climbs above it) and `cwd` for relative
  // paths. Crosses into mounts and back out on "..". ENOENT, ENOTDIR, ENAMETOOLONG.
  Result<MountPath> walk(const MountPath& root, const MountPath& cwd, const char* path) const;

  // mount(2) of a new filesystem at `at`. Propagates when `at` lies in a shared mount.
  Result<Mount*> mount(const MountPath& at, Filesystem& fs, const char* source, const char* fstype, uint32_t flags);
  // mount --bind / --rbind. EINVAL when the source mount is unbindable or not in this
  // namespace; with `recursive`, unbindable submounts are left out.
  Result<Mount*> bind(const MountPath& src, const MountPath& at, bool recursive);
  // umount2. EINVAL when `p` is not a mount's root or the mount is locked; EBUSY for the root
  // mount, or, without `detach`, for a mount with submounts or processes inside it. Detach takes
  // the submounts with it. Propagates to the matching mounts of peers and slaves that have no
  // submounts of their own.
  Status umount(const MountPath& p, bool detach);
  // mount --move (MS_MOVE): EINVAL when `from` is not a mount's root, is the root mount, is
  // locked, sits under a shared parent, or is (or contains) an unbindable mount going under a
  // shared one; ELOOP when `to` lies inside the moved tree. Propagates like a new mount at `to`.
  Status move(const MountPath& from, const MountPath& to);
  // mount --make-{shared,private,slave,unbindable} (with `recursive`, the r- variants).
  // EINVAL when `p` is not a mount's root.
  Status set_propagation(const MountPath& p, Propagation type, bool recursive);
  // mount -o remount,FLAGS on the mount at `p`: EPERM when clearing a locked flag.
  Status remount(const MountPath& p, uint32_t flags);
  // Replace the root mount (pivot_root's tree surgery; the Registry checks the rules first).
  // new_root becomes the root; the old root is attached at put_old.
  Status pivot(Mount* new_root, const MountPath& put_old);

  static Propagation propagation_of(const Mount& m);

 private:
  Result<Mount*> new_mount(Filesystem& fs, DentryId root);
  Result<Mount*> clone_mount(const Mount& from, DentryId root);
  Status attach(Mount* m, const MountPath& at);
  void detach_from_parent(Mount* m);
  void free_tree(Mount* m);          // m and everything below it
  Mount* child_at(const Mount* parent, DentryId d) const;
  MountPath follow(MountPath p) const;
  // Copies the tree at `src` (skipping unbindable submounts when asked); the copy is not attached.
  Result<Mount*> copy_tree(Mount* src, DentryId root, bool skip_unbindable);
  // Attaches `tree` at `at` and makes copies at every propagation target of `at.mnt`.
  Status attach_propagating(Mount* tree, const MountPath& at, bool free_on_error = true);
  struct Target { Mount* mnt; };
  Status targets(Mount* origin, Vec<Mount*>& out, Vec<uint32_t>& groups) const;
  Status set_prop_one(Mount* m, Propagation type);

  MountTable& table_;
  Mount* root_ = nullptr;
  Vec<Mount*> mounts_;
};

}  // namespace ns
