// servers/pidsrv/process_table.cc
#include "servers/pidsrv/process_table.h"

#include <cstring>

#include "servers/pidsrv/signals.h"

namespace pidsrv {

using namespace proto::pid;
using ns::PidNamespace;
using ns::Process;

namespace {

void copy_name(char (&dst)[kMaxName], const char* path) {
  const char* base = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/') base = p + 1;
  size_t i = 0;
  for (; i + 1 < kMaxName && base[i]; ++i) dst[i] = base[i];
  dst[i] = '\0';
}

bool handler_set(const SigAction& a) { return a.handler != kSigDfl && a.handler != kSigIgn; }

bool ignored(const SigAction& a, int sig) {
  if (a.handler == kSigIgn) return true;
  return a.handler == kSigDfl && (default_action(sig) == DefaultAction::Ignore ||
                                  default_action(sig) == DefaultAction::Continue);
}

int lowest_signal(SigSet set) { return __builtin_ctzll(set) + 1; }

// The code the Registry records; pidsrv keeps the real wait status itself.
int registry_code(int32_t status) { return wifexited(status) ? wexitstatus(status) : wtermsig(status); }

}  // namespace

ProcessTable::ProcessTable(ns::Allocator& alloc, KernelOps& kernel)
    : alloc_(alloc), kernel_(kernel), reg_(alloc), by_process_(alloc), by_ident_(alloc), ns_infos_(alloc),
      tokens_(alloc) {}

ProcessTable::~ProcessTable() {
  // Tokens and handles first (they reference Registry records), then our own records; the
  // Registry frees its model itself.
  tokens_.for_each([&](uint64_t, Token* t) {
    kernel_.drop_token(t->key);
    alloc_.destroy(t);
  });
  ns_infos_.for_each([&](uint64_t, NsInfo* n) { alloc_.destroy(n); });
  by_ident_.for_each([&](uint64_t, Entry* e) { alloc_.destroy(e); });
}

Status ProcessTable::init(Koid root_job, Koid init_process, Koid init_thread, const char* name) {
  if (by_ident_.size() != 0) return Errno::Exist;
  if (reg_.process_count() == 0 && !reg_.root_set()) NS_TRY_STATUS(reg_.init());
  auto* e = alloc_.make<Entry>();
  auto* info = alloc_.make<NsInfo>();
  if (!e || !info) { alloc_.destroy(e); alloc_.destroy(info); return Errno::NoMem; }
  auto p = reg_.create_init(init_process);
  auto hold = p.ok() ? reg_.hold(reg_.root_pid_ns()) : Result<ns::NsHandle*>(p.error());
  if (!hold.ok() || !by_ident_.insert(ns::raw(init_process), e).ok() ||
      !by_process_.insert(ns::raw(init_process), e).ok() ||
      !ns_infos_.insert(ns::raw(reg_.root_pid_ns().koid()), info).ok()) {
    // Start-up failed; pidsrv cannot serve anyone, so leaving the Registry half-made is fine.
    by_ident_.erase(ns::raw(init_process));
    by_process_.erase(ns::raw(init_process));
    alloc_.destroy(e);
    alloc_.destroy(info);
    return p.ok() ? Errno::NoMem : p.error();
  }
  e->ident = e->process = init_process;
  e->thread = init_thread;
  e->ns = reg_.root_pid_ns().koid();
  copy_name(e->name, name ? name : "init");
  e->start_ns = kernel_.now_ns();
  info->ns = e->ns;
  info->job = root_job;
  info->hold = hold.value();
  info->init_ident = init_process;
  info->root = true;
  return {};
}

// ---- lookups ------------------------------------------------------------------------------------

Entry* ProcessTable::find(Koid process) const {
  Entry* const* e = by_process_.find(ns::raw(process));
  return e ? *e : nullptr;
}

Entry* ProcessTable::find_ident(Koid ident) const {
  Entry* const* e = by_ident_.find(ns::raw(ident));
  return e ? *e : nullptr;
}

Entry* ProcessTable::live(Koid caller) const {
  Entry* e = find(caller);
  return e && e->state != Entry::State::Zombie ? e : nullptr;
}

const NsInfo* ProcessTable::ns_info(Koid n) const {
  NsInfo* const* i = ns_infos_.find(ns::raw(n));
  return i ? *i : nullptr;
}

ProcessTable::Counts ProcessTable::counts() const {
  size_t waiters = 0;
  by_ident_.for_each([&](uint64_t, Entry* e) { waiters += e->nwaiters; });
  return Counts{by_ident_.size(), reg_.process_count(), reg_.ns_count(), ns_infos_.size(), tokens_.size(),
                waiters, reg_.pidref_count(), reg_.handle_count()};
}

// ---- namespaces and their jobs ----------------------------------------------------------------

Result<NsInfo*> ProcessTable::job_for(PidNamespace* n) {
  if (NsInfo* const* i = ns_infos_.find(ns::raw(n->koid()))) return *i;
  if (!n->parent_ns()) return Errno::Srch;   // the root's is made by init()
  NsInfo* parent = NS_TRY(job_for(n->parent_ns()));
  auto* info = alloc_.make<NsInfo>();
  if (!info) return Errno::NoMem;
  auto hold = reg_.hold(*n);
  auto job = hold.ok() ? kernel_.create_job(parent->job) : Result<Koid>(hold.error());
  Status ins = job.ok() ? ns_infos_.insert(ns::raw(n->koid()), info) : Status(job.error());
  if (!ins.ok()) {
    if (job.ok()) kernel_.close_job(job.value());
    if (hold.ok()) reg_.close(hold.value());
    alloc_.destroy(info);
    return ins.error();
  }
  info->ns = n->koid();
  info->job = job.value();
  info->hold = hold.value();
  return info;
}

void ProcessTable::drop_ns_info(NsInfo* info) {
  if (info->root) return;
  ns_infos_.erase(ns::raw(info->ns));
  kernel_.close_job(info->job);
  reg_.close(info->hold);
  alloc_.destroy(info);
}

// ---- tokens -------------------------------------------------------------------------------------

Result<Token*> ProcessTable::add_token(Entry& owner, Token::Kind kind) {
  if (owner.ntokens >= kMaxTokensPerClient) return Errno::MFile;
  if (tokens_.size() >= kMaxTokens) return Errno::NFile;
  auto* t = alloc_.make<Token>();
  if (!t) return Errno::NoMem;
  // Pidfds carry no Enter: only a namespace token is something to join.
  auto key = kernel_.mint_token(kind == Token::Kind::PidNs);
  if (!key.ok() || !tokens_.insert(ns::raw(key.value()), t).ok()) {
    if (key.ok()) kernel_.drop_token(key.value());
    alloc_.destroy(t);
    return key.ok() ? Errno::NoMem : key.error();
  }
  t->key = key.value();
  t->kind = kind;
  t->owner = owner.ident;
  ++owner.ntokens;
  return t;
}

Token* ProcessTable::find_token(Koid key, Token::Kind kind) const {
  // Only pidsrv's own tokens are in the map: a forged or foreign handle has some other KoID.
  Token* const* t = tokens_.find(ns::raw(key));
  return t && (*t)->kind == kind ? *t : nullptr;
}

void ProcessTable::close_token(Token* t) {
  if (Entry* owner = find_ident(t->owner)) --owner->ntokens;
  tokens_.erase(ns::raw(t->key));
  kernel_.drop_token(t->key);
  if (t->pidref) reg_.pidfd_close(t->pidref);
  if (t->nshandle) reg_.close(t->nshandle);
  alloc_.destroy(t);
}

void ProcessTable::on_token_closed(Koid key) {
  if (Token* const* t = tokens_.find(ns::raw(key))) close_token(*t);
}

void ProcessTable::signal_pidfds(const Entry& e) {
  // Off the hot paths: nothing to look at unless some pidfd is open.
  if (tokens_.size() == 0) return;
  tokens_.for_each([&](uint64_t, Token* t) {
    if (t->kind == Token::Kind::Pidfd && t->pidref->record().koid() == e.ident) kernel_.signal_token(t->key);
  });
}

// ---- requests: pids -------------------------------------------------------------------------------

void ProcessTable::begin_request(Koid caller) {
  current_ = find(caller);
  in_request_ = true;
}

void ProcessTable::finish_request() {
  Entry* e = current_;
  current_ = nullptr;
  in_request_ = false;
  if (e && e->deferred_signals) {
    e->deferred_signals = false;
    process_pending(*e);
  }
  flush_notifications();
}

Result<Pid> ProcessTable::getpid(Koid caller) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.getpid(e->ident);
}

Result<Pid> ProcessTable::getppid(Koid caller) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.getppid(e->ident);
}

Result<Pid> ProcessTable::getpgid(Koid caller, Pid pid) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.getpgid(e->ident, pid);
}

Result<Pid> ProcessTable::getsid(Koid caller, Pid pid) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.getsid(e->ident, pid);
}

Status ProcessTable::setpgid(Koid caller, Pid pid, Pid pgid) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.setpgid(e->ident, pid, pgid);
}

Result<Pid> ProcessTable::setsid(Koid caller) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.setsid(e->ident);
}

Status ProcessTable::set_subreaper(Koid caller, bool on) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return reg_.set_child_subreaper(e->ident, on);
}

// ---- spawn, exec, exit --------------------------------------------------------------------------

Result<Pid> ProcessTable::spawn(Koid caller, const SpawnArgs& args, uint64_t flags, Pid pgroup) {
  Entry* p = live(caller);
  if (!p) return Errno::Srch;
  if (flags & ~kSpawnKnownFlags) return Errno::Inval;
  if ((flags & kSpawnSetPgroup) && pgroup < 0) return Errno::Inval;
  if ((flags & kSpawnPidfd) && p->ntokens >= kMaxTokensPerClient) return Errno::MFile;   // before, not after
  Process* rp = proc(*p);
  PidNamespace* pfc = rp->nsset()->pid_for_children();
  // Checked before any kernel object exists: Linux's answers for these (fork's ENOMEM once the
  // namespace's init died; clone's EINVAL and ENOSPC for CLONE_NEWPID).
  for (PidNamespace* n = pfc; n; n = n->parent_ns())
    if (!n->accepts_processes()) return Errno::NoMem;
  if (flags & kCloneNewPid) {
    if (pfc != rp->active_pid_ns()) return Errno::Inval;
    if (pfc->level() + 1 > ns::kMaxPidNsLevel) return Errno::NoSpc;
  }
  NsInfo* parent_info = NS_TRY(job_for(pfc));
  Koid job = parent_info->job;
  bool own_job = false;
  if (flags & kCloneNewPid) {
    auto j = kernel_.create_job(parent_info->job);
    if (!j.ok()) {
      if (parent_info->init_ident == ns::kInvalidKoid) drop_ns_info(parent_info);
      return j.error();
    }
    job = j.value();
    own_job = true;
  }
  auto* e = alloc_.make<Entry>();
  auto* new_info = own_job ? alloc_.make<NsInfo>() : nullptr;
  auto fail = [&](Errno err, Koid process) -> Errno {
    if (process != ns::kInvalidKoid) kernel_.release_process(process);
    if (own_job) kernel_.close_job(job);
    if (parent_info->init_ident == ns::kInvalidKoid) drop_ns_info(parent_info);
    alloc_.destroy(e);
    alloc_.destroy(new_info);
    return err;
  };
  if (!e || (own_job && !new_info)) return fail(Errno::NoMem, ns::kInvalidKoid);
  copy_name(e->name, args.path);
  e->start_ns = kernel_.now_ns();
  auto k = kernel_.create_process(job, e->name);
  if (!k.ok()) return fail(k.error(), ns::kInvalidKoid);
  Koid child = k.value();
  auto c = reg_.clone(p->ident, child, flags & kCloneNewPid ? ns::kCloneNewPid : 0);
  if (!c.ok()) return fail(c.error(), child);
  Process* rc = c.value();
  PidNamespace* cns = rc->active_pid_ns();
  ns::NsHandle* hold = nullptr;
  if (own_job) {
    auto h = reg_.hold(*cns);
    if (!h.ok() || !ns_infos_.insert(ns::raw(cns->koid()), new_info).ok()) {
      if (h.ok()) reg_.close(h.value());
      (void)reg_.exit(child, 0);
      (void)reg_.wait(p->ident, rc->pid()->nr_in(*rp->active_pid_ns()));
      return fail(Errno::NoMem, child);
    }
    hold = h.value();
  }
  if (!by_ident_.insert(ns::raw(child), e).ok() || !by_process_.insert(ns::raw(child), e).ok()) {
    by_ident_.erase(ns::raw(child));
    if (own_job) ns_infos_.erase(ns::raw(cns->koid()));
    if (hold) reg_.close(hold);
    (void)reg_.exit(child, 0);
    (void)reg_.wait(p->ident, rc->pid()->nr_in(*rp->active_pid_ns()));
    return fail(Errno::NoMem, child);
  }
  e->ident = e->process = child;
  e->ns = cns->koid();
  // posix_spawn = fork + exec: the mask is inherited, ignored signals stay ignored, handlers reset.
  e->blocked = p->blocked;
  for (int s = 1; s <= kSigMax; ++s)
    if (p->actions[s - 1].handler == kSigIgn) e->actions[s - 1].handler = kSigIgn;
  if (own_job) {
    new_info->ns = cns->koid();
    new_info->job = job;
    new_info->hold = hold;
    new_info->init_ident = child;
  } else if (parent_info->init_ident == ns::kInvalidKoid) {
    parent_info->init_ident = child;   // the first child after unshare(CLONE_NEWPID) is its init
  }
  Pid nr = rc->pid()->nr_in(*rp->active_pid_ns());
  // The group before the child runs (posix_spawn's setpgid in the child): Linux's errors for it.
  if (flags & kSpawnSetPgroup) {
    if (Status st = reg_.setpgid(p->ident, nr, pgroup == 0 ? nr : pgroup); !st.ok()) {
      undo_spawn(p, e);
      settle();
      return st.error();
    }
  }
  auto t = kernel_.start_process(child, args);
  if (!t.ok()) {
    undo_spawn(p, e);
    settle();
    return t.error();
  }
  e->thread = t.value();
  return nr;
}

Result<Pid> ProcessTable::adopt(Koid caller, const koios::Handle* handles, uint32_t count, const char* name,
                                SignalPolicy signals) {
  Entry* p = live(caller);
  if (!p) return Errno::Srch;
  Process* rp = proc(*p);
  if (rp->active_pid_ns() != &reg_.root_pid_ns() || reg_.root_pid_ns().child_reaper() != p->ident) return Errno::Perm;
  auto* e = alloc_.make<Entry>();
  if (!e) return Errno::NoMem;
  Koid thread = ns::kInvalidKoid;
  auto k = kernel_.adopt_process(handles, count, &thread);
  if (!k.ok()) {
    alloc_.destroy(e);
    return k.error();
  }
  Koid child = k.value();
  auto c = reg_.clone(p->ident, child, 0);
  if (!c.ok()) {
    kernel_.release_process(child);
    alloc_.destroy(e);
    return c.error();
  }
  Pid nr = c.value()->pid()->nr_in(*rp->active_pid_ns());
  if (!by_ident_.insert(ns::raw(child), e).ok() || !by_process_.insert(ns::raw(child), e).ok()) {
    by_ident_.erase(ns::raw(child));
    (void)reg_.exit(child, 0);
    (void)reg_.wait(p->ident, nr);
    kernel_.release_process(child);
    alloc_.destroy(e);
    return Errno::NoMem;
  }
  e->ident = e->process = child;
  e->thread = thread;
  e->ns = c.value()->active_pid_ns()->koid();
  copy_name(e->name, name);
  e->start_ns = kernel_.now_ns();
  e->ignores_signals = signals == SignalPolicy::kIgnore;
  return nr;
}

void ProcessTable::undo_spawn(Entry* parent, Entry* child) {
  // As a fork whose exec failed: the child ends and its parent reaps it at once (an unshared
  // namespace whose first child this was is then dead, as on Linux).
  Process* rp = proc(*parent);
  Process* rc = proc(*child);
  Pid nr = rc->pid()->nr_in(*rp->active_pid_ns());
  child->state = Entry::State::Zombie;
  (void)reg_.exit(child->ident, 127);
  (void)reg_.wait(parent->ident, nr);
  forget(child);
}

Status ProcessTable::exec(Koid caller, const SpawnArgs& args) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  NsInfo* const* info = ns_infos_.find(ns::raw(e->ns));
  if (!info) return Errno::Srch;   // cannot happen while the namespace's init lives
  char name[kMaxName];
  copy_name(name, args.path);
  Koid job = (*info)->job;
  Koid next = NS_TRY(kernel_.create_process(job, name));
  if (!by_process_.insert(ns::raw(next), e).ok()) {
    kernel_.release_process(next);
    return Errno::NoMem;
  }
  auto t = kernel_.start_process(next, args);
  if (!t.ok()) {
    by_process_.erase(ns::raw(next));
    kernel_.release_process(next);
    return t.error();
  }
  // The old image goes; its end is not this pid's end (on_terminated no longer knows its KoID).
  Koid old = e->process;
  by_process_.erase(ns::raw(old));
  (void)kernel_.kill_process(old);
  kernel_.release_process(old);
  e->process = next;
  e->thread = t.value();
  memcpy(e->name, name, sizeof name);
  (void)reg_.exec(e->ident);
  // execve(2): handlers go back to default, ignored stay ignored; mask and pending are kept.
  for (SigAction& a : e->actions)
    if (handler_set(a)) a = SigAction{};
  e->nframes = 0;
  drop_waiters(*e);
  if (current_ == e) current_ = nullptr;   // nobody to reply to
  process_pending(*e);
  settle();
  return {};
}

Status ProcessTable::report_exit(Koid caller, int code) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  e->exit_reported = true;
  e->status = wait_status_exited(code);
  return {};
}

void ProcessTable::on_terminated(Koid process, koios::ProcessExitReason reason, int64_t code, uint64_t cause) {
  Entry* e = live(process);
  if (!e) return;
  int32_t status;
  if (e->exit_reported) status = e->status;
  else if (reason == koios::ProcessExitReason::Exited) status = wait_status_exited(static_cast<int>(code));
  else if (reason == koios::ProcessExitReason::Fault) status = wait_status_signaled(signal_for_fault(cause));
  else status = wait_status_signaled(kSigKill);
  become_zombie(*e, status);
  flush_notifications();
}

// ---- exit, zombies, notification ----------------------------------------------------------------

void ProcessTable::become_zombie(Entry& e, int32_t status) {
  Process* rp = proc(e);
  if (!rp || !rp->running()) return;
  PidNamespace* n = rp->active_pid_ns();
  bool is_init = n->child_reaper() == e.ident;
  // pid_namespaces(7): init's death kills everything in its namespace and below; the jobs mirror
  // the namespaces, so that is one kill of its job. The Registry then has the dying init reap
  // what ends up as its children (zombies included), so every process below is looked at again.
  Entry* affected = nullptr;
  auto add = [&](Entry* v) { v->victim_next = affected; affected = v; };
  if (is_init) {
    n->for_each_record([&](ns::PidRecord* r) {
      auto* q = static_cast<Process*>(r->task());
      if (!q || q == rp) return;
      if (Entry* v = find_ident(q->koid())) {
        // Now, while its record still names it: the dying init may reap it below.
        if (v->state != Entry::State::Zombie) signal_pidfds(*v);
        add(v);
      }
    });
    if (NsInfo* const* info = ns_infos_.find(ns::raw(n->koid()))) (void)kernel_.kill_job((*info)->job);
  } else {
    // Its zombie children move to a reaper, which must hear of them.
    for (Process* c = rp->first_child(); c; c = c->next_sibling())
      if (!c->running())
        if (Entry* z = find_ident(c->koid())) add(z);
  }
  e.state = Entry::State::Zombie;
  e.status = status;
  e.nframes = 0;
  drop_waiters(e);
  signal_pidfds(e);
  (void)reg_.exit(e.ident, registry_code(status));
  for (Entry *v = affected, *next; v; v = next) {
    next = v->victim_next;
    v->victim_next = nullptr;
    if (v->state != Entry::State::Zombie) {
      v->state = Entry::State::Zombie;
      v->status = wait_status_signaled(kSigKill);
      v->nframes = 0;
      drop_waiters(*v);
    }
    if (!proc(*v)) forget(v);   // reaped by the dying init at once
    else notify_parent(*v, false);
  }
  notify_parent(e, false);
}

void ProcessTable::notify_parent(Entry& child, bool stopped_or_continued) {
  Process* rc = proc(child);
  if (!rc || !rc->parent() || !rc->parent()->running()) return;
  Entry* pe = find_ident(rc->parent()->koid());
  if (!pe || pe->state == Entry::State::Zombie) return;
  const SigAction& a = pe->actions[kSigChld - 1];
  if (!stopped_or_continued) {
    // SIGCHLD ignored or SA_NOCLDWAIT: the child is reaped at once (wait(2) NOTES).
    if (a.handler == kSigIgn || (a.flags & kSaNoCldWait)) {
      reap(*pe, child);
      queue_notify(*pe, false);
      return;
    }
    queue_notify(*pe, true);
    return;
  }
  queue_notify(*pe, !(a.flags & kSaNoCldStop));
}

void ProcessTable::queue_notify(Entry& parent, bool sigchld) {
  parent.notify_sigchld |= sigchld;
  if (parent.notify_queued) return;
  parent.notify_queued = true;
  parent.notify_next = notify_head_;
  notify_head_ = &parent;
}

void ProcessTable::flush_notifications() {
  // Waiters first, then SIGCHLD: a reply queued before the thread is suspended for a handler is
  // what channel_call returns (a condition already met wins over Interrupted).
  while (Entry* p = notify_head_) {
    notify_head_ = p->notify_next;
    p->notify_next = nullptr;
    p->notify_queued = false;
    bool sig = p->notify_sigchld;
    p->notify_sigchld = false;
    if (p->state == Entry::State::Zombie) continue;
    wake_waiters(*p);
    if (sig) generate(*p, kSigChld);
  }
}

void ProcessTable::reap(Entry& parent, Entry& child) {
  Process* rp = proc(parent);
  Process* rc = proc(child);
  if (rp && rc) (void)reg_.wait(parent.ident, rc->pid()->nr_in(*rp->active_pid_ns()));
  forget(&child);
}

void ProcessTable::forget(Entry* e) {
  if (NsInfo* const* info = ns_infos_.find(ns::raw(e->ns)); info && (*info)->init_ident == e->ident)
    drop_ns_info(*info);
  if (e->notify_queued) {
    for (Entry** p = &notify_head_; *p; p = &(*p)->notify_next)
      if (*p == e) { *p = e->notify_next; break; }
  }
  if (current_ == e) current_ = nullptr;
  kernel_.release_process(e->process);
  by_process_.erase(ns::raw(e->process));
  by_ident_.erase(ns::raw(e->ident));
  alloc_.destroy(e);
}

// ---- wait -------------------------------------------------------------------------------------------

Result<ProcessTable::WaitOutcome> ProcessTable::try_wait(Entry& parent, const Waiter& w, WaitResult* out) {
  Process* rp = proc(parent);
  PidNamespace& n = *rp->active_pid_ns();
  ns::PidRecord* group = nullptr;
  Koid pidfd_target = ns::kInvalidKoid;
  switch (w.idtype) {
    case IdType::All: break;
    case IdType::Pid:
      if (w.id <= 0) return Errno::Inval;
      break;
    case IdType::Pgid:
      if (w.id < 0) return Errno::Inval;
      group = w.id == 0 ? rp->pgrp() : n.record_of(w.id);
      if (!group) return Errno::Child;
      break;
    case IdType::Pidfd:
      // Resolved by wait() when the request came: the token may be closed while the wait blocks.
      pidfd_target = w.pidfd;   // resolved by wait()
      if (pidfd_target == ns::kInvalidKoid) return Errno::Child;
      break;
    default: return Errno::Inval;
  }
  bool any = false;
  for (Process* c = rp->first_child(); c; c = c->next_sibling()) {
    if (w.idtype == IdType::Pid && c->pid()->nr_in(n) != w.id) continue;
    if (w.idtype == IdType::Pgid && c->pgrp() != group) continue;
    if (w.idtype == IdType::Pidfd && c->koid() != pidfd_target) continue;
    Entry* ce = find_ident(c->koid());
    if (!ce) continue;
    any = true;
    WaitResult r;
    r.pid = c->pid()->nr_in(n);
    r.uid = rp->user_ns()->from_kuid_munged(c->cred().uid);
    if (ce->state == Entry::State::Zombie && (w.options & kWExited)) {
      r.status = ce->status;
      r.code = wifexited(ce->status) ? kCldExited : kCldKilled;
      r.si_status = wifexited(ce->status) ? wexitstatus(ce->status) : wtermsig(ce->status);
      *out = r;
      if (!(w.options & kWNoWait)) reap(parent, *ce);
      return WaitOutcome::Ready;
    }
    if (ce->state == Entry::State::Stopped && ce->stop_report && (w.options & kWStopped)) {
      r.status = wait_status_stopped(ce->stop_sig);
      r.code = kCldStopped;
      r.si_status = ce->stop_sig;
      *out = r;
      if (!(w.options & kWNoWait)) ce->stop_report = false;
      return WaitOutcome::Ready;
    }
    if (ce->cont_report && (w.options & kWContinued)) {
      r.status = kWaitStatusContinued;
      r.code = kCldContinued;
      r.si_status = kSigCont;
      *out = r;
      if (!(w.options & kWNoWait)) ce->cont_report = false;
      return WaitOutcome::Ready;
    }
  }
  if (!any) return Errno::Child;
  return WaitOutcome::NotYet;
}

Result<WaitResult> ProcessTable::wait(Koid caller, const Waiter& w, bool* deferred) {
  *deferred = false;
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (w.options & ~kWaitKnownOptions) return Errno::Inval;
  if (!(w.options & (kWExited | kWStopped | kWContinued))) return Errno::Inval;
  Waiter resolved = w;
  if (w.idtype == IdType::Pidfd) {
    Token* t = find_token(w.pidfd, Token::Kind::Pidfd);
    if (!t) return Errno::BadF;
    resolved.pidfd = t->pidref->record().koid();   // invalid once reaped: ECHILD
  }
  WaitResult r;
  WaitOutcome o = NS_TRY(try_wait(*e, resolved, &r));
  if (o == WaitOutcome::Ready || (w.options & kWNoHang)) return r;
  if (e->nwaiters >= kMaxWaiters) return Errno::Again;
  e->waiters[e->nwaiters++] = resolved;
  *deferred = true;
  return WaitResult{};
}

void ProcessTable::wake_waiters(Entry& parent) {
  for (uint32_t i = 0; i < parent.nwaiters;) {
    Waiter w = parent.waiters[i];
    WaitResult r;
    auto o = try_wait(parent, w, &r);
    if (o.ok() && o.value() == WaitOutcome::NotYet) { ++i; continue; }
    parent.waiters[i] = parent.waiters[--parent.nwaiters];
    WaitReply reply{};
    reply.header.txid = w.txid;
    reply.header.ordinal = static_cast<u32>(Op::Wait);
    reply.error = o.ok() ? Errno::Ok : o.error();
    if (o.ok()) {
      reply.pid = r.pid;
      reply.status = r.status;
      reply.code = r.code;
      reply.si_status = r.si_status;
      reply.uid = r.uid;
    }
    kernel_.send(parent.process, &reply, sizeof reply);
  }
}

// ---- signals ------------------------------------------------------------------------------------------

bool ProcessTable::may_signal(const Entry& sender, const Entry& target, int sig) const {
  // kill(2): the sender's real or effective uid matches the target's real or saved uid, or it
  // has CAP_KILL in the target's user namespace; SIGCONT within one session is always allowed.
  const Process* s = proc(sender);
  const Process* t = proc(target);
  const ns::Cred& sc = s->cred();
  const ns::Cred& tc = t->cred();
  if (sc.euid == tc.suid || sc.euid == tc.uid || sc.uid == tc.suid || sc.uid == tc.uid) return true;
  if (sig == kSigCont && s->session() == t->session()) return true;
  return ns::ns_capable(sc, *tc.user_ns, ns::Cap::Kill);
}

Status ProcessTable::send_checked(Entry& sender, Entry& target, int sig) {
  if (!may_signal(sender, target, sig)) return Errno::Perm;
  if (sig == 0 || target.state == Entry::State::Zombie || target.ignores_signals) return {};
  Process* t = proc(target);
  PidNamespace& tns = *t->active_pid_ns();
  if (tns.child_reaper() == target.ident) {
    // pid_namespaces(7): a namespace's init gets only the signals it has a handler for; from an
    // ancestor namespace SIGKILL and SIGSTOP are forced.
    bool from_inside = proc(sender)->pid()->nr_in(tns) != 0;
    bool forced = !from_inside && uncatchable(sig);
    if (!forced && !handler_set(target.actions[sig - 1])) return {};
  }
  generate(target, sig);
  return {};
}

void ProcessTable::generate(Entry& e, int sig) {
  if (e.state == Entry::State::Zombie) return;
  if (sig == kSigKill) { terminate(e, sig); return; }
  // signal(7): a stop signal discards a pending SIGCONT and SIGCONT discards pending stops; SIGCONT
  // continues a stopped process whatever its disposition.
  if (kStopSignals & sig_bit(sig)) e.pending &= ~sig_bit(kSigCont);
  if (sig == kSigCont) {
    e.pending &= ~kStopSignals;
    resume(e);
  }
  const SigAction& a = e.actions[sig - 1];
  if (!ignored(a, sig) || (e.blocked & sig_bit(sig))) e.pending |= sig_bit(sig);
  process_pending(e);   // also what waited for a SIGCONT
}

void ProcessTable::process_pending(Entry& e) {
  while (e.state == Entry::State::Running) {
    SigSet ready = e.pending & ~e.blocked;
    if (!ready) return;
    int sig = lowest_signal(ready);
    const SigAction& a = e.actions[sig - 1];
    if (ignored(a, sig)) { e.pending &= ~sig_bit(sig); continue; }
    DefaultAction d = default_action(sig);
    bool suspends = handler_set(a) || d == DefaultAction::Stop;
    if (suspends && current_ == &e) {
      // Its own request is being answered: act once the reply is out (finish_request).
      e.deferred_signals = true;
      return;
    }
    e.pending &= ~sig_bit(sig);
    if (handler_set(a)) {
      if (!deliver_handler(e, sig)) { e.pending |= sig_bit(sig); return; }
      continue;
    }
    if (d == DefaultAction::Stop) { stop(e, sig); return; }
    terminate(e, sig);
    return;
  }
}

bool ProcessTable::deliver_handler(Entry& e, int sig) {
  // The kernel contract (docs/ARCHITECTURE.md): suspend, wait until parked, write the state that
  // enters the handler, resume. The interrupted registers stay here until SigReturn.
  if (e.nframes >= kMaxSignalFrames) return false;
  const SigAction a = e.actions[sig - 1];
  if (!kernel_.suspend_thread(e.thread).ok()) return false;
  SignalFrame& f = e.frames[e.nframes];
  if (!kernel_.read_state(e.thread, &f.regs).ok()) { (void)kernel_.resume_thread(e.thread); return false; }
  f.blocked = e.blocked;
  koios::ThreadStateGeneral regs = f.regs;
  regs.pc = a.restorer;
  regs.x[10] = static_cast<uint64_t>(sig);   // a0
  regs.x[11] = a.handler;                    // a1
  regs.x[12] = a.flags;                      // a2: SA_RESTART tells the runtime to retry an interrupted call
  regs.x[2] = (f.regs.x[2] - 128) & ~uint64_t{15};   // sp: below the interrupted frame, 16-aligned
  if (!kernel_.write_state(e.thread, regs).ok()) { (void)kernel_.resume_thread(e.thread); return false; }
  (void)kernel_.resume_thread(e.thread);
  ++e.nframes;
  e.blocked = (e.blocked | a.mask | ((a.flags & kSaNoDefer) ? 0 : sig_bit(sig))) & ~kUnblockable;
  if (a.flags & kSaResetHand) e.actions[sig - 1] = SigAction{};
  drop_waiters(e);   // a call it was blocked in has returned Interrupted
  return true;
}

void ProcessTable::terminate(Entry& e, int sig) {
  (void)kernel_.kill_process(e.process);
  become_zombie(e, wait_status_signaled(sig));
}

void ProcessTable::stop(Entry& e, int sig) {
  if (e.state != Entry::State::Running) return;
  // FIXME(#6): a process-wide suspend once the kernel has one; signals and stops reach the main
  // thread only, like the runtime's single-threaded programs need.
  (void)kernel_.suspend_thread(e.thread);
  e.state = Entry::State::Stopped;
  e.stop_sig = sig;
  e.stop_report = true;
  e.cont_report = false;
  drop_waiters(e);
  notify_parent(e, true);
}

void ProcessTable::resume(Entry& e) {
  if (e.state != Entry::State::Stopped) return;
  (void)kernel_.resume_thread(e.thread);
  e.state = Entry::State::Running;
  e.stop_report = false;
  e.cont_report = true;
  notify_parent(e, true);
}

Status ProcessTable::kill(Koid caller, Pid pid, int sig) {
  Entry* s = live(caller);
  if (!s) return Errno::Srch;
  if (sig < 0 || sig > kSigMax) return Errno::Inval;
  if (pid == INT32_MIN) return Errno::Srch;   // -pid would overflow; Linux answers ESRCH
  if (pid > 0) {
    auto k = reg_.find_pid(s->ident, pid);   // only what the caller can see
    if (!k.ok()) return Errno::Srch;
    Entry* t = find_ident(k.value());
    if (!t) return Errno::Srch;
    Status st = send_checked(*s, *t, sig);
    settle();
    return st;
  }
  Process* rs = proc(*s);
  PidNamespace& n = *rs->active_pid_ns();
  ns::PidRecord* group = pid == 0 ? rs->pgrp() : pid < -1 ? n.record_of(-pid) : nullptr;
  if (pid != -1 && !group) return Errno::Srch;
  // Collect first: a signal may end processes and change the tables being walked.
  ns::Vec<Koid> targets(alloc_);
  Errno err = Errno::Ok;
  n.for_each_record([&](ns::PidRecord* r) {
    auto* q = static_cast<Process*>(r->task());
    if (!q || !q->running() || err != Errno::Ok) return;
    if (pid == -1 ? (q == rs || r->nr_in(n) <= 1) : q->pgrp() != group) return;
    if (!targets.push_back(q->koid()).ok()) err = Errno::NoMem;
  });
  if (err != Errno::Ok) return err;
  if (targets.empty()) return Errno::Srch;
  bool delivered = false;
  Errno last = Errno::Srch;
  for (Koid k : targets) {
    // Looked up again each time: a signal may have ended (and freed) the sender or a target.
    Entry* sender = live(caller);
    if (!sender) return {};
    Entry* t = find_ident(k);
    if (!t) continue;
    Status st = send_checked(*sender, *t, sig);
    if (st.ok()) delivered = true; else last = st.error();
  }
  settle();
  return delivered ? Status() : Status(last);
}

Result<SigAction> ProcessTable::sigaction(Koid caller, int sig, const SigAction* set) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (!valid_signal(sig)) return Errno::Inval;
  SigAction old = e->actions[sig - 1];
  if (!set) return old;
  if (uncatchable(sig)) return Errno::Inval;
  if (set->flags & ~kSaKnownFlags) return Errno::Inval;
  if (handler_set(*set) && set->restorer == 0) return Errno::Inval;
  SigAction a = *set;
  a.mask &= ~kUnblockable;
  e->actions[sig - 1] = a;
  // POSIX: setting a pending signal to be ignored discards it.
  if (ignored(a, sig)) e->pending &= ~sig_bit(sig);
  return old;
}

Result<SigSet> ProcessTable::sigprocmask(Koid caller, uint32_t how, const SigSet* set) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  SigSet old = e->blocked;
  if (!set) return old;
  switch (how) {
    case kSigBlock: e->blocked |= *set; break;
    case kSigUnblock: e->blocked &= ~*set; break;
    case kSigSetMask: e->blocked = *set; break;
    default: return Errno::Inval;
  }
  e->blocked &= ~kUnblockable;
  process_pending(*e);
  settle();
  return old;
}

Result<SigSet> ProcessTable::sigpending(Koid caller) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  return e->pending & e->blocked;
}

Status ProcessTable::sigreturn(Koid caller) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (e->nframes == 0) return Errno::Inval;
  // The caller is blocked in this call: suspending it ends the call (Interrupted) and parks it,
  // and it goes on with the registers the handler interrupted.
  SignalFrame& f = e->frames[e->nframes - 1];
  if (!kernel_.suspend_thread(e->thread).ok()) return Errno::Srch;
  if (!kernel_.write_state(e->thread, f.regs).ok()) {
    (void)kernel_.resume_thread(e->thread);
    return Errno::Srch;
  }
  (void)kernel_.resume_thread(e->thread);
  --e->nframes;
  e->blocked = f.blocked & ~kUnblockable;
  if (current_ == e) current_ = nullptr;   // no reply: pending signals may act now
  process_pending(*e);
  settle();
  return {};
}

// ---- ps --------------------------------------------------------------------------------------------------

Result<uint32_t> ProcessTable::list(Koid caller, Pid after, ProcInfo* out, uint32_t max) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  const PidNamespace& n = *proc(*e)->active_pid_ns();
  const ns::UserNamespace& viewer = *proc(*e)->user_ns();
  uint32_t count = 0;
  // The table walks in pid order, so a page is the first `max` pids above `after`.
  n.for_each_record([&](ns::PidRecord* r) {
    auto* q = static_cast<Process*>(r->task());
    Pid nr = r->nr_in(n);
    if (!q || nr <= after || count >= max) return;
    Entry* qe = find_ident(q->koid());
    ProcInfo& info = out[count++];
    info = ProcInfo{};
    info.pid = nr;
    info.ppid = q->parent() ? q->parent()->pid()->nr_in(n) : 0;
    info.pgid = q->pgrp() ? q->pgrp()->nr_in(n) : 0;
    info.sid = q->session() ? q->session()->nr_in(n) : 0;
    info.uid = viewer.from_kuid_munged(q->cred().uid);
    info.state = !qe || qe->state == Entry::State::Zombie ? ProcState::Zombie
                 : qe->state == Entry::State::Stopped     ? ProcState::Stopped
                                                          : ProcState::Running;
    if (qe) {
      memcpy(info.name, qe->name, sizeof info.name);
      info.start_ns = qe->start_ns;
      info.cpu_ns = qe->state == Entry::State::Zombie ? 0 : kernel_.cpu_time_ns(qe->thread);
      if (info.state == ProcState::Running && kernel_.thread_blocked(qe->thread)) info.state = ProcState::Sleeping;
    }
    info.levels = r->level() - n.level() + 1;
    for (uint32_t l = 0; l < info.levels; ++l) info.nspid[l] = r->upid(n.level() + l).nr;
  });
  return count;
}

// ---- pidfds and namespace tokens ---------------------------------------------------------------------

Result<Koid> ProcessTable::pidfd_open(Koid caller, Pid pid) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (pid <= 0) return Errno::Inval;
  if (e->ntokens >= kMaxTokensPerClient) return Errno::MFile;
  ns::PidRef* ref = NS_TRY(reg_.pidfd_open(e->ident, pid));
  auto t = add_token(*e, Token::Kind::Pidfd);
  if (!t.ok()) { reg_.pidfd_close(ref); return t.error(); }
  t.value()->pidref = ref;
  // A process that has already exited: the pidfd is readable at once, as on Linux.
  Entry* target = find_ident(ref->record().koid());
  if (!target || target->state == Entry::State::Zombie) kernel_.signal_token(t.value()->key);
  return t.value()->key;
}

Status ProcessTable::pidfd_send_signal(Koid caller, Koid token, int sig) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  Token* t = find_token(token, Token::Kind::Pidfd);
  if (!t) return Errno::BadF;
  if (sig < 0 || sig > kSigMax) return Errno::Inval;
  Koid k = t->pidref->record().koid();
  if (k == ns::kInvalidKoid) return Errno::Srch;   // reaped: the pid may be someone else's now
  if (!t->pidref->record().active_ns()->is_same_or_descendant_of(*proc(*e)->active_pid_ns())) return Errno::Inval;
  Entry* target = find_ident(k);
  if (!target) return Errno::Srch;
  Status st = send_checked(*e, *target, sig);
  settle();
  return st;
}

Result<Pid> ProcessTable::pidfd_getpid(Koid caller, Koid token) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  Token* t = find_token(token, Token::Kind::Pidfd);
  if (!t) return Errno::BadF;
  return reg_.pidfd_pid(e->ident, *t->pidref);
}

Result<Koid> ProcessTable::open_pid_ns(Koid caller, Pid pid, bool for_children) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (pid < 0) return Errno::Inval;
  Koid target = e->ident;
  if (pid != 0) target = NS_TRY(reg_.find_pid(e->ident, pid));
  if (e->ntokens >= kMaxTokensPerClient) return Errno::MFile;
  ns::NsHandle* h = NS_TRY(reg_.open_ns(target, ns::NsType::Pid, for_children ? ns::Which::ForChildren : ns::Which::Active));
  auto t = add_token(*e, Token::Kind::PidNs);
  if (!t.ok()) { reg_.close(h); return t.error(); }
  t.value()->nshandle = h;
  return t.value()->key;
}

Result<Pid> ProcessTable::translate(Koid caller, Pid pid, Koid from, Koid to) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (pid <= 0) return Errno::Inval;
  const PidNamespace* own = proc(*e)->active_pid_ns();
  auto resolve = [&](Koid key, const PidNamespace** out) -> Status {
    if (key == ns::kInvalidKoid) { *out = own; return {}; }
    Token* tok = find_token(key, Token::Kind::PidNs);
    if (!tok) return Errno::BadF;
    *out = static_cast<const PidNamespace*>(&tok->nshandle->ns());
    return {};
  };
  const PidNamespace* f = nullptr;
  const PidNamespace* t = nullptr;
  NS_TRY_STATUS(resolve(from, &f));
  NS_TRY_STATUS(resolve(to, &t));
  return ns::Registry::translate(pid, *f, *t);
}

Status ProcessTable::setns(Koid caller, Koid token, bool may_enter) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  if (Token* t = find_token(token, Token::Kind::PidNs)) {
    if (!may_enter) return Errno::Perm;
    return reg_.setns(e->ident, *t->nshandle, ns::kCloneNewPid);
  }
  // setns(2) also takes a pidfd: the namespace its process is active in.
  Token* t = find_token(token, Token::Kind::Pidfd);
  if (!t) return Errno::Inval;
  Koid target = t->pidref->record().koid();
  if (target == ns::kInvalidKoid) return Errno::Srch;
  ns::NsHandle* h = NS_TRY(reg_.open_ns(target, ns::NsType::Pid, ns::Which::Active));
  Status st = reg_.setns(e->ident, *h, ns::kCloneNewPid);
  reg_.close(h);
  return st;
}

Status ProcessTable::unshare(Koid caller, uint64_t flags) {
  Entry* e = live(caller);
  if (!e) return Errno::Srch;
  // The other namespace types belong to their own servers.
  if (flags != kCloneNewPid) return Errno::Inval;
  return reg_.unshare(e->ident, ns::kCloneNewPid);
}

}  // namespace pidsrv
