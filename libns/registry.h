// libns/registry.h: the whole namespace model of one system: every namespace (indexed by KoID),
// every process, and the operations that move processes between namespaces (clone, unshare,
// setns) or end them (exit, kill, wait), with the rules and errnos of Linux's man pages.
//
// The KoID index exists so a server can map the tokens it hands out to namespaces; it is never an
// authority: setns() takes an NsHandle (an open reference, like an open /proc/PID/ns file), never
// a bare KoID. Every operation that acts for a process takes that process's KoID and checks its
// credentials here, so the servers stay thin shells.
// Owned by the server that models the system; all memory comes from the Allocator it is given,
// and everything is freed when the Registry is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "libns/allocator.h"
#include "libns/cgroup_ns.h"
#include "libns/ipc_ns.h"
#include "libns/koid_map.h"
#include "libns/mnt_ns.h"
#include "libns/net_ns.h"
#include "libns/nsset.h"
#include "libns/pid_ns.h"
#include "libns/process.h"
#include "libns/result.h"
#include "libns/time_ns.h"
#include "libns/types.h"
#include "libns/user_ns.h"
#include "libns/uts_ns.h"

namespace ns {

// Where namespace KoIDs come from: the server hands in its own source (the kernel's KoIDs).
class KoidSource {
 public:
  virtual Koid next() { return Koid{++last_}; }
  explicit KoidSource(uint64_t start = uint64_t{1} << 40) : last_(start) {}

 protected:
  ~KoidSource() = default;

 private:
  uint64_t last_;
};
// The default: sequential KoIDs above 2^40, away from the small process KoIDs tests use.
class SequentialKoids final : public KoidSource {
 public:
  using KoidSource::KoidSource;
};

struct RegistryConfig {
  uint32_t pid_max = kDefaultPidMax;            // /proc/sys/kernel/pid_max (<= kPidMaxLimit)
  uint32_t max_user_namespaces = 1u << 20;      // /proc/sys/user/max_user_namespaces (ENOSPC)
  uint32_t mount_max = 100000;                  // /proc/sys/fs/mount-max, per namespace (ENOSPC)
  const char* sysname = "Koios";
  const char* release = "0.1.0";
  const char* version = "#1";
  const char* machine = "riscv64";
  IpcLimits ipc;
};

// An open reference to a namespace (a holder): keeps it alive and is what setns() takes.
// Owned by the caller of open_ns()/hold(); given back with close().
class NsHandle {
 public:
  Namespace& ns() const { return *ns_; }

 private:
  friend class Registry;
  Namespace* ns_ = nullptr;
};

// A pidfd: a stable reference to one pid record. It never names a recycled pid: once the process
// is reaped its record has no numbers and every use answers ESRCH.
class PidRef {
 public:
  PidRecord& record() const { return *rec_; }

 private:
  friend class Registry;
  PidRecord* rec_ = nullptr;
};

enum class Which : uint8_t { Active, ForChildren };   // pid and time: /proc/PID/ns/pid vs pid_for_children

class Registry {
 public:
  explicit Registry(Allocator& alloc, KoidSource* koids = nullptr, const RegistryConfig& config = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Creates the initial namespaces (the root mount namespace over `root_fs` when given).
  // Must succeed before anything else is used; ENOMEM otherwise.
  Status init(Filesystem* root_fs = nullptr);

  Allocator& allocator() { return alloc_; }
  UserNamespace& root_user_ns() { return *root_user_; }
  PidNamespace& root_pid_ns() { return *root_pid_; }
  // Namespace creation below the process model, for servers and tests working on one type.
  Result<PidNamespace*> new_pid_ns(PidNamespace& parent);

  // ---- processes -------------------------------------------------------------------------
  // The first process: pid 1 of the root pid namespace, in every root namespace, uid 0 with all
  // capabilities. EEXIST when it exists already.
  Result<Process*> create_init(Koid koid);
  // clone(2)/fork: `child` becomes a child of `parent` (or of parent's parent with CLONE_PARENT).
  // EINVAL for flag combinations Linux refuses (CLONE_NEWNS|CLONE_FS, CLONE_NEWUSER|CLONE_FS,
  // CLONE_THREAD without CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM, CLONE_NEWIPC|CLONE_SYSVSEM,
  // CLONE_PARENT from an init, CLONE_NEWPID after an unshare(CLONE_NEWPID)) and for CLONE_THREAD,
  // since threads are not processes here; EPERM without CAP_SYS_ADMIN for a new non-user
  // namespace; ENOSPC past the nesting limits; ENOMEM when the pid namespace's init has died;
  // EAGAIN when a pid namespace is full; ESRCH when parent is not a running process.
  Result<Process*> clone(Koid parent, Koid child, uint64_t flags);
  // unshare(2). EINVAL for flags outside unshare's set or CLONE_NEWPID twice; EPERM without
  // CAP_SYS_ADMIN (in the new user namespace when CLONE_NEWUSER is also given) or for
  // CLONE_NEWUSER from a chrooted process; ENOSPC past the nesting limits.
  Status unshare(Koid process, uint64_t flags);
  // setns(2) with an open handle; nstype 0 accepts any type, else EINVAL on mismatch.
  // EPERM without the capabilities setns(2) lists; EINVAL for a pid namespace that is not the
  // caller's or a descendant of it, and for the caller's own user namespace.
  Status setns(Koid process, const NsHandle& handle, uint64_t nstype);
  // The process ends (exit(2) or a fatal signal). Its children go to the nearest running
  // subreaper in its pid namespace, else to the namespace's init. When it is a namespace's init,
  // every other process in that namespace and below is killed, the namespace takes no new
  // process, and the dead ones whose parent was inside are reaped at once.
  Status exit(Koid process, int code);
  // waitpid(pid or -1, WNOHANG): reaps a zombie child and returns its pid in the parent's
  // namespace, 0 when children exist but none has exited, ECHILD when there is no such child.
  Result<Pid> wait(Koid parent, Pid pid);
  // execve: marks the process (setpgid on it now fails with EACCES) and recomputes its
  // capabilities as capabilities(7) says for a file without capabilities.
  Status exec(Koid process);

  // ---- pids as a process sees them ---------------------------------------------------------
  Result<Pid> getpid(Koid process) const;
  Result<Pid> getppid(Koid process) const;       // 0 when the parent is outside the caller's namespace
  Result<Pid> getpgid(Koid caller, Pid pid) const;   // pid 0: the caller; 0 when the group is invisible
  Result<Pid> getsid(Koid caller, Pid pid) const;
  Status setpgid(Koid caller, Pid pid, Pid pgid);
  Result<Pid> setsid(Koid caller);
  // The process `pid` names in the caller's namespace (ESRCH when none is visible).
  Result<Koid> find_pid(Koid caller, Pid pid) const;
  // `pid` as seen from `from`, expressed in `to` (ESRCH when either cannot see it).
  static Result<Pid> translate(Pid pid, const PidNamespace& from, const PidNamespace& to);
  Status set_child_subreaper(Koid process, bool on);

  // ---- signals --------------------------------------------------------------------------------
  Status set_signal_handled(Koid process, int sig, bool handled);   // EINVAL for SIGKILL/SIGSTOP
  // kill(2): pid > 0 one process, 0 the caller's group, -1 every process the caller may see
  // except itself and its namespace's init, < -1 the group -pid. ESRCH when nothing matches,
  // EPERM when nothing may be signalled, EINVAL for a bad signal. A signal to a namespace's init
  // from inside that namespace (or below) is dropped unless init handles it; from an ancestor
  // namespace SIGKILL and SIGSTOP always arrive. SIGKILL, and any unhandled signal whose default
  // is to terminate, ends the process; others are left pending for the server to deliver.
  Status kill(Koid sender, Pid pid, int sig);

  // ---- pidfds ---------------------------------------------------------------------------------
  Result<PidRef*> pidfd_open(Koid caller, Pid pid);     // EINVAL for pid <= 0, ESRCH when not visible
  Result<Koid> pidfd_process(const PidRef& ref) const;  // ESRCH once the process is reaped
  Result<Pid> pidfd_pid(Koid caller, const PidRef& ref) const;   // its pid in the caller's namespace
  Status pidfd_send_signal(Koid sender, const PidRef& ref, int sig);
  void pidfd_close(PidRef* ref);

  // ---- namespace handles ----------------------------------------------------------------------
  // Like opening /proc/PID/ns/TYPE (ForChildren: pid_for_children / time_for_children).
  Result<NsHandle*> open_ns(Koid process, NsType type, Which which = Which::Active);
  Result<NsHandle*> hold(Namespace& ns);
  void close(NsHandle* handle);
  Namespace* find_ns(Koid koid) const;   // the index; for servers mapping their own tokens
  Process* find_process(Koid koid) const;
  Namespace* ns_of(Koid process, NsType type, Which which = Which::Active) const;

  // ---- user namespaces and credentials --------------------------------------------------------
  // Writing /proc/TARGET/{uid,gid}_map as `writer`. EPERM: written already, writer not in the
  // target's user namespace or its parent, writer lacks CAP_SETUID/CAP_SETGID in the target
  // namespace, an outside id unmapped in the parent, or (without the capability in the parent)
  // anything but the single line mapping the writer's own euid/egid, which for gid_map also
  // needs setgroups "deny" first. EINVAL: no lines, more than 340, empty or overlapping ranges.
  Status write_uid_map(Koid writer, Koid target, const IdExtent* extents, uint32_t count);
  Status write_gid_map(Koid writer, Koid target, const IdExtent* extents, uint32_t count);
  // Writing "deny" (allow=false) or "allow" to /proc/TARGET/setgroups. EPERM after gid_map is
  // written, or to go back to "allow" once "deny" (also inherited from an ancestor).
  Status write_setgroups(Koid writer, Koid target, bool allow);
  // setgroups(2): EPERM without CAP_SETGID in the caller's user namespace, while setgroups is
  // denied there, or before its gid_map is written; EINVAL for more than kMaxGroups or an
  // unmapped gid.
  Status setgroups(Koid process, const Gid* groups, uint32_t count);
  // setuid(2) in the caller's namespace terms: EINVAL for an unmapped uid; EPERM without
  // CAP_SETUID unless uid is the real or saved uid. Leaving uid 0 drops the capabilities.
  Status setuid(Koid process, Uid uid);
  // setgid(2): the same rule with CAP_SETGID; capabilities are not affected.
  Status setgid(Koid process, Gid gid);
  struct Ids { Uid uid, euid, suid; Gid gid, egid, sgid; };
  // The ids as the process itself reads them (unmapped ids read as 65534).
  Result<Ids> getids(Koid process) const;
  // What `viewer` reads for `target`'s uid (e.g. in /proc/TARGET/status).
  Result<Uid> uid_seen_by(Koid viewer, Koid target) const;
  bool has_capability(Koid process, const Namespace& ns, Cap cap) const;

  // ---- UTS ----------------------------------------------------------------------------------------
  Result<UtsName> uname(Koid process) const;
  // EPERM without CAP_SYS_ADMIN over the UTS namespace; EINVAL beyond 64 bytes.
  Status sethostname(Koid process, const char* name, size_t len);
  Status setdomainname(Koid process, const char* name, size_t len);

  // ---- time --------------------------------------------------------------------------------------
  // /proc/TARGET/timens_offsets: sets the offset of TARGET's time_for_children namespace.
  // EPERM without CAP_SYS_TIME over it; EACCES once a process has entered it.
  Status set_time_offset(Koid writer, Koid target, int clock, int64_t sec, int64_t nsec, int64_t now_ns);
  Result<int64_t> clock_gettime(Koid process, int clock, int64_t host_ns) const;

  // ---- cgroup ------------------------------------------------------------------------------------
  // cgroupsrv tells libns which cgroup a process is in (an absolute path).
  Status set_cgroup(Koid process, const char* path);
  // /proc/TARGET/cgroup as `viewer` reads it: relative to the viewer's cgroup namespace root.
  Result<CgroupPath> cgroup_seen_by(Koid viewer, Koid target) const;

  // ---- mounts (for the calling process; paths walk from its root and cwd) ---------------------
  Result<MountPath> resolve(Koid process, const char* path) const;
  // mount(2) of a new filesystem: EPERM without CAP_SYS_ADMIN over the mount namespace.
  Result<Mount*> mount(Koid process, const char* target, Filesystem& fs, const char* source,
                       const char* fstype, uint32_t flags);
  Result<Mount*> bind_mount(Koid process, const char* source, const char* target, bool recursive);
  Status umount(Koid process, const char* target, bool detach);
  Status move_mount(Koid process, const char* from, const char* to);
  Status make_mount(Koid process, const char* target, Propagation type, bool recursive);
  Status remount(Koid process, const char* target, uint32_t flags);
  // chroot(2): EPERM without CAP_SYS_CHROOT in the caller's user namespace; ENOTDIR.
  Status chroot(Koid process, const char* path);
  Status chdir(Koid process, const char* path);
  // pivot_root(2), with its rules: EPERM without CAP_SYS_ADMIN over the mount namespace;
  // ENOTDIR; EBUSY when new_root or put_old is on the current root mount; EINVAL when new_root
  // is not a mount point or is locked, the process root is not the namespace's root, put_old is
  // not at or under new_root, or put_old's mount or the parent of new_root is shared.
  Status pivot_root(Koid process, const char* new_root, const char* put_old);

  // ---- network ------------------------------------------------------------------------------------
  // bind(2) in the process's network namespace: EACCES below port 1024 without
  // CAP_NET_BIND_SERVICE over the namespace.
  Result<uint16_t> bind_port(Koid process, Proto proto, uint32_t addr, uint16_t port);
  // Interface configuration needs CAP_NET_ADMIN over the namespace (EPERM).
  Status net_set_up(Koid process, const char* ifname, bool up);
  Status create_veth(Koid process, const char* name, const NsHandle& peer_ns, const char* peer_name);
  Status move_interface(Koid process, const char* ifname, const NsHandle& to);

  // ---- inspection (tests and the fuzzer's invariants) ---------------------------------------
  template <class F>
  void for_each_process(F&& f) const { procs_.for_each([&](uint64_t, Process* p) { f(*p); }); }
  template <class F>
  void for_each_ns(F&& f) const { index_.for_each([&](uint64_t, Namespace* n) { f(*n); }); }
  template <class F>
  void for_each_handle(F&& f) const { for (NsHandle* h : open_handles_) f(*h); }
  template <class F>
  void for_each_pidref(F&& f) const { for (PidRef* r : open_pidrefs_) f(*r); }
  const NsSet* root_set() const { return root_set_; }
  size_t process_count() const { return procs_.size(); }
  size_t ns_count() const { return index_.size(); }
  size_t handle_count() const { return handles_; }
  size_t pidref_count() const { return pidrefs_; }

 private:
  Process* live(Koid koid) const;                 // running processes only
  bool capable_over(const Process& p, const Namespace& ns, Cap cap) const;
  template <class T, class... Args>
  Result<T*> create_ns(Args&&... args);
  void register_ns(Namespace* n);
  void maybe_destroy(Namespace* n);
  void destroy_ns(Namespace* n);
  void put_member(Namespace* n) { if (n->put_member()) destroy_ns(n); }
  void put_holder(Namespace* n) { if (n->put_holder()) destroy_ns(n); }
  void put_dependent(Namespace* n) { if (n->put_dependent()) destroy_ns(n); }
  Result<UserNamespace*> new_user_ns(const Process& creator, const Cred& cred);
  Result<NsSet*> copy_nsset(const Process& p, uint64_t flags, const Cred& cred);
  Result<NsSet*> clone_set(const NsSet& from);
  void release_unattached_set(NsSet* set);
  void attach_set(Process* p, NsSet* set);
  void detach_set(Process* p);
  void swap_set(Process* p, NsSet* set);
  void set_user_ns(Process* p, const Cred& cred);
  Process* visible(const Process& caller, Pid pid) const;
  void set_fs(Process* p, MountPath root, MountPath cwd);   // by value: callers pass p's own
  void drop_fs(Process* p);
  void link_child(Process* parent, Process* child);
  void unlink_child(Process* child);
  void set_pgrp(Process* p, PidRecord* pgrp);
  void set_session(Process* p, PidRecord* session);
  void put_pid_use(PidRecord* r);                 // a pid/pgid/sid use ended; frees numbers if last
  void put_pid_ref(PidRecord* r);
  Process* find_new_reaper(Process* father) const;
  void do_exit(Process* p, int code);
  void reap(Process* p);
  Status deliver(Process& sender, Process& target, int sig);
  Status write_map(Koid writer, Koid target, bool gid, const IdExtent* extents, uint32_t count);
  static Cred full_caps_in(const Cred& from, UserNamespace* ns);

  Allocator& alloc_;
  SequentialKoids default_koids_;
  KoidSource& koids_;
  RegistryConfig config_;
  MountTable mounts_;
  KoidMap<Namespace*> index_;
  KoidMap<Process*> procs_;
  UserNamespace* root_user_ = nullptr;
  PidNamespace* root_pid_ = nullptr;
  NsSet* root_set_ = nullptr;
  uint32_t user_ns_count_ = 0;
  size_t handles_ = 0;
  size_t pidrefs_ = 0;
  Vec<PidRef*> open_pidrefs_;
  Vec<NsHandle*> open_handles_;
};

// Defined here because clone.cc instantiates it as well as registry.cc.
template <class T, class... Args>
Result<T*> Registry::create_ns(Args&&... args) {
  T* n = alloc_.make<T>(std::forward<Args>(args)...);
  if (!n) return Errno::NoMem;
  if (!index_.insert(raw(n->koid()), n).ok()) {
    if constexpr (std::is_same_v<T, UserNamespace>) n->free_maps(alloc_);
    alloc_.destroy(n);
    return Errno::NoMem;
  }
  register_ns(n);
  return n;
}

}  // namespace ns
