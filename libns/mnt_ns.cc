// libns/mnt_ns.cc
#include "libns/mnt_ns.h"

namespace ns {
namespace {

void copy_str(char* dst, size_t cap, const char* src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  for (; i < cap; ++i) dst[i] = '\0';
}

}  // namespace

MntNamespace::MntNamespace(MountTable& table, Koid koid, UserNamespace* owner, Koid copied_from, uint32_t level)
    : Namespace(NsType::Mnt, koid, owner, nullptr, level, copied_from), table_(table), mounts_(table.allocator()) {}

MntNamespace::~MntNamespace() {
  for (Mount* m : mounts_) {
    table_.all().erase_value(m);
    table_.allocator().destroy(m);
  }
}

Result<Mount*> MntNamespace::new_mount(Filesystem& fs, DentryId root) {
  if (mounts_.size() >= table_.max_per_ns()) return Errno::NoSpc;
  NS_TRY_STATUS(mounts_.reserve(mounts_.size() + 1));
  NS_TRY_STATUS(table_.all().reserve(table_.all().size() + 1));
  Mount* m = table_.allocator().make<Mount>(table_.allocator());
  if (!m) return Errno::NoMem;
  m->id = table_.next_id();
  m->fs = &fs;
  m->root = root;
  m->ns = this;
  (void)mounts_.push_back(m);        // reserved above
  (void)table_.all().push_back(m);
  return m;
}

Result<Mount*> MntNamespace::clone_mount(const Mount& from, DentryId root) {
  Mount* m = NS_TRY(new_mount(*from.fs, root));
  copy_str(m->source, kMountSourceLen, from.source);
  copy_str(m->fstype, kMountTypeLen, from.fstype);
  m->flags = from.flags;
  m->locked_flags = from.locked_flags;
  m->group = from.group;             // a bind of a shared mount is its peer,
  m->master_group = from.master_group;   // a bind of a slave a slave of the same master
  return m;
}

Status MntNamespace::init_root(Filesystem& fs, const char* source, const char* fstype) {
  if (root_) return Errno::Busy;
  Mount* m = NS_TRY(new_mount(fs, fs.root()));
  copy_str(m->source, kMountSourceLen, source);
  copy_str(m->fstype, kMountTypeLen, fstype);
  root_ = m;
  return {};
}

Mount* MntNamespace::find_id(uint32_t id) const {
  for (Mount* m : mounts_) if (m->id == id) return m;
  return nullptr;
}

Mount* MntNamespace::child_at(const Mount* parent, DentryId d) const {
  for (Mount* c : parent->children) if (c->mountpoint == d) return c;
  return nullptr;
}

MountPath MntNamespace::follow(MountPath p) const {
  while (Mount* c = child_at(p.mnt, p.dentry)) p = MountPath{c, c->root};
  return p;
}

Result<MountPath> MntNamespace::walk(const MountPath& root, const MountPath& cwd, const char* path) const {
  size_t total = 0;
  while (path[total]) if (++total >= kPathMax) return Errno::NameTooLong;
  if (total == 0) return Errno::NoEnt;
  MountPath cur = follow(path[0] == '/' ? root : cwd);
  for (size_t i = 0; path[i];) {
    while (path[i] == '/') ++i;
    if (!path[i]) break;
    size_t b = i;
    while (path[i] && path[i] != '/') ++i;
    size_t n = i - b;
    if (n > kNameMax) return Errno::NameTooLong;
    if (n == 1 && path[b] == '.') continue;
    if (n == 2 && path[b] == '.' && path[b + 1] == '.') {
      // ".." stops at the process root, and at a mount's root climbs to where it is mounted.
      while (!(cur == root) && cur.dentry == cur.mnt->root && cur.mnt->parent)
        cur = MountPath{cur.mnt->parent, cur.mnt->mountpoint};
      if (cur == root || cur.dentry == cur.mnt->root) continue;
      cur.dentry = cur.mnt->fs->parent(cur.dentry);
      cur = follow(cur);
      continue;
    }
    if (!cur.mnt->fs->is_dir(cur.dentry)) return Errno::NotDir;
    cur.dentry = NS_TRY(cur.mnt->fs->lookup(cur.dentry, path + b, n));
    cur = follow(cur);
  }
  return cur;
}

Status MntNamespace::attach(Mount* m, const MountPath& at) {
  NS_TRY_STATUS(at.mnt->children.push_back(m));
  m->parent = at.mnt;
  m->mountpoint = at.dentry;
  return {};
}

void MntNamespace::detach_from_parent(Mount* m) {
  if (m->parent) m->parent->children.erase_value(m);
  m->parent = nullptr;
}

void MntNamespace::free_tree(Mount* m) {
  while (!m->children.empty()) free_tree(m->children.back());
  detach_from_parent(m);
  mounts_.erase_value(m);
  table_.all().erase_value(m);
  table_.allocator().destroy(m);
}

Result<Mount*> MntNamespace::copy_tree(Mount* src, DentryId root, bool skip_unbindable) {
  Mount* c = NS_TRY(clone_mount(*src, root));
  for (Mount* ch : src->children) {
    if (skip_unbindable && ch->unbindable) continue;
    if (!src->fs->is_subdir(ch->mountpoint, root)) continue;
    auto cc = copy_tree(ch, ch->root, skip_unbindable);
    Status s = cc.ok() ? attach(cc.value(), MountPath{c, ch->mountpoint}) : Status(cc.error());
    if (!s.ok()) {
      if (cc.ok()) free_tree(cc.value());
      free_tree(c);
      return s.error();
    }
  }
  return c;
}

Status MntNamespace::targets(Mount* origin, Vec<Mount*>& out, Vec<uint32_t>& groups) const {
  if (origin->group == 0) return {};
  NS_TRY_STATUS(groups.push_back(origin->group));
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    uint32_t g = groups[gi];
    for (Mount* m : table_.all()) {
      if (m == origin) continue;
      bool peer = m->group == g;
      bool slave = m->master_group == g;
      if ((peer || slave) && !out.contains(m)) NS_TRY_STATUS(out.push_back(m));
      if (slave && m->group && !groups.contains(m->group)) NS_TRY_STATUS(groups.push_back(m->group));
    }
  }
  return {};
}

Status MntNamespace::attach_propagating(Mount* tree, const MountPath& at_in, bool free_on_error) {
  MountPath at = follow(at_in);
  Mount* origin = at.mnt;
  Allocator& a = table_.allocator();
  if (origin->group) {
    // Under a shared mount every new mount is shared (Linux's invent_group_ids).
    struct Local {
      static void invent(MountTable& t, Mount* m) {
        if (!m->group) m->group = t.new_group();
        for (Mount* c : m->children) invent(t, c);
      }
    };
    Local::invent(table_, tree);
  }
  Vec<Mount*> ts(a);
  Vec<uint32_t> groups(a);
  Vec<uint32_t> copy_groups(a);   // copy_groups[i]: the group of the copies made under groups[i]
  Status s = targets(origin, ts, groups);
  if (s.ok()) s = copy_groups.reserve(groups.size());
  if (!s.ok()) { if (free_on_error) free_tree(tree); return s; }
  for (size_t i = 0; i < groups.size(); ++i) (void)copy_groups.push_back(i == 0 ? tree->group : 0);
  auto copy_group_of = [&](uint32_t g) -> uint32_t {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (groups[i] != g) continue;
      if (!copy_groups[i]) copy_groups[i] = table_.new_group();
      return copy_groups[i];
    }
    return 0;
  };
  s = attach(tree, at);
  if (!s.ok()) { if (free_on_error) free_tree(tree); return s; }
  for (Mount* t : ts) {
    if (t->fs != origin->fs || !t->fs->is_subdir(at.dentry, t->root)) continue;
    Mount* copy = NS_TRY(static_cast<MntNamespace*>(t->ns)->copy_tree(tree, tree->root, false));
    bool peer = t->group == origin->group;
    copy->group = t->group ? copy_group_of(t->group) : 0;
    copy->master_group = peer ? tree->master_group : copy_group_of(t->master_group);
    Status as = static_cast<MntNamespace*>(t->ns)->attach(copy, static_cast<MntNamespace*>(t->ns)->follow(MountPath{t, at.dentry}));
    if (!as.ok()) { static_cast<MntNamespace*>(t->ns)->free_tree(copy); return as; }
  }
  return {};
}

Result<Mount*> MntNamespace::mount(const MountPath& at_in, Filesystem& fs, const char* source,
                                   const char* fstype, uint32_t flags) {
  MountPath at = follow(at_in);
  if (at.mnt->ns != this) return Errno::Inval;
  if (!at.mnt->fs->is_dir(at.dentry)) return Errno::NotDir;
  Mount* m = NS_TRY(new_mount(fs, fs.root()));
  copy_str(m->source, kMountSourceLen, source);
  copy_str(m->fstype, kMountTypeLen, fstype);
  m->flags = flags;
  NS_TRY_STATUS(attach_propagating(m, at));
  return m;
}

Result<Mount*> MntNamespace::bind(const MountPath& src, const MountPath& at_in, bool recursive) {
  MountPath at = follow(at_in);
  if (src.mnt->ns != this || at.mnt->ns != this) return Errno::Inval;
  if (src.mnt->unbindable) return Errno::Inval;
  if (src.mnt->fs->is_dir(src.dentry) != at.mnt->fs->is_dir(at.dentry)) return Errno::NotDir;
  Mount* tree = recursive ? NS_TRY(copy_tree(src.mnt, src.dentry, true)) : NS_TRY(clone_mount(*src.mnt, src.dentry));
  NS_TRY_STATUS(attach_propagating(tree, at));
  return tree;
}

Status MntNamespace::move(const MountPath& from, const MountPath& to_in) {
  Mount* m = from.mnt;
  if (m->ns != this || from.dentry != m->root || !m->parent || m->locked) return Errno::Inval;
  MountPath to = follow(to_in);
  if (to.mnt->ns != this) return Errno::Inval;
  if (m->parent->group) return Errno::Inval;
  struct Local {
    static bool has_unbindable(const Mount* x) {
      if (x->unbindable) return true;
      for (const Mount* c : x->children) if (has_unbindable(c)) return true;
      return false;
    }
  };
  if (to.mnt->group && Local::has_unbindable(m)) return Errno::Inval;
  for (Mount* x = to.mnt; x; x = x->parent) if (x == m) return Errno::Loop;
  if (m->fs->is_dir(m->root) != to.mnt->fs->is_dir(to.dentry)) return Errno::NotDir;
  Mount* old_parent = m->parent;
  DentryId old_mp = m->mountpoint;
  detach_from_parent(m);
  Status s = attach_propagating(m, to, false);
  // Only ENOMEM gets here; the old parent's child array still has the slot m left.
  if (!s.ok() && !m->parent) (void)attach(m, MountPath{old_parent, old_mp});
  return s;
}

Status MntNamespace::umount(const MountPath& p, bool detach) {
  Mount* m = p.mnt;
  if (m->ns != this || p.dentry != m->root) return Errno::Inval;
  if (m == root_) return Errno::Busy;
  if (m->locked) return Errno::Inval;
  struct Local {
    static bool busy(const Mount* x) {
      if (x->users) return true;
      for (const Mount* c : x->children) if (busy(c)) return true;
      return false;
    }
  };
  if (!detach && (!m->children.empty() || m->users)) return Errno::Busy;
  // Lazy unmount of a mount processes still use is not modelled (docs/NAMESPACES.md).
  if (detach && Local::busy(m)) return Errno::Busy;
  Mount* parent = m->parent;
  DentryId d = m->mountpoint;
  Vec<Mount*> ts(table_.allocator());
  Vec<uint32_t> groups(table_.allocator());
  NS_TRY_STATUS(targets(parent, ts, groups));
  free_tree(m);
  for (Mount* t : ts) {
    // A target may have gone with m's subtree or with an earlier propagated unmount.
    if (!table_.all().contains(t)) continue;
    Mount* c = child_at(t, d);
    if (c && c->children.empty() && !c->locked && !c->users) static_cast<MntNamespace*>(c->ns)->free_tree(c);
  }
  return {};
}

Propagation MntNamespace::propagation_of(const Mount& m) {
  if (m.unbindable) return Propagation::Unbindable;
  if (m.group) return Propagation::Shared;
  if (m.master_group) return Propagation::Slave;
  return Propagation::Private;
}

Status MntNamespace::set_prop_one(Mount* m, Propagation type) {
  if (type == Propagation::Shared) {
    if (!m->group) m->group = table_.new_group();
    m->unbindable = false;
    return {};
  }
  // Leaving a peer group (Linux's do_make_slave): with peers left, m becomes their slave; as the
  // last member, its slaves are handed to m's own master (or lose theirs).
  if (uint32_t old = m->group) {
    m->group = 0;
    bool peers_left = false;
    for (Mount* x : table_.all()) if (x->group == old) { peers_left = true; break; }
    if (peers_left) {
      m->master_group = old;
    } else {
      for (Mount* x : table_.all()) if (x->master_group == old) x->master_group = m->master_group;
    }
  }
  m->unbindable = false;
  if (type == Propagation::Private || type == Propagation::Unbindable) m->master_group = 0;
  if (type == Propagation::Unbindable) m->unbindable = true;
  return {};
}

Status MntNamespace::set_propagation(const MountPath& p, Propagation type, bool recursive) {
  if (p.mnt->ns != this || p.dentry != p.mnt->root) return Errno::Inval;
  NS_TRY_STATUS(set_prop_one(p.mnt, type));
  if (recursive)
    for (Mount* c : p.mnt->children) NS_TRY_STATUS(set_propagation(MountPath{c, c->root}, type, true));
  return {};
}

Status MntNamespace::remount(const MountPath& p, uint32_t flags) {
  Mount* m = p.mnt;
  if (m->ns != this || p.dentry != m->root) return Errno::Inval;
  if (m->locked_flags & ~flags) return Errno::Perm;
  m->flags = flags;
  return {};
}

Status MntNamespace::pivot(Mount* new_root, const MountPath& put_old) {
  NS_TRY_STATUS(put_old.mnt->children.reserve(put_old.mnt->children.size() + 1));
  detach_from_parent(new_root);
  Mount* old = root_;
  root_ = new_root;
  return attach(old, follow(put_old));
}

Status MntNamespace::copy_from(const MntNamespace& src, bool less_privileged) {
  struct Local {
    static Result<Mount*> copy(MntNamespace& self, Mount* o, bool is_root, bool lp) {
      Mount* c = NS_TRY(self.clone_mount(*o, o->root));
      c->unbindable = o->unbindable;
      c->locked = o->locked;
      if (lp) {
        // CL_SHARED_TO_SLAVE | CL_UNPRIVILEGED: the copy may receive but never send events, and
        // what the more privileged side mounted stays together (lock_mnt_tree).
        if (o->group) { c->master_group = o->group; c->group = 0; }
        if (!is_root) c->locked = true;
        c->locked_flags = c->flags & kMountLockableFlags;
      }
      o->copy = c;
      for (Mount* ch : o->children) {
        Mount* cc = NS_TRY(copy(self, ch, false, lp));
        NS_TRY_STATUS(self.attach(cc, MountPath{c, ch->mountpoint}));
      }
      return c;
    }
  };
  if (root_) return Errno::Inval;
  if (!src.root_) return {};   // a namespace without a root filesystem copies to an empty one
  root_ = NS_TRY(Local::copy(*this, src.root_, true, less_privileged));
  return {};
}

}  // namespace ns
