// kernel/sched/budget.h: where cgroup budgets act (issue 4's contract; the policy comes with the
// cgroup scheduler issue). The scheduler asks may_run(slot) before it runs a thread, and user memory
// asks charge_pages(slot, n) before it commits pages. A slot is a per-process attribute
// (Process::cgroup_slot), read through each thread's process, so a process moves between cgroups
// with all its threads and without moving between jobs; only the holder of the budget table will change it. Until
// cgroupsrv publishes a table, every slot may run and every charge succeeds.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel::budget {

using Slot = koios::u32;
inline constexpr Slot kRootSlot = 0;

// Takes the thread, not its slot, so that reading the slot (through its process) costs nothing on
// the switch path while every slot may run; the policy will read thread.cgroup_slot().
template <typename ThreadT>
inline bool may_run(const ThreadT& thread) {
  (void)thread;
  return true;
}
inline koios::Status charge_pages(Slot, koios::u64) { return koios::Status::Ok; }
inline void uncharge_pages(Slot, koios::u64) {}

}  // namespace kernel::budget
