// libns/nsset.h: Linux's nsproxy. The namespaces a process is in, except its user namespace (in
// its credentials) and its active pid namespace (in its pid record): shared by every process that
// has not changed any of them, copied when one does (clone with a CLONE_NEW* flag, unshare, setns).
// Owned by the Registry; freed when its last process leaves it.
#pragma once

#include <cstdint>

#include "libns/cgroup_ns.h"
#include "libns/ipc_ns.h"
#include "libns/mnt_ns.h"
#include "libns/namespace.h"
#include "libns/net_ns.h"
#include "libns/pid_ns.h"
#include "libns/time_ns.h"
#include "libns/uts_ns.h"

namespace ns {

enum class NsSlot : uint8_t { Mnt, Uts, Ipc, Net, Cgroup, PidForChildren, Time, TimeForChildren };
inline constexpr size_t kNsSlotCount = 8;

struct NsSet {
  uint32_t users = 0;   // processes sharing this set
  Namespace* slot[kNsSlotCount] = {};

  Namespace* at(NsSlot s) const { return slot[static_cast<size_t>(s)]; }
  Namespace*& at(NsSlot s) { return slot[static_cast<size_t>(s)]; }
  MntNamespace* mnt() const { return static_cast<MntNamespace*>(at(NsSlot::Mnt)); }
  UtsNamespace* uts() const { return static_cast<UtsNamespace*>(at(NsSlot::Uts)); }
  IpcNamespace* ipc() const { return static_cast<IpcNamespace*>(at(NsSlot::Ipc)); }
  NetNamespace* net() const { return static_cast<NetNamespace*>(at(NsSlot::Net)); }
  CgroupNamespace* cgroup() const { return static_cast<CgroupNamespace*>(at(NsSlot::Cgroup)); }
  PidNamespace* pid_for_children() const { return static_cast<PidNamespace*>(at(NsSlot::PidForChildren)); }
  TimeNamespace* time() const { return static_cast<TimeNamespace*>(at(NsSlot::Time)); }
  TimeNamespace* time_for_children() const { return static_cast<TimeNamespace*>(at(NsSlot::TimeForChildren)); }
};

}  // namespace ns
