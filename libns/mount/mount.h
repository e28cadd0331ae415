// libns/mount/mount.h: one mount (Linux's struct mount) and the table all mount namespaces share.
//
// Propagation (mount_namespaces(7), sharedsubtree.txt) is kept as two numbers per mount:
//   group         its peer group when shared (0: not shared). Events under one peer reach all peers.
//   master_group  the peer group it receives events from when it is a slave (0: not a slave).
// Keeping the master as a group id rather than a mount means a slave never points at a freed
// mount; a group with no members left simply propagates nothing.
#pragma once

#include <cstdint>

#include "libns/allocator.h"
#include "libns/mount/filesystem.h"
#include "libns/vec.h"

namespace ns {

class MntNamespace;

inline constexpr uint32_t kMsRdonly = 1, kMsNosuid = 2, kMsNodev = 4, kMsNoexec = 8;
inline constexpr uint32_t kMountLockableFlags = kMsRdonly | kMsNosuid | kMsNodev | kMsNoexec;
inline constexpr size_t kMountSourceLen = 64;
inline constexpr size_t kMountTypeLen = 16;

enum class Propagation : uint8_t { Shared, Private, Slave, Unbindable };

// Owned by its MntNamespace, which frees it on unmount or when the namespace dies.
struct Mount {
  explicit Mount(Allocator& a) : children(a) {}
  uint32_t id = 0;
  Mount* parent = nullptr;           // nullptr for a namespace's root mount
  DentryId mountpoint = 0;           // in parent's filesystem
  DentryId root = 0;                 // in fs: a bind mount's root is any directory
  Filesystem* fs = nullptr;
  char source[kMountSourceLen] = {};
  char fstype[kMountTypeLen] = {};
  uint32_t flags = 0;                // MS_RDONLY ...
  uint32_t locked_flags = 0;         // flags a less privileged namespace may not clear
  MntNamespace* ns = nullptr;
  uint32_t group = 0;
  uint32_t master_group = 0;
  bool unbindable = false;
  bool locked = false;               // cannot be unmounted apart from its parent (MNT_LOCKED)
  uint32_t users = 0;                // process roots and working directories inside it
  Mount* copy = nullptr;             // scratch during a tree copy
  Vec<Mount*> children;
};

// A location: a mount and a dentry in its filesystem (Linux's struct path).
struct MountPath {
  Mount* mnt = nullptr;
  DentryId dentry = 0;
  bool operator==(const MountPath&) const = default;
};

// Every mount of every namespace, for propagation and ids. Owned by the Registry.
class MountTable {
 public:
  explicit MountTable(Allocator& a) : alloc_(a), all_(a) {}
  Allocator& allocator() { return alloc_; }
  uint32_t next_id() { return ++last_id_; }
  uint32_t new_group() { return ++last_group_; }
  Vec<Mount*>& all() { return all_; }
  // /proc/sys/fs/mount-max: mounts per namespace; more is ENOSPC, as in Linux.
  uint32_t max_per_ns() const { return max_per_ns_; }
  void set_max_per_ns(uint32_t n) { max_per_ns_ = n; }

 private:
  Allocator& alloc_;
  Vec<Mount*> all_;
  uint32_t last_id_ = 0;
  uint32_t last_group_ = 0;
  uint32_t max_per_ns_ = 100000;
};

}  // namespace ns
