// libns/clone.cc: clone(2), unshare(2) and setns(2): which namespaces are copied, shared or
// entered, what each needs (capabilities, nesting limits, flag combinations), and what happens to
// credentials and filesystem roots on the way. The rest of the Registry is in registry.cc.
#include "libns/registry.h"

namespace ns {

Result<UserNamespace*> Registry::new_user_ns(const Process& creator, const Cred& cred) {
  UserNamespace* parent = cred.user_ns;
  if (parent->level() + 1 > kMaxUserNsLevel) return Errno::NoSpc;
  if (user_ns_count_ >= config_.max_user_namespaces) return Errno::NoSpc;
  // user_namespaces(7): the creator's euid and egid must be mapped in its namespace, and a
  // chrooted process may not create one (it could otherwise escape with the new capabilities).
  if (parent->from_kuid(cred.euid) == kInvalidId || parent->from_kgid(cred.egid) == kInvalidId) return Errno::Perm;
  if (creator.nsset_ && !(creator.root_ == creator.nsset_->mnt()->root_path())) return Errno::Perm;
  return create_ns<UserNamespace>(koids_.next(), *parent, cred.euid, cred.egid);
}

Result<NsSet*> Registry::copy_nsset(const Process& p, uint64_t flags, const Cred& cred) {
  const NsSet& old = *p.nsset_;
  UserNamespace* owner = cred.user_ns;
  if (flags & kCloneNewPid) {
    // pid_namespaces(7): after unshare(CLONE_NEWPID) the next CLONE_NEWPID must wait until the
    // caller's children are in the new namespace; Linux answers EINVAL.
    if (old.pid_for_children() != p.active_pid_ns()) return Errno::Inval;
    if (old.pid_for_children()->level() + 1 > kMaxPidNsLevel) return Errno::NoSpc;
  }
  NsSet* s = NS_TRY(clone_set(old));
  Errno err = Errno::Ok;
  auto fail = [&](Errno e) { err = e; };
  if (flags & kCloneNewNs) {
    auto m = create_ns<MntNamespace>(mounts_, koids_.next(), owner, old.mnt()->koid(), old.mnt()->level() + 1);
    if (!m.ok()) fail(m.error());
    else {
      s->at(NsSlot::Mnt) = m.value();
      Status c = m.value()->copy_from(*old.mnt(), owner != old.mnt()->owner());
      if (!c.ok()) fail(c.error());
    }
  }
  if (err == Errno::Ok && (flags & kCloneNewUts)) {
    auto u = create_ns<UtsNamespace>(koids_.next(), owner, *old.uts());
    if (u.ok()) s->at(NsSlot::Uts) = u.value(); else fail(u.error());
  }
  if (err == Errno::Ok && (flags & kCloneNewIpc)) {
    auto i = create_ns<IpcNamespace>(alloc_, koids_.next(), owner, old.ipc()->koid(), old.ipc()->level() + 1, config_.ipc);
    if (i.ok()) s->at(NsSlot::Ipc) = i.value(); else fail(i.error());
  }
  if (err == Errno::Ok && (flags & kCloneNewPid)) {
    auto n = create_ns<PidNamespace>(alloc_, koids_.next(), owner, *old.pid_for_children());
    if (n.ok()) s->at(NsSlot::PidForChildren) = n.value(); else fail(n.error());
  }
  if (err == Errno::Ok && (flags & kCloneNewCgroup)) {
    auto c = create_ns<CgroupNamespace>(koids_.next(), owner, *old.cgroup(), p.cgroup_);
    if (c.ok()) s->at(NsSlot::Cgroup) = c.value(); else fail(c.error());
  }
  if (err == Errno::Ok && (flags & kCloneNewNet)) {
    auto n = create_ns<NetNamespace>(alloc_, koids_.next(), owner, old.net()->koid(), old.net()->level() + 1);
    if (n.ok()) {
      s->at(NsSlot::Net) = n.value();
      Status i = n.value()->init();
      if (!i.ok()) fail(i.error());
    } else {
      fail(n.error());
    }
  }
  if (err == Errno::Ok && (flags & kCloneNewTime)) {
    auto t = create_ns<TimeNamespace>(koids_.next(), owner, *old.time_for_children());
    if (t.ok()) s->at(NsSlot::TimeForChildren) = t.value(); else fail(t.error());
  }
  if (err != Errno::Ok) {
    release_unattached_set(s);
    return err;
  }
  return s;
}

Result<Process*> Registry::clone(Koid parent_koid, Koid child_koid, uint64_t flags) {
  Process* parent = live(parent_koid);
  if (!parent) return Errno::Srch;
  if (child_koid == kInvalidKoid) return Errno::Inval;
  // clone(2) EINVAL rules, in copy_process's order.
  if ((flags & (kCloneNewNs | kCloneFs)) == (kCloneNewNs | kCloneFs)) return Errno::Inval;
  if ((flags & (kCloneNewUser | kCloneFs)) == (kCloneNewUser | kCloneFs)) return Errno::Inval;
  if ((flags & kCloneThread) && !(flags & kCloneSighand)) return Errno::Inval;
  if ((flags & kCloneSighand) && !(flags & kCloneVm)) return Errno::Inval;
  if ((flags & kCloneParent) && parent->active_pid_ns()->child_reaper() == parent->koid_) return Errno::Inval;
  if ((flags & kCloneThread) && (flags & (kCloneNewUser | kCloneNewPid))) return Errno::Inval;
  if ((flags & (kCloneNewIpc | kCloneSysvsem)) == (kCloneNewIpc | kCloneSysvsem)) return Errno::Inval;
  // Threads share their process's pid and namespaces; the kernel makes them without libns.
  if (flags & kCloneThread) return Errno::Inval;
  if (find_process(child_koid)) return Errno::Exist;

  Cred cred = parent->cred_;
  UserNamespace* new_user = nullptr;
  if (flags & kCloneNewUser) {
    new_user = NS_TRY(new_user_ns(*parent, cred));
    // Held until the child owns it: releasing a half-built set may otherwise free it under us.
    new_user->get_holder();
    cred = full_caps_in(cred, new_user);
  }
  auto drop_user = [&] { if (new_user) put_holder(new_user); };
  NsSet* set = parent->nsset_;
  bool own_set = false;
  uint64_t nsf = flags & kCloneNsFlags & ~kCloneNewUser;
  if (nsf || set->time() != set->time_for_children()) {
    if (nsf && !ns_capable(cred, *cred.user_ns, Cap::SysAdmin)) { drop_user(); return Errno::Perm; }
    auto s = copy_nsset(*parent, nsf, cred);
    if (!s.ok()) { drop_user(); return s.error(); }
    set = s.value();
    own_set = true;
    // timens_on_fork: the child runs in its parent's time_for_children.
    set->at(NsSlot::Time) = set->at(NsSlot::TimeForChildren);
  }
  PidNamespace* pidns = set->pid_for_children();
  Process* c = alloc_.make<Process>();
  auto rec = c ? pidns->alloc_record(child_koid) : Result<PidRecord*>(Errno::NoMem);
  Status ins = rec.ok() ? procs_.insert(raw(child_koid), c) : Status(rec.error());
  if (!ins.ok()) {
    if (rec.ok()) { pidns->release_numbers(rec.value()); pidns->free_record(rec.value()); }
    alloc_.destroy(c);
    if (own_set) release_unattached_set(set);
    drop_user();
    return ins.error();
  }
  pidns->get_member();   // the record's reference to its namespace
  c->koid_ = child_koid;
  c->pid_ = rec.value();
  rec.value()->task_ = c;
  set_user_ns(c, cred);
  Process* real_parent = (flags & kCloneParent) && parent->parent_ ? parent->parent_ : parent;
  link_child(real_parent, c);
  set_session(c, parent->session_);
  set_pgrp(c, parent->pgrp_);
  attach_set(c, set);
  set->time()->freeze();   // a process has entered: its offsets are fixed
  if (flags & kCloneNewNs) {
    // The child's root and cwd are the copies of its parent's (copy_mnt_ns).
    MountPath r{parent->root_.mnt ? MntNamespace::copy_of(parent->root_.mnt) : nullptr, parent->root_.dentry};
    MountPath w{parent->cwd_.mnt ? MntNamespace::copy_of(parent->cwd_.mnt) : nullptr, parent->cwd_.dentry};
    set_fs(c, r, w);
  } else {
    set_fs(c, parent->root_, parent->cwd_);
  }
  c->cgroup_ = parent->cgroup_;
  c->handled_ = parent->handled_;
  drop_user();
  if (c->pid_->nr_in(*pidns) == 1) pidns->set_child_reaper(child_koid);
  return c;
}

Status Registry::unshare(Koid koid, uint64_t flags) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  constexpr uint64_t kAllowed = kCloneNsFlags | kCloneFs | kCloneFiles | kCloneSysvsem | kCloneThread |
                                kCloneSighand | kCloneVm;
  if (flags & ~kAllowed) return Errno::Inval;
  Cred cred = p->cred_;
  UserNamespace* new_user = nullptr;
  if (flags & kCloneNewUser) {
    new_user = NS_TRY(new_user_ns(*p, cred));
    new_user->get_holder();   // as in clone
    cred = full_caps_in(cred, new_user);
  }
  auto drop_user = [&] { if (new_user) put_holder(new_user); };
  uint64_t nsf = flags & kCloneNsFlags & ~kCloneNewUser;
  NsSet* set = nullptr;
  if (nsf) {
    if (!ns_capable(cred, *cred.user_ns, Cap::SysAdmin)) { drop_user(); return Errno::Perm; }
    auto s = copy_nsset(*p, nsf, cred);
    if (!s.ok()) { drop_user(); return s.error(); }
    set = s.value();
  }
  if (new_user) set_user_ns(p, cred);
  if (set) {
    MountPath root = p->root_, cwd = p->cwd_;
    if (flags & kCloneNewNs) {
      root.mnt = root.mnt ? MntNamespace::copy_of(root.mnt) : nullptr;
      cwd.mnt = cwd.mnt ? MntNamespace::copy_of(cwd.mnt) : nullptr;
    }
    set_fs(p, root, cwd);
    swap_set(p, set);
  }
  drop_user();
  return {};
}

Status Registry::setns(Koid koid, const NsHandle& handle, uint64_t nstype) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  Namespace& n = *handle.ns_;
  if (nstype != 0 && nstype != clone_flag(n.type())) return Errno::Inval;
  const Cred& cred = p->cred_;
  if (n.type() == NsType::User) {
    auto& u = static_cast<UserNamespace&>(n);
    if (&u == cred.user_ns) return Errno::Inval;   // reentering one's own user namespace
    if (!ns_capable(cred, u, Cap::SysAdmin)) return Errno::Perm;
    set_user_ns(p, full_caps_in(cred, &u));
    return {};
  }
  // Every other type: CAP_SYS_ADMIN over the target and in the caller's own user namespace.
  if (!capable_over(*p, n, Cap::SysAdmin) || !ns_capable(cred, *cred.user_ns, Cap::SysAdmin)) return Errno::Perm;
  if (n.type() == NsType::Mnt && !ns_capable(cred, *cred.user_ns, Cap::SysChroot)) return Errno::Perm;
  if (n.type() == NsType::Pid && !n.is_same_or_descendant_of(*p->active_pid_ns())) return Errno::Inval;
  NsSet* set = NS_TRY(clone_set(*p->nsset_));
  switch (n.type()) {
    case NsType::Mnt: set->at(NsSlot::Mnt) = &n; break;
    case NsType::Uts: set->at(NsSlot::Uts) = &n; break;
    case NsType::Ipc: set->at(NsSlot::Ipc) = &n; break;
    case NsType::Net: set->at(NsSlot::Net) = &n; break;
    case NsType::Cgroup: set->at(NsSlot::Cgroup) = &n; break;
    case NsType::Pid: set->at(NsSlot::PidForChildren) = &n; break;
    case NsType::Time:
      set->at(NsSlot::Time) = set->at(NsSlot::TimeForChildren) = &n;
      static_cast<TimeNamespace&>(n).freeze();
      break;
    case NsType::User: break;
  }
  if (n.type() == NsType::Mnt) {
    MountPath r = static_cast<MntNamespace&>(n).root_path();
    set_fs(p, r, r);   // mntns_install: root and cwd become the namespace's root
  }
  swap_set(p, set);
  return {};
}

}  // namespace ns
