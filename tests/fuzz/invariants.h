// tests/fuzz/invariants.h: the model's global invariants, checked by the fuzzer after every
// operation (and usable from any test). Returns a description of the first violation, or nullptr.
#pragma once

#include <map>
#include <set>
#include <string>

#include "libns/registry.h"

namespace ns_fuzz {

inline std::string check_invariants(const ns::Registry& reg) {
  using namespace ns;
  std::map<const Namespace*, uint32_t> members, holders, dependents;
  std::map<const NsSet*, uint32_t> set_users;
  std::map<const Mount*, uint32_t> mount_users;
  std::set<const PidRecord*> records;
  std::string err;
  auto fail = [&](const std::string& s) { if (err.empty()) err = s; };

  // Every live process: one number per level up to the root, each found again by number.
  reg.for_each_process([&](const Process& p) {
    const PidRecord* r = p.pid();
    if (!r || !r->numbers_live()) return fail("process without live pid numbers");
    if (r->koid() != p.koid()) fail("record names another koid");
    if (r->task() != &p) fail("record names another process");
    const PidNamespace* prev = nullptr;
    for (uint32_t l = 0; l <= r->level(); ++l) {
      const Upid& u = r->upid(l);
      if (!u.ns || u.ns->level() != l) { fail("upid at the wrong level"); continue; }
      if (u.ns->parent_ns() != prev) fail("upid namespaces do not form a chain");
      if (u.ns->record_of(u.nr) != r) fail("number does not map back to its record");
      if (u.nr <= 0) fail("non-positive pid");
      prev = u.ns;
    }
    if (r->active_ns()->pid_of(p.koid()).value_or(0) != r->upid(r->level()).nr) fail("koid -> pid disagrees");
    if (p.running()) {
      if (!p.nsset()) fail("running process without NsSet");
    } else if (p.nsset()) {
      fail("zombie still holds an NsSet");
    }
    if (p.nsset()) {
      ++set_users[p.nsset()];
      for (Namespace* n : p.nsset()->slot) ++members[n];
    }
    ++members[p.user_ns()];
    if (p.root().mnt) ++mount_users[p.root().mnt];
    if (p.cwd().mnt) ++mount_users[p.cwd().mnt];
    if (p.parent() && !p.parent()->running() && p.running()) fail("running child of a zombie");
    for (Process* c = p.first_child(); c; c = c->next_sibling())
      if (c->parent() != &p) fail("child list and parent disagree");
  });
  // No pid is in use twice in one namespace; every record's namespace is counted.
  reg.for_each_ns([&](const Namespace& n) {
    if (n.type() != NsType::Pid) return;
    const auto& pn = static_cast<const PidNamespace&>(n);
    uint32_t count = 0;
    pn.for_each_record([&](PidRecord* r) {
      ++count;
      if (r->upid(pn.level()).ns != &pn) fail("record in a table of another namespace");
      if (pn.record_of(r->upid(pn.level()).nr) != r) fail("table slot disagrees with the record");
      if (r->level() == pn.level()) records.insert(r);
      if (r->koid() == kInvalidKoid && r->pgrp_users() == 0 && r->session_users() == 0)
        fail("numbers kept by nobody");
    });
    if (count != pn.nr_allocated()) fail("table count is off");
  });
  reg.for_each_pidref([&](const PidRef& ref) { records.insert(&ref.record()); });
  for (const PidRecord* r : records) ++members[r->active_ns()];
  reg.for_each_handle([&](const NsHandle& h) { ++holders[&h.ns()]; });
  if (const NsSet* root = reg.root_set()) {
    ++set_users[root];
    for (Namespace* n : root->slot) ++holders[n];   // the Registry holds the initial ones
    ++holders[root->at(NsSlot::Mnt)->owner()];   // the root user namespace
  }
  reg.for_each_ns([&](const Namespace& n) {
    if (n.owner()) ++dependents[n.owner()];
    if (n.parent() && n.parent() != n.owner()) ++dependents[n.parent()];
  });
  // Reference counts match, and nothing outlives its last member, holder and dependent.
  reg.for_each_ns([&](const Namespace& n) {
    if (reg.find_ns(n.koid()) != &n) fail("index does not find a namespace");
    if (n.members() != members[&n]) fail("member count " + std::to_string(n.members()) + " != " + std::to_string(members[&n]) + " for type " + std::to_string(int(n.type())));
    if (n.holders() != holders[&n]) fail("holder count is off");
    if (n.dependents() != dependents[&n]) fail("dependent count is off");
    if (n.unused()) fail("an unused namespace is still alive");
    if (n.type() == NsType::Mnt) {
      const auto& m = static_cast<const MntNamespace&>(n);
      for (size_t i = 0; i < m.mount_count(); ++i) {
        const Mount* mt = m.mount_at(i);
        if (mt->ns != &m) fail("mount in the wrong namespace");
        if (mt->users != mount_users[mt]) fail("mount user count is off");
        if (mt->parent && !mt->parent->children.contains(const_cast<Mount*>(mt))) fail("mount missing from its parent");
        if (!mt->parent && mt != m.root()) fail("detached mount left in a namespace");
      }
    }
  });
  for (auto& [n, c] : members) if (c && reg.find_ns(n->koid()) != n) fail("a process references a dead namespace");
  for (auto& [s, c] : set_users) if (s->users != c) fail("NsSet user count is off");
  return err;
}

}  // namespace ns_fuzz
