// libns/pid_ns.h: pid namespaces and Linux's struct pid.
//
// A process has one number in every pid namespace from its own up to the root:
//
//   root (level 0)     pid 1 ... 57 ...          PidRecord for K: level 2
//     \- A (level 1)     pid 1 ... 4 ...          numbers[0] = {57, root}
//         \- B (level 2)   pid 1                  numbers[1] = {4, A}
//                                                 numbers[2] = {1, B}
//
// number -> record: each namespace's IdTable (a radix, two indexings);
// KoID -> record: one KoidMap shared by the whole tree (the PidIndex), then numbers[level]:
// both directions are O(1) whatever the depth and the population.
#pragma once

#include <cstdint>

#include "libns/allocator.h"
#include "libns/id_table.h"
#include "libns/koid_map.h"
#include "libns/namespace.h"
#include "libns/result.h"

namespace ns {

class PidNamespace;

inline constexpr uint32_t kMaxPidNsLevel = 32;   // deepest level a pid namespace may have (ENOSPC)
inline constexpr Pid kReservedPids = 300;        // where allocation wraps once past it
inline constexpr uint32_t kDefaultPidMax = 32768;
inline constexpr uint32_t kPidMaxLimit = 4 * 1024 * 1024;

struct Upid {
  Pid nr;
  PidNamespace* ns;
};

// Linux's struct pid: the numbers of one process (or of a leftover process-group/session id) at
// each level. Allocated by PidNamespace::alloc with room for level+1 Upids after it.
// Alive while its numbers are in use (its process exists, or it is still some process's pgid or
// sid) or a PidRef holds it; it never changes its numbers, so a held record never names a
// recycled pid: once freed its numbers are gone from every table and it answers ESRCH.
class PidRecord {
 public:
  uint32_t level() const { return level_; }
  const Upid& upid(uint32_t level) const { return numbers()[level]; }
  PidNamespace* active_ns() const { return numbers()[level_].ns; }
  // The number in `ns`, or 0 when ns cannot see it (Linux's pid_nr_ns).
  Pid nr_in(const PidNamespace& ns) const;
  Koid koid() const { return koid_; }             // kInvalidKoid once its process is gone
  bool numbers_live() const { return numbers_live_; }
  void* task() const { return task_; }            // the Registry's Process, opaque here

  // Users that keep the numbers allocated besides the process itself.
  uint32_t pgrp_users() const { return pgrp_users_; }
  uint32_t session_users() const { return session_users_; }
  PidRecord* group_session() const { return group_session_; }

 private:
  friend class PidNamespace;
  friend class Registry;
  Upid* numbers() { return reinterpret_cast<Upid*>(this + 1); }
  const Upid* numbers() const { return reinterpret_cast<const Upid*>(this + 1); }
  static size_t bytes_for(uint32_t level) { return sizeof(PidRecord) + (level + 1) * sizeof(Upid); }

  uint32_t refs_ = 1;          // 1 for "numbers allocated" + one per PidRef
  uint32_t level_ = 0;
  Koid koid_ = kInvalidKoid;
  bool numbers_live_ = true;
  void* task_ = nullptr;
  uint32_t pgrp_users_ = 0;
  uint32_t session_users_ = 0;
  PidRecord* group_session_ = nullptr;  // the session all members of this process group share
};

// The KoID -> PidRecord index shared by one pid-namespace tree. Owned by the root PidNamespace.
using PidIndex = KoidMap<PidRecord*>;

// One level of the pid tree. Created by the Registry (clone/unshare CLONE_NEWPID) or directly by
// new_child() for layer-level use; destroyed by the Registry when unused.
class PidNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Pid;

  // The root of a tree; owns the shared PidIndex.
  PidNamespace(Allocator& a, Koid koid, UserNamespace* owner, uint32_t pid_max);
  // A child one level down.
  PidNamespace(Allocator& a, Koid koid, UserNamespace* owner, PidNamespace& parent);
  ~PidNamespace();

  PidNamespace* parent_ns() const { return static_cast<PidNamespace*>(parent()); }

  // Gives process `koid` a number here and in every ancestor (innermost first, as Linux does).
  // ENOMEM when this namespace (or an ancestor) no longer accepts processes because its init
  // died; EAGAIN when some level has no free number; EEXIST when the KoID already has a pid.
  Result<Pid> alloc(Koid process);
  // The same, returning the record (the Registry attaches its process to it).
  Result<PidRecord*> alloc_record(Koid process);

  Result<Pid> pid_of(Koid process) const;    // ESRCH when not visible from here
  Result<Koid> koid_of(Pid pid) const;       // ESRCH when no live process has that number here
  PidRecord* record_of(Pid pid) const;       // any record using that number (incl. pgid/sid leftovers)
  PidRecord* record_of_koid(Koid process) const;
  // The number `pid` of namespace `from` has in this namespace (ESRCH when either cannot see it).
  Result<Pid> translate_from(Pid pid, const PidNamespace& from) const;

  // Process `koid` is gone: its number stays allocated while the record is some process's pgid or
  // sid (the Registry decides); release_numbers() frees them.
  void detach_koid(PidRecord* r);
  // Frees the record's numbers at every level; the record itself when no PidRef holds it.
  void release_numbers(PidRecord* r);
  static void get_ref(PidRecord* r) { ++r->refs_; }
  // Drops a reference; returns true when the caller must give the record's memory back via free_record.
  static bool put_ref(PidRecord* r) { return --r->refs_ == 0; }
  void free_record(PidRecord* r);

  uint32_t nr_allocated() const { return table_.count(); }
  Pid last_pid() const { return last_pid_; }
  void set_last_pid(Pid p) { last_pid_ = p; }   // like writing /proc/sys/kernel/ns_last_pid
  uint32_t pid_max() const { return table_.max_id(); }
  Koid child_reaper() const { return reaper_; }
  void set_child_reaper(Koid k) { reaper_ = k; }
  // Once init dies the namespace takes no new process (Linux clears PIDNS_ADDING).
  bool accepts_processes() const { return accepting_; }
  void stop_accepting() { accepting_ = false; }
  bool ever_had_init() const { return had_init_; }

  template <class F>
  void for_each_record(F&& f) const { table_.for_each([&](uint32_t, PidRecord* r) { f(r); }); }
  PidIndex& index() const { return *index_; }

 private:
  Result<Pid> alloc_nr(PidRecord* r);
  Allocator& alloc_;
  IdTable<PidRecord> table_;
  PidIndex* index_;
  bool owns_index_;
  Pid last_pid_ = 0;
  Koid reaper_ = kInvalidKoid;
  bool accepting_ = true;
  bool had_init_ = false;
};

}  // namespace ns
