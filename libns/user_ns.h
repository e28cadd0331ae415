// libns/user_ns.h: user namespaces (user_namespaces(7)), their uid/gid maps, and credentials.
//
// Ids inside the model are kernel ids ("kuid"): the ids of the root user namespace. A map
// translates between a namespace's own ids and its parent's; translating to kernel ids composes
// the maps up to the root, as Linux does when a map is written (map_write stores kernel ids).
#pragma once

#include <cstdint>

#include "libns/allocator.h"
#include "libns/namespace.h"
#include "libns/result.h"

namespace ns {

// One line of /proc/PID/uid_map: ids [inside, inside+count) here are [outside, outside+count) in the parent.
struct IdExtent {
  Uid inside;
  Uid outside;
  uint32_t count;
};

inline constexpr uint32_t kMaxIdExtents = 340;    // since Linux 4.15
inline constexpr uint32_t kMaxUserNsLevel = 33;   // deepest level (parent level > 32 gives ENOSPC, Linux >= 4.9)
inline constexpr uint32_t kMaxGroups = 32;        // supplementary groups per credential (Linux: 65536)

// A written map. Stored with kernel ids on the outside (like Linux) so translation is one lookup.
// Owned by its UserNamespace; its extent array comes from the Registry's allocator.
class IdMap {
 public:
  bool written() const { return written_; }
  uint32_t size() const { return count_; }
  const IdExtent& extent(uint32_t i) const { return extents_[i]; }
  // Inside id -> kernel id, or kInvalidId.
  Uid to_kernel(Uid id) const;
  // Kernel id -> inside id, or kInvalidId.
  Uid from_kernel(Uid kid) const;

 private:
  friend class UserNamespace;
  IdExtent* extents_ = nullptr;   // outside already converted to kernel ids
  uint32_t count_ = 0;
  bool written_ = false;
};

// One user namespace. Owner() is its parent (user namespaces own themselves through the tree).
// Created by clone/unshare(CLONE_NEWUSER); dies with its last member, holder and dependent.
class UserNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::User;
  // The root namespace: the identity map over all 32-bit ids.
  UserNamespace(Koid koid);
  UserNamespace(Koid koid, UserNamespace& parent, Uid owner_kuid, Gid owner_kgid);
  void free_maps(Allocator& a);

  UserNamespace* parent_ns() const { return static_cast<UserNamespace*>(parent()); }
  Uid owner_kuid() const { return owner_kuid_; }
  Gid owner_kgid() const { return owner_kgid_; }
  const IdMap& uid_map() const { return uid_map_; }
  const IdMap& gid_map() const { return gid_map_; }
  bool setgroups_allowed() const { return setgroups_allowed_; }

  // make_kuid / from_kuid: namespace id <-> kernel id; kInvalidId when unmapped.
  Uid make_kuid(Uid id) const { return is_root() ? id : uid_map_.to_kernel(id); }
  Uid from_kuid(Uid kid) const { return is_root() ? kid : uid_map_.from_kernel(kid); }
  Gid make_kgid(Gid id) const { return is_root() ? id : gid_map_.to_kernel(id); }
  Gid from_kgid(Gid kid) const { return is_root() ? kid : gid_map_.from_kernel(kid); }
  // What a reader in this namespace sees for a kernel id: the overflow id when unmapped.
  Uid from_kuid_munged(Uid kid) const { Uid u = from_kuid(kid); return u == kInvalidId ? kOverflowUid : u; }
  Gid from_kgid_munged(Gid kid) const { Gid g = from_kgid(kid); return g == kInvalidId ? kOverflowUid : g; }
  bool is_root() const { return parent() == nullptr; }

  // Called by the Registry after its permission checks; validates and stores one map.
  // `extents` have outside ids in the parent namespace's terms.
  Status store_map(Allocator& a, bool gid, const IdExtent* extents, uint32_t count);
  void deny_setgroups() { setgroups_allowed_ = false; }

 private:
  IdMap uid_map_;
  IdMap gid_map_;
  Uid owner_kuid_ = 0;
  Gid owner_kgid_ = 0;
  bool setgroups_allowed_ = true;
};

// Credentials (credentials(7), capabilities(7)): kernel ids and capability sets, and the user
// namespace in which the capabilities count. A value type copied on clone; owned by its Process.
struct Cred {
  Uid uid = 0, euid = 0, suid = 0, fsuid = 0;
  Gid gid = 0, egid = 0, sgid = 0, fsgid = 0;
  Gid groups[kMaxGroups] = {};
  uint32_t ngroups = 0;
  CapSet inheritable = 0, permitted = kCapAll, effective = kCapAll, bounding = kCapAll, ambient = 0;
  UserNamespace* user_ns = nullptr;
};

// "Has capability c in namespace target": Linux's cap_capable(). Walk from target up the user-ns
// tree: in the caller's own namespace the effective set decides; in a namespace the caller's
// namespace is an ancestor of, the caller has every capability if its euid owns the child of its
// namespace on that path; anywhere else, no.
bool ns_capable(const Cred& cred, const UserNamespace& target, Cap c);

}  // namespace ns
