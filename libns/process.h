// libns/process.h: a process as the namespace model sees it: its KoID, its pid record (numbers at
// every level), parent and children, process group and session, NsSet, credentials, filesystem
// root and working directory, cgroup, and the signal state the pid rules need.
// Owned by the Registry: created by create_init/clone, a zombie after exit, freed when reaped.
#pragma once

#include <cstdint>

#include "libns/cgroup_ns.h"
#include "libns/mount/mount.h"
#include "libns/nsset.h"
#include "libns/pid_ns.h"
#include "libns/types.h"
#include "libns/user_ns.h"

namespace ns {

class Process {
 public:
  enum class State : uint8_t { Running, Zombie };

  Koid koid() const { return koid_; }
  State state() const { return state_; }
  bool running() const { return state_ == State::Running; }
  int exit_signal_or_code() const { return exit_code_; }
  PidRecord* pid() const { return pid_; }
  PidNamespace* active_pid_ns() const { return pid_->active_ns(); }
  Process* parent() const { return parent_; }
  Process* first_child() const { return first_child_; }
  Process* next_sibling() const { return next_sibling_; }
  PidRecord* pgrp() const { return pgrp_; }
  PidRecord* session() const { return session_; }
  const NsSet* nsset() const { return nsset_; }   // nullptr once a zombie
  const Cred& cred() const { return cred_; }
  UserNamespace* user_ns() const { return cred_.user_ns; }
  const MountPath& root() const { return root_; }
  const MountPath& cwd() const { return cwd_; }
  const CgroupPath& cgroup() const { return cgroup_; }
  bool child_subreaper() const { return subreaper_; }
  bool did_exec() const { return did_exec_; }
  uint64_t handled_signals() const { return handled_; }
  uint64_t pending_signals() const { return pending_; }
  bool signal_pending(int sig) const { return (pending_ >> sig) & 1; }
  bool signal_handled(int sig) const { return (handled_ >> sig) & 1; }

 private:
  friend class Registry;
  Koid koid_ = kInvalidKoid;
  State state_ = State::Running;
  int exit_code_ = 0;
  PidRecord* pid_ = nullptr;
  Process* parent_ = nullptr;
  Process* first_child_ = nullptr;
  Process* next_sibling_ = nullptr;
  Process* prev_sibling_ = nullptr;
  PidRecord* pgrp_ = nullptr;
  PidRecord* session_ = nullptr;
  NsSet* nsset_ = nullptr;
  Cred cred_;
  MountPath root_;
  MountPath cwd_;
  CgroupPath cgroup_;
  bool subreaper_ = false;
  bool did_exec_ = false;
  uint64_t handled_ = 0;
  uint64_t pending_ = 0;
};

}  // namespace ns
