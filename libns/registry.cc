// libns/registry.cc: the process-level rules. Each function cites the man page rule it follows;
// docs/NAMESPACES.md maps the rules to their tests.
#include "libns/registry.h"

namespace ns {
namespace {

// Signals whose default action is to be ignored or to stop (signal(7)); all others terminate.
bool default_ignored(int sig) { return sig == kSigChld || sig == 18 || sig == 23 || sig == 28; }
bool default_stops(int sig) { return sig >= 19 && sig <= 22; }

}  // namespace

Registry::Registry(Allocator& alloc, KoidSource* koids, const RegistryConfig& config)
    : alloc_(alloc), koids_(koids ? *koids : default_koids_), config_(config), mounts_(alloc),
      index_(alloc), procs_(alloc), open_pidrefs_(alloc), open_handles_(alloc) {
  if (config_.pid_max > kPidMaxLimit) config_.pid_max = kPidMaxLimit;
  if (config_.pid_max < kReservedPids + 1) config_.pid_max = kReservedPids + 1;   // Linux's pid_max_min
  mounts_.set_max_per_ns(config_.mount_max);
}

Registry::~Registry() {
  // Processes first (their references are simply dropped), then pid records, handles, sets and
  // finally every namespace; nothing is counted down because everything goes.
  procs_.for_each([&](uint64_t, Process* p) {
    if (NsSet* set = p->nsset_; set && --set->users == 0) alloc_.destroy(set);
    alloc_.destroy(p);
  });
  if (root_set_) alloc_.destroy(root_set_);   // never reaches zero: the Registry's own reference
  if (root_pid_) {
    root_pid_->for_each_record([&](PidRecord* r) {
      root_pid_->release_numbers(r);
      if (PidNamespace::put_ref(r)) root_pid_->free_record(r);
    });
  }
  for (PidRef* r : open_pidrefs_) {
    if (PidNamespace::put_ref(r->rec_)) root_pid_->free_record(r->rec_);
    alloc_.destroy(r);
  }
  for (NsHandle* h : open_handles_) alloc_.destroy(h);
  // Children before parents, so a pid namespace never outlives the root that owns the index.
  for (;;) {
    Namespace* deepest = nullptr;
    index_.for_each([&](uint64_t, Namespace* n) {
      if (!deepest || n->level() > deepest->level() ||
          (n->level() == deepest->level() && deepest->type() == NsType::User && n->type() != NsType::User))
        deepest = n;
    });
    if (!deepest) break;
    index_.erase(raw(deepest->koid()));
    switch (deepest->type()) {
      case NsType::Mnt: alloc_.destroy(static_cast<MntNamespace*>(deepest)); break;
      case NsType::Uts: alloc_.destroy(static_cast<UtsNamespace*>(deepest)); break;
      case NsType::Ipc: alloc_.destroy(static_cast<IpcNamespace*>(deepest)); break;
      case NsType::Pid: alloc_.destroy(static_cast<PidNamespace*>(deepest)); break;
      case NsType::Net: alloc_.destroy(static_cast<NetNamespace*>(deepest)); break;
      case NsType::User: {
        auto* u = static_cast<UserNamespace*>(deepest);
        u->free_maps(alloc_);
        alloc_.destroy(u);
        break;
      }
      case NsType::Cgroup: alloc_.destroy(static_cast<CgroupNamespace*>(deepest)); break;
      case NsType::Time: alloc_.destroy(static_cast<TimeNamespace*>(deepest)); break;
    }
  }
}

// ---- namespace bookkeeping ------------------------------------------------------------------

void Registry::register_ns(Namespace* n) {
  if (n->owner()) n->owner()->get_dependent();
  if (n->parent() && n->parent() != n->owner()) n->parent()->get_dependent();
  if (n->type() == NsType::User) ++user_ns_count_;
}

void Registry::maybe_destroy(Namespace* n) {
  if (n && n->unused()) destroy_ns(n);
}

void Registry::destroy_ns(Namespace* n) {
  index_.erase(raw(n->koid()));
  UserNamespace* owner = n->owner();
  Namespace* parent = n->parent() != owner ? n->parent() : nullptr;
  switch (n->type()) {
    case NsType::Mnt: alloc_.destroy(static_cast<MntNamespace*>(n)); break;
    case NsType::Uts: alloc_.destroy(static_cast<UtsNamespace*>(n)); break;
    case NsType::Ipc: alloc_.destroy(static_cast<IpcNamespace*>(n)); break;
    case NsType::Pid: alloc_.destroy(static_cast<PidNamespace*>(n)); break;
    case NsType::Net: alloc_.destroy(static_cast<NetNamespace*>(n)); break;
    case NsType::User: {
      auto* u = static_cast<UserNamespace*>(n);
      u->free_maps(alloc_);
      alloc_.destroy(u);
      --user_ns_count_;
      break;
    }
    case NsType::Cgroup: alloc_.destroy(static_cast<CgroupNamespace*>(n)); break;
    case NsType::Time: alloc_.destroy(static_cast<TimeNamespace*>(n)); break;
  }
  if (parent) put_dependent(parent);
  if (owner) put_dependent(owner);
}

Status Registry::init(Filesystem* root_fs) {
  if (root_user_) return Errno::Busy;
  root_user_ = NS_TRY(create_ns<UserNamespace>(koids_.next()));
  root_pid_ = NS_TRY(create_ns<PidNamespace>(alloc_, koids_.next(), root_user_, config_.pid_max));
  auto* uts = NS_TRY(create_ns<UtsNamespace>(koids_.next(), root_user_, config_.sysname, config_.release,
                                             config_.version, config_.machine));
  auto* ipc = NS_TRY(create_ns<IpcNamespace>(alloc_, koids_.next(), root_user_, kInvalidKoid, 0u, config_.ipc));
  auto* mnt = NS_TRY(create_ns<MntNamespace>(mounts_, koids_.next(), root_user_, kInvalidKoid, 0u));
  if (root_fs) NS_TRY_STATUS(mnt->init_root(*root_fs, "rootfs", "rootfs"));
  auto* net = NS_TRY(create_ns<NetNamespace>(alloc_, koids_.next(), root_user_, kInvalidKoid, 0u));
  NS_TRY_STATUS(net->init());
  auto* cg = NS_TRY(create_ns<CgroupNamespace>(koids_.next(), root_user_));
  auto* time = NS_TRY(create_ns<TimeNamespace>(koids_.next(), root_user_));
  root_set_ = alloc_.make<NsSet>();
  if (!root_set_) return Errno::NoMem;
  root_set_->at(NsSlot::Mnt) = mnt;
  root_set_->at(NsSlot::Uts) = uts;
  root_set_->at(NsSlot::Ipc) = ipc;
  root_set_->at(NsSlot::Net) = net;
  root_set_->at(NsSlot::Cgroup) = cg;
  root_set_->at(NsSlot::PidForChildren) = root_pid_;
  root_set_->at(NsSlot::Time) = time;
  root_set_->at(NsSlot::TimeForChildren) = time;
  // The initial namespaces live as long as the Registry: it holds each of them.
  for (Namespace* n : root_set_->slot) n->get_holder();
  root_user_->get_holder();
  root_set_->users = 1;   // the Registry's own reference; never dropped
  return {};
}

Result<PidNamespace*> Registry::new_pid_ns(PidNamespace& parent) {
  if (parent.level() + 1 > kMaxPidNsLevel) return Errno::NoSpc;
  return create_ns<PidNamespace>(alloc_, koids_.next(), parent.owner(), parent);
}

// ---- sets, credentials, filesystem references -----------------------------------------------

Result<NsSet*> Registry::clone_set(const NsSet& from) {
  NsSet* s = alloc_.make<NsSet>();
  if (!s) return Errno::NoMem;
  for (size_t i = 0; i < kNsSlotCount; ++i) s->slot[i] = from.slot[i];
  return s;
}

void Registry::release_unattached_set(NsSet* set) {
  Namespace* slots[kNsSlotCount];
  for (size_t i = 0; i < kNsSlotCount; ++i) slots[i] = set->slot[i];
  alloc_.destroy(set);
  for (size_t i = 0; i < kNsSlotCount; ++i) {
    bool dup = false;
    for (size_t j = 0; j < i; ++j) dup |= slots[j] == slots[i];
    if (!dup) maybe_destroy(slots[i]);
  }
}

void Registry::attach_set(Process* p, NsSet* set) {
  ++set->users;
  for (Namespace* n : set->slot) n->get_member();
  p->nsset_ = set;
}

void Registry::detach_set(Process* p) {
  NsSet* set = p->nsset_;
  if (!set) return;
  p->nsset_ = nullptr;
  Namespace* slots[kNsSlotCount];
  for (size_t i = 0; i < kNsSlotCount; ++i) slots[i] = set->slot[i];
  if (--set->users == 0) alloc_.destroy(set);
  for (Namespace* n : slots) put_member(n);
}

void Registry::swap_set(Process* p, NsSet* set) {
  NsSet* old = p->nsset_;
  p->nsset_ = nullptr;
  attach_set(p, set);
  NsSet* now = p->nsset_;
  p->nsset_ = old;
  detach_set(p);
  p->nsset_ = now;
}

void Registry::set_user_ns(Process* p, const Cred& cred) {
  UserNamespace* old = p->cred_.user_ns;
  cred.user_ns->get_member();
  p->cred_ = cred;
  if (old) put_member(old);
}

Cred Registry::full_caps_in(const Cred& from, UserNamespace* ns) {
  // Linux's set_cred_user_ns: everything in the new namespace, nothing inheritable or ambient.
  Cred c = from;
  c.user_ns = ns;
  c.inheritable = 0;
  c.permitted = c.effective = c.bounding = kCapAll;
  c.ambient = 0;
  return c;
}

void Registry::set_fs(Process* p, MountPath root, MountPath cwd) {
  if (root.mnt) ++root.mnt->users;
  if (cwd.mnt) ++cwd.mnt->users;
  drop_fs(p);
  p->root_ = root;
  p->cwd_ = cwd;
}

void Registry::drop_fs(Process* p) {
  if (p->root_.mnt) --p->root_.mnt->users;
  if (p->cwd_.mnt) --p->cwd_.mnt->users;
  p->root_ = p->cwd_ = MountPath{};
}

bool Registry::capable_over(const Process& p, const Namespace& n, Cap cap) const {
  const UserNamespace* owner = n.type() == NsType::User ? static_cast<const UserNamespace*>(&n) : n.owner();
  return ns_capable(p.cred_, *owner, cap);
}

bool Registry::has_capability(Koid process, const Namespace& n, Cap cap) const {
  Process* p = find_process(process);
  return p && capable_over(*p, n, cap);
}

// ---- lookups -------------------------------------------------------------------------------------

Process* Registry::find_process(Koid koid) const {
  Process* const* p = procs_.find(raw(koid));
  return p ? *p : nullptr;
}

Process* Registry::live(Koid koid) const {
  Process* p = find_process(koid);
  return p && p->running() ? p : nullptr;
}

Namespace* Registry::find_ns(Koid koid) const {
  Namespace* const* n = index_.find(raw(koid));
  return n ? *n : nullptr;
}

Process* Registry::visible(const Process& caller, Pid pid) const {
  PidRecord* r = caller.active_pid_ns()->record_of(pid);
  return r ? static_cast<Process*>(r->task()) : nullptr;
}

Namespace* Registry::ns_of(Koid process, NsType type, Which which) const {
  Process* p = find_process(process);
  if (!p) return nullptr;
  if (type == NsType::User) return p->cred_.user_ns;
  if (type == NsType::Pid && which == Which::Active) return p->active_pid_ns();
  if (!p->nsset_) return nullptr;
  switch (type) {
    case NsType::Mnt: return p->nsset_->at(NsSlot::Mnt);
    case NsType::Uts: return p->nsset_->at(NsSlot::Uts);
    case NsType::Ipc: return p->nsset_->at(NsSlot::Ipc);
    case NsType::Net: return p->nsset_->at(NsSlot::Net);
    case NsType::Cgroup: return p->nsset_->at(NsSlot::Cgroup);
    case NsType::Pid: return p->nsset_->at(NsSlot::PidForChildren);
    case NsType::Time:
      return p->nsset_->at(which == Which::Active ? NsSlot::Time : NsSlot::TimeForChildren);
    case NsType::User: break;
  }
  return nullptr;
}

// ---- pid records ---------------------------------------------------------------------------------

void Registry::put_pid_ref(PidRecord* r) {
  PidNamespace* active = r->active_ns();
  if (PidNamespace::put_ref(r)) {
    active->free_record(r);
    put_member(active);
  }
}

void Registry::put_pid_use(PidRecord* r) {
  if (r->numbers_live() && r->koid() == kInvalidKoid && r->pgrp_users() == 0 && r->session_users() == 0) {
    r->active_ns()->release_numbers(r);
    put_pid_ref(r);
  }
}

void Registry::set_pgrp(Process* p, PidRecord* g) {
  PidRecord* old = p->pgrp_;
  if (old == g) return;
  if (g && g->pgrp_users_++ == 0) g->group_session_ = p->session_;
  p->pgrp_ = g;
  if (old) { --old->pgrp_users_; put_pid_use(old); }
}

void Registry::set_session(Process* p, PidRecord* s) {
  PidRecord* old = p->session_;
  if (old == s) return;
  if (s) ++s->session_users_;
  p->session_ = s;
  if (old) { --old->session_users_; put_pid_use(old); }
}

void Registry::link_child(Process* parent, Process* child) {
  child->parent_ = parent;
  child->prev_sibling_ = nullptr;
  child->next_sibling_ = parent->first_child_;
  if (parent->first_child_) parent->first_child_->prev_sibling_ = child;
  parent->first_child_ = child;
}

void Registry::unlink_child(Process* child) {
  Process* parent = child->parent_;
  if (!parent) return;
  if (child->prev_sibling_) child->prev_sibling_->next_sibling_ = child->next_sibling_;
  else parent->first_child_ = child->next_sibling_;
  if (child->next_sibling_) child->next_sibling_->prev_sibling_ = child->prev_sibling_;
  child->parent_ = child->next_sibling_ = child->prev_sibling_ = nullptr;
}

// ---- creating processes and namespaces --------------------------------------------------------

Result<Process*> Registry::create_init(Koid koid) {
  if (!root_set_) return Errno::Inval;
  if (root_pid_->ever_had_init()) return Errno::Exist;
  PidRecord* rec = NS_TRY(root_pid_->alloc_record(koid));
  Process* p = alloc_.make<Process>();
  if (!p || !procs_.insert(raw(koid), p).ok()) {
    alloc_.destroy(p);
    root_pid_->release_numbers(rec);
    root_pid_->free_record(rec);
    return Errno::NoMem;
  }
  root_pid_->get_member();
  p->koid_ = koid;
  p->pid_ = rec;
  rec->task_ = p;
  set_session(p, rec);
  set_pgrp(p, rec);
  Cred cred;
  cred.user_ns = root_user_;
  set_user_ns(p, cred);
  attach_set(p, root_set_);
  MountPath r = root_set_->mnt()->root_path();
  set_fs(p, r, r);
  root_pid_->set_child_reaper(koid);
  return p;
}

// ---- exit, reaping, reparenting ---------------------------------------------------------------

Process* Registry::find_new_reaper(Process* father) const {
  PidNamespace* ns = father->active_pid_ns();
  Process* init = find_process(ns->child_reaper());
  // PR_SET_CHILD_SUBREAPER: the nearest running ancestor marked as subreaper, within the same
  // pid namespace (same level), before the namespace's init.
  for (Process* r = father->parent_; r && r != init && r->pid_->level() == father->pid_->level(); r = r->parent_)
    if (r->subreaper_ && r->running()) return r;
  return init;
}

void Registry::do_exit(Process* p, int code) {
  if (!p->running()) return;
  p->state_ = Process::State::Zombie;
  p->exit_code_ = code;
  PidNamespace* ns = p->active_pid_ns();
  bool is_init = ns->child_reaper() == p->koid_;
  if (is_init) {
    // pid_namespaces(7): init's death kills every process in the namespace and below it, and
    // no process may join afterwards (zap_pid_ns_processes).
    ns->stop_accepting();
    ns->for_each_record([&](PidRecord* r) {
      auto* q = static_cast<Process*>(r->task());
      if (q && q != p && q->running()) do_exit(q, kSigKill);
    });
  }
  Process* reaper = is_init ? p : find_new_reaper(p);
  while (Process* c = p->first_child_) {
    if (!reaper || reaper == p) break;
    unlink_child(c);
    link_child(reaper, c);
  }
  if (is_init) {
    // The dying init reaps all its children itself before it goes (zap_pid_ns_processes waits).
    while (Process* c = p->first_child_) {
      if (c->running()) break;   // cannot happen: all were killed above
      reap(c);
    }
  }
  drop_fs(p);       // before the set: the mounts die with the last member of their namespace
  detach_set(p);
  p->handled_ = p->pending_ = 0;
}

void Registry::reap(Process* c) {
  unlink_child(c);
  PidRecord* r = c->pid_;
  PidNamespace::get_ref(r);   // keep the record while its uses are dropped one by one
  r->active_ns()->detach_koid(r);
  procs_.erase(raw(c->koid_));
  set_pgrp(c, nullptr);
  set_session(c, nullptr);
  put_pid_use(r);
  put_pid_ref(r);
  UserNamespace* u = c->cred_.user_ns;
  alloc_.destroy(c);
  put_member(u);
}

Status Registry::exit(Koid koid, int code) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  do_exit(p, code);
  return {};
}

Result<Pid> Registry::wait(Koid parent, Pid pid) {
  Process* p = live(parent);
  if (!p) return Errno::Srch;
  PidNamespace& ns = *p->active_pid_ns();
  PidRecord* group = nullptr;
  if (pid == INT32_MIN) return Errno::Child;
  if (pid < -1) {
    group = ns.record_of(-pid);
    if (!group) return Errno::Child;
  }
  bool any = false;
  for (Process* c = p->first_child_; c; c = c->next_sibling_) {
    if (pid > 0 && c->pid_->nr_in(ns) != pid) continue;
    if (pid == 0 && c->pgrp_ != p->pgrp_) continue;
    if (pid < -1 && c->pgrp_ != group) continue;
    any = true;
    if (!c->running()) {
      Pid nr = c->pid_->nr_in(ns);
      reap(c);
      return nr;
    }
  }
  if (!any) return Errno::Child;
  return 0;
}

Status Registry::exec(Koid koid) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  p->did_exec_ = true;
  p->handled_ = 0;   // handlers are reset by execve
  // capabilities(7), a file without capabilities: root (real or effective uid 0 in the
  // process's namespace) gets a full notional file set; the effective set follows euid 0.
  Cred& c = p->cred_;
  Uid root_k = c.user_ns->make_kuid(0);
  bool ruid0 = root_k != kInvalidId && c.uid == root_k;
  bool euid0 = root_k != kInvalidId && c.euid == root_k;
  CapSet file = (ruid0 || euid0) ? kCapAll : 0;
  c.ambient &= c.permitted & c.inheritable;
  CapSet permitted = (c.inheritable & file) | (file & c.bounding) | c.ambient;
  c.permitted = permitted;
  c.effective = euid0 ? permitted : c.ambient;
  return {};
}

// ---- pids, groups, sessions ---------------------------------------------------------------------

Result<Pid> Registry::getpid(Koid koid) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  return p->pid_->nr_in(*p->active_pid_ns());
}

Result<Pid> Registry::getppid(Koid koid) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  return p->parent_ ? p->parent_->pid_->nr_in(*p->active_pid_ns()) : 0;
}

Result<Koid> Registry::find_pid(Koid caller, Pid pid) const {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  Process* t = visible(*c, pid);
  if (!t) return Errno::Srch;
  return t->koid_;
}

Result<Pid> Registry::translate(Pid pid, const PidNamespace& from, const PidNamespace& to) {
  return to.translate_from(pid, from);
}

Result<Pid> Registry::getpgid(Koid caller, Pid pid) const {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  Process* t = pid == 0 ? c : visible(*c, pid);
  if (!t || pid < 0) return Errno::Srch;
  return t->pgrp_ ? t->pgrp_->nr_in(*c->active_pid_ns()) : 0;
}

Result<Pid> Registry::getsid(Koid caller, Pid pid) const {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  Process* t = pid == 0 ? c : visible(*c, pid);
  if (!t || pid < 0) return Errno::Srch;
  return t->session_ ? t->session_->nr_in(*c->active_pid_ns()) : 0;
}

Status Registry::setpgid(Koid caller, Pid pid, Pid pgid) {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  if (pgid < 0) return Errno::Inval;
  PidNamespace& ns = *c->active_pid_ns();
  Process* t = pid == 0 ? c : visible(*c, pid);
  if (!t || pid < 0) return Errno::Srch;
  if (pgid == 0) pgid = t->pid_->nr_in(ns);
  // setpgid(2): the caller itself or one of its children, which must not have exec'd and must
  // be in the caller's session; never a session leader; the group must exist in the caller's session.
  if (t != c) {
    if (t->parent_ != c) return Errno::Srch;
    if (t->did_exec_) return Errno::Acces;
    if (t->session_ != c->session_) return Errno::Perm;
  }
  if (t->session_ == t->pid_) return Errno::Perm;
  PidRecord* g = t->pid_;
  if (pgid != t->pid_->nr_in(ns)) {
    g = ns.record_of(pgid);
    if (!g || g->pgrp_users() == 0 || g->group_session() != c->session_) return Errno::Perm;
  }
  set_pgrp(t, g);
  return {};
}

Result<Pid> Registry::setsid(Koid caller) {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  if (c->pid_->pgrp_users() > 0) return Errno::Perm;   // already a process-group leader
  set_session(c, c->pid_);
  set_pgrp(c, c->pid_);
  return c->pid_->nr_in(*c->active_pid_ns());
}

Status Registry::set_child_subreaper(Koid koid, bool on) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  p->subreaper_ = on;
  return {};
}

// ---- signals ---------------------------------------------------------------------------------------

Status Registry::set_signal_handled(Koid koid, int sig, bool handled) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (sig < 1 || sig > kSigMax || sig == kSigKill || sig == kSigStop) return Errno::Inval;
  if (handled) p->handled_ |= uint64_t{1} << sig % 64;
  else p->handled_ &= ~(uint64_t{1} << sig % 64);
  return {};
}

Status Registry::deliver(Process& sender, Process& target, int sig) {
  const Cred& s = sender.cred_;
  const Cred& t = target.cred_;
  bool ids_ok = s.euid == t.suid || s.euid == t.uid || s.uid == t.suid || s.uid == t.uid;
  if (!ids_ok && !ns_capable(s, *t.user_ns, Cap::Kill)) return Errno::Perm;
  if (sig == 0 || !target.running()) return {};
  PidNamespace& tns = *target.active_pid_ns();
  if (tns.child_reaper() == target.koid_) {
    // pid_namespaces(7): init gets only the signals it has a handler for, from inside its
    // namespace or from an ancestor; SIGKILL and SIGSTOP from an ancestor are forced.
    bool from_inside = sender.pid_->nr_in(tns) != 0;
    bool forced = !from_inside && (sig == kSigKill || sig == kSigStop);
    if (!forced && !target.signal_handled(sig)) return {};
  }
  if (sig == kSigKill) { do_exit(&target, kSigKill); return {}; }
  if (target.signal_handled(sig) || default_stops(sig)) {
    target.pending_ |= uint64_t{1} << sig % 64;
    return {};
  }
  if (default_ignored(sig)) return {};
  do_exit(&target, sig);
  return {};
}

Status Registry::kill(Koid sender, Pid pid, int sig) {
  Process* s = live(sender);
  if (!s) return Errno::Srch;
  if (sig < 0 || sig > kSigMax) return Errno::Inval;
  PidNamespace& ns = *s->active_pid_ns();
  if (pid == INT32_MIN) return Errno::Srch;   // -pid would overflow; Linux answers ESRCH
  if (pid > 0) {
    Process* t = visible(*s, pid);
    if (!t) return Errno::Srch;
    return deliver(*s, *t, sig);
  }
  PidRecord* group = nullptr;
  if (pid == 0) group = s->pgrp_;
  if (pid < -1) {
    group = ns.record_of(-pid);
    if (!group) return Errno::Srch;
  }
  bool matched = false, delivered = false;
  Errno last = Errno::Srch;
  PidNamespace::get_ref(s->pid_);
  ns.for_each_record([&](PidRecord* r) {
    auto* q = static_cast<Process*>(r->task());
    if (!q || !q->running()) return;
    if (pid == -1 ? (q == s || r->nr_in(ns) <= 1) : q->pgrp_ != group) return;
    matched = true;
    Status st = deliver(*s, *q, sig);
    if (st.ok()) delivered = true; else last = st.error();
  });
  put_pid_ref(s->pid_);
  if (!matched) return Errno::Srch;
  return delivered ? Status() : Status(last);
}

// ---- pidfds -----------------------------------------------------------------------------------------

Result<PidRef*> Registry::pidfd_open(Koid caller, Pid pid) {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  if (pid <= 0) return Errno::Inval;
  Process* t = visible(*c, pid);
  if (!t) return Errno::Srch;
  PidRef* ref = alloc_.make<PidRef>();
  if (!ref) return Errno::NoMem;
  if (!open_pidrefs_.push_back(ref).ok()) { alloc_.destroy(ref); return Errno::NoMem; }
  ref->rec_ = t->pid_;
  PidNamespace::get_ref(ref->rec_);
  ++pidrefs_;
  return ref;
}

Result<Koid> Registry::pidfd_process(const PidRef& ref) const {
  if (ref.rec_->koid() == kInvalidKoid) return Errno::Srch;
  return ref.rec_->koid();
}

Result<Pid> Registry::pidfd_pid(Koid caller, const PidRef& ref) const {
  Process* c = live(caller);
  if (!c) return Errno::Srch;
  if (ref.rec_->koid() == kInvalidKoid) return Errno::Srch;
  return ref.rec_->nr_in(*c->active_pid_ns());
}

Status Registry::pidfd_send_signal(Koid sender, const PidRef& ref, int sig) {
  Process* s = live(sender);
  if (!s) return Errno::Srch;
  if (sig < 0 || sig > kSigMax) return Errno::Inval;
  if (ref.rec_->koid() == kInvalidKoid) return Errno::Srch;
  // The pidfd must name a process of the caller's namespace or below (access_pidfd_pidns).
  if (!ref.rec_->active_ns()->is_same_or_descendant_of(*s->active_pid_ns())) return Errno::Inval;
  return deliver(*s, *static_cast<Process*>(ref.rec_->task()), sig);
}

void Registry::pidfd_close(PidRef* ref) {
  if (!ref) return;
  open_pidrefs_.erase_value(ref);
  --pidrefs_;
  put_pid_ref(ref->rec_);
  alloc_.destroy(ref);
}

// ---- handles ------------------------------------------------------------------------------------------

Result<NsHandle*> Registry::hold(Namespace& n) {
  NsHandle* h = alloc_.make<NsHandle>();
  if (!h) return Errno::NoMem;
  if (!open_handles_.push_back(h).ok()) { alloc_.destroy(h); return Errno::NoMem; }
  h->ns_ = &n;
  n.get_holder();
  ++handles_;
  return h;
}

Result<NsHandle*> Registry::open_ns(Koid process, NsType type, Which which) {
  if (!live(process)) return Errno::Srch;
  Namespace* n = ns_of(process, type, which);
  if (!n) return Errno::Srch;
  return hold(*n);
}

void Registry::close(NsHandle* h) {
  if (!h) return;
  open_handles_.erase_value(h);
  --handles_;
  Namespace* n = h->ns_;
  alloc_.destroy(h);
  put_holder(n);
}

// ---- user namespaces and credentials ---------------------------------------------------------------

Status Registry::write_map(Koid writer, Koid target, bool gid, const IdExtent* extents, uint32_t count) {
  Process* w = live(writer);
  Process* t = live(target);
  if (!w || !t) return Errno::Srch;
  UserNamespace* ns = t->cred_.user_ns;
  if (ns->is_root()) return Errno::Perm;
  if ((gid ? ns->gid_map() : ns->uid_map()).written()) return Errno::Perm;
  UserNamespace* wns = w->cred_.user_ns;
  if (wns != ns && wns != ns->parent_ns()) return Errno::Perm;
  Cap cap = gid ? Cap::Setgid : Cap::Setuid;
  if (!ns_capable(w->cred_, *ns, cap)) return Errno::Perm;
  // The lines are parsed before permission is decided (EINVAL before EPERM, as map_write does).
  if (count == 0 || count > kMaxIdExtents) return Errno::Inval;
  for (uint32_t i = 0; i < count; ++i) {
    if (extents[i].count == 0) return Errno::Inval;
    if (uint64_t{extents[i].inside} + extents[i].count > 0xffffffffull) return Errno::Inval;
    if (uint64_t{extents[i].outside} + extents[i].count > 0xffffffffull) return Errno::Inval;
    for (uint32_t j = 0; j < i; ++j) {
      const IdExtent& e = extents[i];
      const IdExtent& f = extents[j];
      if ((e.inside < f.inside + f.count && f.inside < e.inside + e.count) ||
          (e.outside < f.outside + f.count && f.outside < e.outside + e.count))
        return Errno::Inval;
    }
  }
  // new_idmap_permitted: the owner may map its own euid (egid, once setgroups is denied) with a
  // single one-id line; anything else needs the capability in the parent namespace.
  UserNamespace* parent = ns->parent_ns();
  bool permitted = false;
  if (count == 1 && extents[0].count == 1 && ns->owner_kuid() == w->cred_.euid) {
    if (!gid) permitted = parent->make_kuid(extents[0].outside) == w->cred_.euid;
    else permitted = parent->make_kgid(extents[0].outside) == w->cred_.egid && !ns->setgroups_allowed();
  }
  if (!permitted && ns_capable(w->cred_, *parent, cap)) permitted = true;
  if (!permitted) return Errno::Perm;
  return ns->store_map(alloc_, gid, extents, count);
}

Status Registry::write_uid_map(Koid writer, Koid target, const IdExtent* extents, uint32_t count) {
  return write_map(writer, target, false, extents, count);
}

Status Registry::write_gid_map(Koid writer, Koid target, const IdExtent* extents, uint32_t count) {
  return write_map(writer, target, true, extents, count);
}

Status Registry::write_setgroups(Koid writer, Koid target, bool allow) {
  Process* w = live(writer);
  Process* t = live(target);
  if (!w || !t) return Errno::Srch;
  UserNamespace* ns = t->cred_.user_ns;
  if (!ns_capable(w->cred_, *ns, Cap::SysAdmin)) return Errno::Perm;
  if (allow) return ns->setgroups_allowed() ? Status() : Status(Errno::Perm);
  if (ns->gid_map().written() && ns->gid_map().size() != 0) return Errno::Perm;
  if (ns->is_root()) return Errno::Perm;   // the initial gid_map is always written
  ns->deny_setgroups();
  return {};
}

Status Registry::setgroups(Koid koid, const Gid* groups, uint32_t count) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (count > kMaxGroups) return Errno::Inval;
  UserNamespace* ns = p->cred_.user_ns;
  if (!ns_capable(p->cred_, *ns, Cap::Setgid)) return Errno::Perm;
  if (!ns->gid_map().written() || !ns->setgroups_allowed()) return Errno::Perm;
  Gid k[kMaxGroups];
  for (uint32_t i = 0; i < count; ++i) {
    k[i] = ns->make_kgid(groups[i]);
    if (k[i] == kInvalidId) return Errno::Inval;
  }
  for (uint32_t i = 0; i < count; ++i) p->cred_.groups[i] = k[i];
  p->cred_.ngroups = count;
  return {};
}

Status Registry::setuid(Koid koid, Uid uid) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  Cred& c = p->cred_;
  Uid k = c.user_ns->make_kuid(uid);
  if (k == kInvalidId) return Errno::Inval;
  Cred old = c;
  if (ns_capable(c, *c.user_ns, Cap::Setuid)) c.uid = c.euid = c.suid = c.fsuid = k;
  else if (k == c.uid || k == c.suid) c.euid = c.fsuid = k;
  else return Errno::Perm;
  // capabilities(7) "Effect of user ID changes on capabilities" (no SECBIT_KEEP_CAPS).
  Uid root_k = c.user_ns->make_kuid(0);
  bool had_root = old.uid == root_k || old.euid == root_k || old.suid == root_k;
  bool has_root = c.uid == root_k || c.euid == root_k || c.suid == root_k;
  if (had_root && !has_root) c.permitted = c.effective = c.ambient = 0;
  if (old.euid == root_k && c.euid != root_k) c.effective = 0;
  if (old.euid != root_k && c.euid == root_k) c.effective = c.permitted;
  return {};
}

Status Registry::setgid(Koid koid, Gid gid) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  Cred& c = p->cred_;
  Gid k = c.user_ns->make_kgid(gid);
  if (k == kInvalidId) return Errno::Inval;
  if (ns_capable(c, *c.user_ns, Cap::Setgid)) c.gid = c.egid = c.sgid = c.fsgid = k;
  else if (k == c.gid || k == c.sgid) c.egid = c.fsgid = k;
  else return Errno::Perm;
  return {};
}

Result<Registry::Ids> Registry::getids(Koid koid) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  const Cred& c = p->cred_;
  const UserNamespace& u = *c.user_ns;
  return Ids{u.from_kuid_munged(c.uid), u.from_kuid_munged(c.euid), u.from_kuid_munged(c.suid),
             u.from_kgid_munged(c.gid), u.from_kgid_munged(c.egid), u.from_kgid_munged(c.sgid)};
}

Result<Uid> Registry::uid_seen_by(Koid viewer, Koid target) const {
  Process* v = live(viewer);
  Process* t = find_process(target);
  if (!v || !t) return Errno::Srch;
  return v->cred_.user_ns->from_kuid_munged(t->cred_.uid);
}

// ---- UTS, time, cgroup -------------------------------------------------------------------------------

Result<UtsName> Registry::uname(Koid koid) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  return p->nsset_->uts()->name();
}

Status Registry::sethostname(Koid koid, const char* name, size_t len) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (!capable_over(*p, *p->nsset_->uts(), Cap::SysAdmin)) return Errno::Perm;
  return p->nsset_->uts()->set_hostname(name, len);
}

Status Registry::setdomainname(Koid koid, const char* name, size_t len) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (!capable_over(*p, *p->nsset_->uts(), Cap::SysAdmin)) return Errno::Perm;
  return p->nsset_->uts()->set_domainname(name, len);
}

Status Registry::set_time_offset(Koid writer, Koid target, int clock, int64_t sec, int64_t nsec, int64_t now_ns) {
  Process* w = live(writer);
  Process* t = live(target);
  if (!w || !t) return Errno::Srch;
  TimeNamespace* tn = t->nsset_->time_for_children();
  if (!capable_over(*w, *tn, Cap::SysTime)) return Errno::Perm;
  return tn->set_offset(clock, sec, nsec, now_ns);
}

Result<int64_t> Registry::clock_gettime(Koid koid, int clock, int64_t host_ns) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  return p->nsset_->time()->read(clock, host_ns);
}

Status Registry::set_cgroup(Koid koid, const char* path) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  p->cgroup_ = NS_TRY(CgroupPath::from(path));
  return {};
}

Result<CgroupPath> Registry::cgroup_seen_by(Koid viewer, Koid target) const {
  Process* v = live(viewer);
  Process* t = find_process(target);
  if (!v || !t) return Errno::Srch;
  return v->nsset_->cgroup()->view(t->cgroup_);
}

// ---- mounts ---------------------------------------------------------------------------------------------

Result<MountPath> Registry::resolve(Koid koid, const char* path) const {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!m->root() || !p->root_.mnt) return Errno::NoEnt;
  return m->walk(p->root_, p->cwd_, path);
}

Result<Mount*> Registry::mount(Koid koid, const char* target, Filesystem& fs, const char* source,
                               const char* fstype, uint32_t flags) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath at = NS_TRY(resolve(koid, target));
  return m->mount(at, fs, source, fstype, flags);
}

Result<Mount*> Registry::bind_mount(Koid koid, const char* source, const char* target, bool recursive) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath src = NS_TRY(resolve(koid, source));
  MountPath at = NS_TRY(resolve(koid, target));
  return m->bind(src, at, recursive);
}

Status Registry::umount(Koid koid, const char* target, bool detach) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath at = NS_TRY(resolve(koid, target));
  return m->umount(at, detach);
}

Status Registry::move_mount(Koid koid, const char* from, const char* to) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath src = NS_TRY(resolve(koid, from));
  MountPath dst = NS_TRY(resolve(koid, to));
  return m->move(src, dst);
}

Status Registry::make_mount(Koid koid, const char* target, Propagation type, bool recursive) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath at = NS_TRY(resolve(koid, target));
  return m->set_propagation(at, type, recursive);
}

Status Registry::remount(Koid koid, const char* target, uint32_t flags) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath at = NS_TRY(resolve(koid, target));
  return m->remount(at, flags);
}

Status Registry::chroot(Koid koid, const char* path) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MountPath at = NS_TRY(resolve(koid, path));
  if (!at.mnt->fs->is_dir(at.dentry)) return Errno::NotDir;
  if (!ns_capable(p->cred_, *p->cred_.user_ns, Cap::SysChroot)) return Errno::Perm;
  set_fs(p, at, p->cwd_);
  return {};
}

Status Registry::chdir(Koid koid, const char* path) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MountPath at = NS_TRY(resolve(koid, path));
  if (!at.mnt->fs->is_dir(at.dentry)) return Errno::NotDir;
  set_fs(p, p->root_, at);
  return {};
}

Status Registry::pivot_root(Koid koid, const char* new_root, const char* put_old) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  MntNamespace* m = p->nsset_->mnt();
  if (!capable_over(*p, *m, Cap::SysAdmin)) return Errno::Perm;
  MountPath nw = NS_TRY(resolve(koid, new_root));
  MountPath old = NS_TRY(resolve(koid, put_old));
  if (!nw.mnt->fs->is_dir(nw.dentry) || !old.mnt->fs->is_dir(old.dentry)) return Errno::NotDir;
  MountPath root = p->root_;
  Mount* ex_parent = nw.mnt->parent;
  if (old.mnt->group || (ex_parent && ex_parent->group)) return Errno::Inval;
  if (nw.mnt->locked) return Errno::Inval;
  if (nw.mnt == root.mnt || old.mnt == root.mnt) return Errno::Busy;
  // Our namespace root has no parent mount (Linux keeps rootfs beneath it), so "the root must be
  // attached" becomes "the process root must be the namespace's root".
  if (!(root == m->root_path())) return Errno::Inval;
  if (nw.dentry != nw.mnt->root || !ex_parent) return Errno::Inval;
  auto reachable = [](MountPath from, const MountPath& to) {
    while (from.mnt != to.mnt && from.mnt->parent) from = MountPath{from.mnt->parent, from.mnt->mountpoint};
    return from.mnt == to.mnt && from.mnt->fs->is_subdir(from.dentry, to.dentry);
  };
  if (!reachable(old, nw) || !reachable(nw, root)) return Errno::Inval;
  MountPath old_root = m->root_path();
  NS_TRY_STATUS(m->pivot(nw.mnt, old));
  // chroot_fs_refs: every process of the namespace rooted (or working) at the old root moves.
  MountPath new_root_path = m->root_path();
  procs_.for_each([&](uint64_t, Process* q) {
    if (!q->nsset_ || q->nsset_->mnt() != m) return;
    MountPath r = q->root_ == old_root ? new_root_path : q->root_;
    MountPath w = q->cwd_ == old_root ? new_root_path : q->cwd_;
    set_fs(q, r, w);
  });
  return {};
}

// ---- network ---------------------------------------------------------------------------------------------

Result<uint16_t> Registry::bind_port(Koid koid, Proto proto, uint32_t addr, uint16_t port) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  NetNamespace* n = p->nsset_->net();
  return n->bind(proto, addr, port, koid, capable_over(*p, *n, Cap::NetBindService));
}

Status Registry::net_set_up(Koid koid, const char* ifname, bool up) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  NetNamespace* n = p->nsset_->net();
  if (!capable_over(*p, *n, Cap::NetAdmin)) return Errno::Perm;
  return n->set_up(ifname, up);
}

Status Registry::create_veth(Koid koid, const char* name, const NsHandle& peer_ns, const char* peer_name) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (peer_ns.ns().type() != NsType::Net) return Errno::Inval;
  NetNamespace* n = p->nsset_->net();
  auto& other = static_cast<NetNamespace&>(peer_ns.ns());
  if (!capable_over(*p, *n, Cap::NetAdmin) || !capable_over(*p, other, Cap::NetAdmin)) return Errno::Perm;
  return NetNamespace::create_veth(*n, name, other, peer_name);
}

Status Registry::move_interface(Koid koid, const char* ifname, const NsHandle& to) {
  Process* p = live(koid);
  if (!p) return Errno::Srch;
  if (to.ns().type() != NsType::Net) return Errno::Inval;
  NetNamespace* n = p->nsset_->net();
  auto& other = static_cast<NetNamespace&>(to.ns());
  if (!capable_over(*p, *n, Cap::NetAdmin) || !capable_over(*p, other, Cap::NetAdmin)) return Errno::Perm;
  return n->move_to(ifname, other);
}

}  // namespace ns
