// libns/pid_ns.cc
#include "libns/pid_ns.h"

namespace ns {

Pid PidRecord::nr_in(const PidNamespace& ns) const {
  if (!numbers_live_ || ns.level() > level_) return 0;
  const Upid& u = numbers()[ns.level()];
  return u.ns == &ns ? u.nr : 0;
}

PidNamespace::PidNamespace(Allocator& a, Koid koid, UserNamespace* owner, uint32_t pid_max)
    : Namespace(NsType::Pid, koid, owner, nullptr, 0, kInvalidKoid),
      alloc_(a), table_(a, pid_max), index_(a.make<PidIndex>(a)), owns_index_(true) {}

PidNamespace::PidNamespace(Allocator& a, Koid koid, UserNamespace* owner, PidNamespace& parent)
    : Namespace(NsType::Pid, koid, owner, &parent, parent.level() + 1, parent.koid()),
      alloc_(a), table_(a, parent.pid_max()), index_(parent.index_), owns_index_(false) {}

PidNamespace::~PidNamespace() {
  if (owns_index_) alloc_.destroy(index_);
}

Result<Pid> PidNamespace::alloc_nr(PidRecord* r) {
  // Linux (alloc_pid): idr_alloc_cyclic from the cursor; the floor is 1 until the cursor has passed
  // RESERVED_PIDS, then 300, so a wrap skips the low numbers daemons started with.
  uint32_t min = last_pid_ + 1 > kReservedPids ? kReservedPids : 1;   // the IDR cursor is last + 1
  auto nr = table_.alloc_cyclic(r, min, static_cast<uint32_t>(last_pid_) + 1);
  if (!nr.ok()) return nr.error() == Errno::NoSpc ? Errno::Again : nr.error();
  last_pid_ = static_cast<Pid>(nr.value());
  return static_cast<Pid>(nr.value());
}

Result<PidRecord*> PidNamespace::alloc_record(Koid process) {
  if (!index_) return Errno::NoMem;
  if (index_->find(raw(process))) return Errno::Exist;
  for (const PidNamespace* n = this; n; n = n->parent_ns())
    if (!n->accepting_) return Errno::NoMem;
  void* p = alloc_.allocate(PidRecord::bytes_for(level()), alignof(PidRecord));
  if (!p) return Errno::NoMem;
  auto* r = new (p) PidRecord();
  r->level_ = level();
  r->koid_ = process;
  // Innermost first, like Linux; on failure give back what was taken.
  uint32_t done = 0;
  Errno err = Errno::Ok;
  for (PidNamespace* n = this; n; n = n->parent_ns(), ++done) {
    auto nr = n->alloc_nr(r);
    if (!nr.ok()) { err = nr.error(); break; }
    r->numbers()[n->level()] = Upid{nr.value(), n};
  }
  if (err == Errno::Ok) {
    Status s = index_->insert(raw(process), r);
    if (!s.ok()) err = s.error();
  }
  if (err != Errno::Ok) {
    PidNamespace* n = this;
    for (uint32_t i = 0; i < done; ++i, n = n->parent_ns()) n->table_.remove(r->numbers()[n->level()].nr);
    alloc_.deallocate(p, PidRecord::bytes_for(level()), alignof(PidRecord));
    return err;
  }
  if (r->numbers()[level()].nr == 1) had_init_ = true;
  return r;
}

Result<Pid> PidNamespace::alloc(Koid process) {
  PidRecord* r = NS_TRY(alloc_record(process));
  return r->numbers()[level()].nr;
}

PidRecord* PidNamespace::record_of_koid(Koid process) const {
  PidRecord* const* r = index_->find(raw(process));
  return r ? *r : nullptr;
}

Result<Pid> PidNamespace::pid_of(Koid process) const {
  PidRecord* r = record_of_koid(process);
  Pid nr = r ? r->nr_in(*this) : 0;
  if (nr == 0) return Errno::Srch;
  return nr;
}

PidRecord* PidNamespace::record_of(Pid pid) const {
  if (pid <= 0) return nullptr;
  return table_.find(static_cast<uint32_t>(pid));
}

Result<Koid> PidNamespace::koid_of(Pid pid) const {
  PidRecord* r = record_of(pid);
  if (!r || r->koid_ == kInvalidKoid) return Errno::Srch;
  return r->koid_;
}

Result<Pid> PidNamespace::translate_from(Pid pid, const PidNamespace& from) const {
  PidRecord* r = from.record_of(pid);
  Pid nr = r ? r->nr_in(*this) : 0;
  if (nr == 0) return Errno::Srch;
  return nr;
}

void PidNamespace::detach_koid(PidRecord* r) {
  if (r->koid_ != kInvalidKoid) index_->erase(raw(r->koid_));
  r->koid_ = kInvalidKoid;
  r->task_ = nullptr;
}

void PidNamespace::release_numbers(PidRecord* r) {
  if (!r->numbers_live_) return;
  detach_koid(r);
  for (uint32_t l = 0; l <= r->level_; ++l) r->numbers()[l].ns->table_.remove(r->numbers()[l].nr);
  r->numbers_live_ = false;
}

void PidNamespace::free_record(PidRecord* r) {
  alloc_.deallocate(r, PidRecord::bytes_for(r->level_), alignof(PidRecord));
}

}  // namespace ns
