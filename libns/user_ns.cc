// libns/user_ns.cc
#include "libns/user_ns.h"

namespace ns {

Uid IdMap::to_kernel(Uid id) const {
  for (uint32_t i = 0; i < count_; ++i) {
    const IdExtent& e = extents_[i];
    if (id >= e.inside && id - e.inside < e.count) return e.outside + (id - e.inside);
  }
  return kInvalidId;
}

Uid IdMap::from_kernel(Uid kid) const {
  for (uint32_t i = 0; i < count_; ++i) {
    const IdExtent& e = extents_[i];
    if (kid >= e.outside && kid - e.outside < e.count) return e.inside + (kid - e.outside);
  }
  return kInvalidId;
}

UserNamespace::UserNamespace(Koid koid)
    : Namespace(NsType::User, koid, nullptr, nullptr, 0, kInvalidKoid) {
  uid_map_.written_ = gid_map_.written_ = true;  // the root's identity map is implicit
}

UserNamespace::UserNamespace(Koid koid, UserNamespace& parent, Uid owner_kuid, Gid owner_kgid)
    : Namespace(NsType::User, koid, &parent, &parent, parent.level() + 1, kInvalidKoid),
      owner_kuid_(owner_kuid), owner_kgid_(owner_kgid),
      setgroups_allowed_(parent.setgroups_allowed()) {}  // "deny" is inherited by children

void UserNamespace::free_maps(Allocator& a) {
  for (IdMap* m : {&uid_map_, &gid_map_}) {
    if (m->extents_) a.deallocate(m->extents_, m->count_ * sizeof(IdExtent), alignof(IdExtent));
    m->extents_ = nullptr;
    m->count_ = 0;
  }
}

Status UserNamespace::store_map(Allocator& a, bool gid, const IdExtent* extents, uint32_t count) {
  IdMap& map = gid ? gid_map_ : uid_map_;
  if (map.written_) return Errno::Perm;                   // written once
  if (count == 0 || count > kMaxIdExtents) return Errno::Inval;
  for (uint32_t i = 0; i < count; ++i) {
    const IdExtent& e = extents[i];
    if (e.count == 0) return Errno::Inval;
    // Neither end may wrap past 2^32-1 (the last id, -1, is never mappable).
    if (uint64_t{e.inside} + e.count > 0xffffffffull) return Errno::Inval;
    if (uint64_t{e.outside} + e.count > 0xffffffffull) return Errno::Inval;
    for (uint32_t j = 0; j < i; ++j) {  // no overlaps on either side
      const IdExtent& f = extents[j];
      bool in = e.inside < f.inside + f.count && f.inside < e.inside + e.count;
      bool out = e.outside < f.outside + f.count && f.outside < e.outside + e.count;
      if (in || out) return Errno::Inval;
    }
  }
  // Every outside id must be mapped in the parent; store it as a kernel id. A parent extent may
  // split one line, so an extent maps only when each id maps (checked by range pieces).
  void* p = a.allocate(count * sizeof(IdExtent), alignof(IdExtent));
  if (!p) return Errno::NoMem;
  auto* out = static_cast<IdExtent*>(p);
  const UserNamespace* par = parent_ns();
  const IdMap& pmap = gid ? par->gid_map_ : par->uid_map_;
  for (uint32_t i = 0; i < count; ++i) {
    const IdExtent& e = extents[i];
    Uid first = par->is_root() ? e.outside : pmap.to_kernel(e.outside);
    bool ok = first != kInvalidId;
    if (ok && !par->is_root()) {
      // Linux requires the whole range to fall in one parent extent (map_id_range_down).
      Uid last = pmap.to_kernel(e.outside + e.count - 1);
      ok = last != kInvalidId && last - first == e.count - 1;
    }
    if (!ok) { a.deallocate(p, count * sizeof(IdExtent), alignof(IdExtent)); return Errno::Perm; }
    out[i] = IdExtent{e.inside, first, e.count};
  }
  map.extents_ = out;
  map.count_ = count;
  map.written_ = true;
  return {};
}

bool ns_capable(const Cred& cred, const UserNamespace& target, Cap c) {
  const UserNamespace* n = &target;
  for (;;) {
    if (n == cred.user_ns) return (cred.effective & cap_bit(c)) != 0;
    if (!n->parent_ns() || n->level() <= cred.user_ns->level()) return false;
    if (n->parent_ns() == cred.user_ns && n->owner_kuid() == cred.euid) return true;
    n = n->parent_ns();
  }
}

}  // namespace ns
