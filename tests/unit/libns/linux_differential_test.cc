// tests/unit/libns/linux_differential_test.cc: Linux itself as the oracle. Each scenario runs on
// the host through clone/unshare/setns/mount in a forked child (so this test process never changes
// namespace), and through libns, and the two answers are compared. Everything the host side makes
// (namespaces, tmpfs mounts, IPC objects) lives in namespaces that die with the child; a child
// that hangs is killed by its alarm. Without root, or when the kernel refuses unshare, each case
// says by name that it skipped.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "fixture.h"

using ns::Errno;
using ns_test::K;
using ns_test::World;

namespace {

// ---- host side helpers -------------------------------------------------------------------------

// Runs `body` in a forked child that reports ints through a pipe; returns them. The child (and
// through PR_SET_PDEATHSIG its descendants) cannot outlive a hang: alarm() kills it.
std::vector<int> in_child(const std::function<void(int fd)>& body) {
  int p[2];
  REQUIRE(pipe(p) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    // Catch2's fatal-signal handlers came with fork(); a process with a handler is not what
    // the scenarios model (init must have no handler for the signal filter to show).
    for (int sig = 1; sig < 32; ++sig) signal(sig, SIG_DFL);
    alarm(20);
    body(p[1]);
    _exit(0);
  }
  close(p[1]);
  std::vector<int> out;
  int v;
  while (read(p[0], &v, sizeof v) == sizeof v) out.push_back(v);
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO("child status " << status);
  CHECK(WIFEXITED(status));
  return out;
}

void put(int fd, int v) { (void)!write(fd, &v, sizeof v); }

// fork(2) with extra clone flags: raw clone with no new stack behaves like fork.
pid_t clone_fork(unsigned long flags) {
  return static_cast<pid_t>(syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

// In a clone child: die with the parent, so nothing is left running if the parent is killed.
void die_with_parent() { prctl(PR_SET_PDEATHSIG, SIGKILL); }

void wait_all() {
  while (wait(nullptr) > 0) {}
}

int err_of(int rc) { return rc == 0 ? 0 : errno; }

int write_file(const char* path, const std::string& data) {
  int fd = open(path, O_WRONLY);
  if (fd < 0) return errno;
  ssize_t n = write(fd, data.data(), data.size());
  int e = n < 0 ? errno : 0;
  close(fd);
  return e;
}

// The NSpid line of /proc/self/status: pids from the procfs's namespace down to our own.
std::vector<int> nspid() {
  std::vector<int> out;
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return out;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "NSpid:", 6) != 0) continue;
    char* s = line + 6;
    char* end;
    for (long v = strtol(s, &end, 10); end != s; v = strtol(s, &end, 10)) {
      out.push_back(static_cast<int>(v));
      s = end;
    }
  }
  fclose(f);
  return out;
}

// Whether this host lets us run the scenarios at all.
bool host_can_unshare(std::string* why) {
  if (geteuid() != 0) { *why = "not root"; return false; }
  auto r = in_child([](int fd) {
    put(fd, unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER) == 0 ? 0 : errno);
  });
  if (r.empty() || r[0] != 0) { *why = "unshare refused (" + std::string(r.empty() ? "?" : strerror(r[0])) + ")"; return false; }
  return true;
}

#define SKIP_UNLESS_HOST(name)                                              \
  do {                                                                      \
    std::string why_;                                                       \
    if (!host_can_unshare(&why_)) {                                         \
      WARN("SKIPPED linux_differential/" name ": " << why_);                \
      return;                                                               \
    }                                                                       \
  } while (0)

int e(Errno x) { return ns::errno_value(x); }
int e(const ns::Status& s) { return ns::errno_value(s.error()); }

}  // namespace

TEST_CASE("nested pid namespaces: the numbers at each level and getppid", "[linux]") {
  SKIP_UNLESS_HOST("nested_pid_numbers");
  // Host: C -> clone(NEWPID) A (init of N1) -> clone(NEWPID) B (init of N2) -> clone(NEWPID)
  // I (init of N3) -> forks X and Y. Each reports its NSpid below the starting level, and getppid.
  auto host = in_child([](int fd) {
    auto report = [fd](int tag) {
      auto v = nspid();
      put(fd, tag);
      put(fd, static_cast<int>(v.size()));
      for (int x : v) put(fd, x);
      put(fd, getppid());
    };
    std::function<void(int)> level = [&](int depth) {
      if (depth == 3) {
        report(5);
        for (int tag : {6, 7}) {
          if (fork() == 0) { die_with_parent(); report(tag); _exit(0); }
          wait_all();   // one at a time so the numbering is deterministic
        }
        return;
      }
      pid_t c = clone_fork(CLONE_NEWPID);
      if (c == 0) {
        die_with_parent();
        if (depth + 1 < 3) report(3 + depth);
        level(depth + 1);
        wait_all();
        _exit(0);
      }
      wait_all();
    };
    level(0);
  });
  REQUIRE(!host.empty());
  World w;
  w.fork(1, 2);
  w.fork(2, 3, ns::kCloneNewPid);
  w.fork(3, 4, ns::kCloneNewPid);
  w.fork(4, 5, ns::kCloneNewPid);
  w.fork(5, 6);
  w.fork(5, 7);
  size_t i = 0;
  int seen = 0;
  while (i < host.size()) {
    int tag = host[i++];
    int n = host[i++];
    std::vector<int> pids(host.begin() + i, host.begin() + i + n);
    i += n;
    int ppid = host[i++];
    auto* p = w.reg.find_process(K(tag));
    REQUIRE(p);
    uint32_t level = p->pid()->level();
    INFO("process " << tag << " at level " << level);
    REQUIRE(pids.size() >= level + 1);
    for (uint32_t l = 1; l <= level; ++l) CHECK(pids[pids.size() - 1 - (level - l)] == p->pid()->upid(l).nr);
    CHECK(ppid == w.reg.getppid(K(tag)).value());
    ++seen;
  }
  CHECK(seen == 5);
}

TEST_CASE("setns and unshare rules and errors", "[linux]") {
  SKIP_UNLESS_HOST("setns_unshare_errors");
  auto host = in_child([](int fd) {
    // 1: a second unshare(CLONE_NEWPID) before any child entered.
    if (fork() == 0) {
      put(fd, err_of(unshare(CLONE_NEWPID)));
      put(fd, err_of(unshare(CLONE_NEWPID)));
      _exit(0);
    }
    wait_all();
    // 2: setns into a sibling pid namespace and into an ancestor one; wrong nstype.
    int go[2];
    (void)!pipe(go);
    pid_t b = clone_fork(CLONE_NEWPID);
    if (b == 0) { die_with_parent(); char c; (void)!read(go[0], &c, 1); _exit(0); }
    pid_t a = clone_fork(CLONE_NEWPID);
    if (a == 0) {
      die_with_parent();
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/ns/pid", b);
      int sib = open(path, O_RDONLY);
      int self_uts = open("/proc/self/ns/uts", O_RDONLY);
      put(fd, err_of(setns(sib, CLONE_NEWPID)));
      put(fd, err_of(setns(self_uts, CLONE_NEWPID)));
      _exit(0);
    }
    waitpid(a, nullptr, 0);
    {
      // The ancestor: from a child namespace's init back to the namespace we started in.
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/ns/pid", getpid());
      int anc = open(path, O_RDONLY);
      pid_t c = clone_fork(CLONE_NEWPID);
      if (c == 0) { die_with_parent(); put(fd, err_of(setns(anc, CLONE_NEWPID))); _exit(0); }
      waitpid(c, nullptr, 0);
      close(anc);
    }
    (void)!write(go[1], "x", 1);
    wait_all();
    // 3: clone flag combinations.
    for (int f : {CLONE_NEWNS | CLONE_FS, CLONE_NEWUSER | CLONE_FS, CLONE_SIGHAND,
                            CLONE_NEWIPC | CLONE_SYSVSEM}) {
      pid_t c = clone_fork(static_cast<unsigned long>(f));
      if (c == 0) _exit(0);
      put(fd, c < 0 ? errno : 0);
      if (c > 0) waitpid(c, nullptr, 0);
    }
    // 4: unprivileged: a new UTS namespace needs CAP_SYS_ADMIN unless a user namespace comes first.
    if (fork() == 0) {
      (void)!setgroups(0, nullptr);
      (void)!setgid(1000);
      (void)!setuid(1000);
      put(fd, err_of(unshare(CLONE_NEWUTS)));
      put(fd, err_of(unshare(CLONE_NEWUSER | CLONE_NEWUTS)));
      _exit(0);
    }
    wait_all();
    // 5: nesting limits: pid namespaces (ENOSPC past level 32).
    {
      pid_t c = fork();
      if (c == 0) {
        int level = 0;
        for (;;) {
          pid_t k = clone_fork(CLONE_NEWPID);
          if (k < 0) { put(fd, level); put(fd, errno); break; }
          if (k > 0) { waitpid(k, nullptr, 0); break; }
          die_with_parent();
          ++level;
        }
        _exit(0);
      }
      waitpid(c, nullptr, 0);
    }
    // 6: user namespaces, mapping 0 -> 0 at each level like `unshare -r`.
    if (fork() == 0) {
      int level = 0;
      for (;;) {
        if (unshare(CLONE_NEWUSER) != 0) { put(fd, level); put(fd, errno); break; }
        ++level;
        write_file("/proc/self/uid_map", "0 0 1");
        write_file("/proc/self/setgroups", "deny");
        write_file("/proc/self/gid_map", "0 0 1");
      }
      _exit(0);
    }
    wait_all();
  });
  REQUIRE(host.size() == 15);

  World w;
  std::vector<int> lib;
  w.fork(1, 2);
  lib.push_back(e(w.reg.unshare(K(2), ns::kCloneNewPid)));
  lib.push_back(e(w.reg.unshare(K(2), ns::kCloneNewPid)));
  w.fork(1, 3, ns::kCloneNewPid);   // b
  w.fork(1, 4, ns::kCloneNewPid);   // a
  auto sib = w.reg.open_ns(K(3), ns::NsType::Pid).value();
  auto uts = w.reg.open_ns(K(4), ns::NsType::Uts).value();
  lib.push_back(e(w.reg.setns(K(4), *sib, ns::kCloneNewPid)));
  lib.push_back(e(w.reg.setns(K(4), *uts, ns::kCloneNewPid)));
  auto anc = w.reg.open_ns(K(1), ns::NsType::Pid).value();
  w.fork(1, 5, ns::kCloneNewPid);
  lib.push_back(e(w.reg.setns(K(5), *anc, ns::kCloneNewPid)));
  for (uint64_t f : {ns::kCloneNewNs | ns::kCloneFs, ns::kCloneNewUser | ns::kCloneFs, ns::kCloneSighand,
                     ns::kCloneNewIpc | ns::kCloneSysvsem}) {
    auto r = w.reg.clone(K(1), K(6), f);
    lib.push_back(r.ok() ? 0 : e(r.error()));
    if (r.ok()) { REQUIRE(w.reg.exit(K(6), 0).ok()); REQUIRE(w.reg.wait(K(1), -1).ok()); }
  }
  w.fork(1, 7);
  w.make_unprivileged(7, 1000);
  lib.push_back(e(w.reg.unshare(K(7), ns::kCloneNewUts)));
  lib.push_back(e(w.reg.unshare(K(7), ns::kCloneNewUser | ns::kCloneNewUts)));
  {
    uint64_t k = 100;
    w.fork(1, k);
    int level = 0;
    for (;; ++level, ++k) {
      auto r = w.reg.clone(K(k), K(k + 1), ns::kCloneNewPid);
      if (!r.ok()) { lib.push_back(level); lib.push_back(e(r.error())); break; }
    }
  }
  {
    w.fork(1, 200);
    int level = 0;
    const ns::IdExtent m{0, 0, 1};
    for (;;) {
      auto s = w.reg.unshare(K(200), ns::kCloneNewUser);
      if (!s.ok()) { lib.push_back(level); lib.push_back(e(s)); break; }
      ++level;
      REQUIRE(w.reg.write_uid_map(K(200), K(200), &m, 1).ok());
      REQUIRE(w.reg.write_setgroups(K(200), K(200), false).ok());
      REQUIRE(w.reg.write_gid_map(K(200), K(200), &m, 1).ok());
    }
  }
  w.reg.close(sib);
  w.reg.close(uts);
  w.reg.close(anc);
  const char* names[] = {"unshare(NEWPID)", "unshare(NEWPID) again", "setns(sibling pid ns)",
                         "setns(uts fd, CLONE_NEWPID)", "setns(ancestor pid ns)", "clone(NEWNS|FS)",
                         "clone(NEWUSER|FS)", "clone(SIGHAND)", "clone(NEWIPC|SYSVSEM)",
                         "unprivileged unshare(NEWUTS)", "unprivileged unshare(NEWUSER|NEWUTS)",
                         "pid nesting depth", "pid nesting errno", "user nesting depth", "user nesting errno"};
  REQUIRE(lib.size() == 15);
  for (size_t i = 0; i < 15; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}

TEST_CASE("uid_map and gid_map writes", "[linux]") {
  SKIP_UNLESS_HOST("uid_map_writes");
  auto host = in_child([](int fd) {
    // Unprivileged uid 1000 in a new user namespace writing its own maps.
    if (fork() == 0) {
      (void)!setgroups(0, nullptr);
      (void)!setgid(1000);
      (void)!setuid(1000);
      prctl(PR_SET_DUMPABLE, 1);   // setuid cleared it; a login shell's process is dumpable
      if (unshare(CLONE_NEWUSER) != 0) _exit(1);
      put(fd, write_file("/proc/self/uid_map", "0 2000 1"));   // not its own uid
      put(fd, write_file("/proc/self/uid_map", "0 1000 1"));
      put(fd, write_file("/proc/self/uid_map", "0 1000 1"));   // written once
      put(fd, write_file("/proc/self/gid_map", "0 1000 1"));   // setgroups still "allow"
      put(fd, write_file("/proc/self/setgroups", "deny"));
      put(fd, write_file("/proc/self/gid_map", "0 1000 1"));
      put(fd, write_file("/proc/self/setgroups", "allow"));
      put(fd, static_cast<int>(getuid()));
      _exit(0);
    }
    wait_all();
    // Root writing a child's maps: overlapping lines, then a valid multi-line map.
    int go[2];
    (void)!pipe(go);
    pid_t c = clone_fork(CLONE_NEWUSER);
    if (c == 0) { die_with_parent(); char x; (void)!read(go[0], &x, 1); _exit(0); }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/uid_map", c);
    put(fd, write_file(path, "0 100 10\n5 200 10\n"));
    put(fd, write_file(path, "0 100 10\n10 300 10\n"));
    (void)!write(go[1], "x", 1);
    wait_all();
  });
  REQUIRE(host.size() == 10);
  World w;
  w.fork(1, 2);
  w.make_unprivileged(2, 1000);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewUser).ok());
  std::vector<int> lib;
  ns::IdExtent other{0, 2000, 1}, own{0, 1000, 1};
  lib.push_back(e(w.reg.write_uid_map(K(2), K(2), &other, 1)));
  lib.push_back(e(w.reg.write_uid_map(K(2), K(2), &own, 1)));
  lib.push_back(e(w.reg.write_uid_map(K(2), K(2), &own, 1)));
  lib.push_back(e(w.reg.write_gid_map(K(2), K(2), &own, 1)));
  lib.push_back(e(w.reg.write_setgroups(K(2), K(2), false)));
  lib.push_back(e(w.reg.write_gid_map(K(2), K(2), &own, 1)));
  lib.push_back(e(w.reg.write_setgroups(K(2), K(2), true)));
  lib.push_back(static_cast<int>(w.reg.getids(K(2)).value().uid));
  w.fork(1, 3, ns::kCloneNewUser);
  ns::IdExtent overlap[] = {{0, 100, 10}, {5, 200, 10}};
  ns::IdExtent fine[] = {{0, 100, 10}, {10, 300, 10}};
  lib.push_back(e(w.reg.write_uid_map(K(1), K(3), overlap, 2)));
  lib.push_back(e(w.reg.write_uid_map(K(1), K(3), fine, 2)));
  const char* names[] = {"map another uid", "map own uid", "map again", "gid_map before deny", "deny",
                         "gid_map after deny", "allow after deny", "getuid inside", "overlapping lines",
                         "two valid lines"};
  for (size_t i = 0; i < 10; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}

TEST_CASE("mount propagation between mount namespaces", "[linux]") {
  SKIP_UNLESS_HOST("mount_propagation");
  char tmpl[] = "/tmp/libns-diff-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string T = tmpl;
  // Host: in a private copy of the mount tree, a tmpfs T (with a b c) made shared; a peer copy
  // (another unshare(CLONE_NEWNS)) and then a slave; report which mounts each side sees.
  auto host = in_child([&](int fd) {
    if (unshare(CLONE_NEWNS) != 0) _exit(1);
    mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
    if (mount("t", T.c_str(), "tmpfs", 0, nullptr) != 0) _exit(1);
    for (const char* d : {"/a", "/b", "/c"}) mkdir((T + d).c_str(), 0755);
    mount(nullptr, T.c_str(), nullptr, MS_SHARED, nullptr);
    auto mounted = [&](const char* d) {
      struct stat top, sub;
      if (stat(T.c_str(), &top) != 0 || stat((T + d).c_str(), &sub) != 0) return -1;
      return top.st_dev != sub.st_dev ? 1 : 0;
    };
    int to_child[2], to_parent[2];
    (void)!pipe(to_child);
    (void)!pipe(to_parent);
    char x;
    pid_t c = fork();
    if (c == 0) {
      die_with_parent();
      if (unshare(CLONE_NEWNS) != 0) _exit(1);
      mount("u", (T + "/a").c_str(), "tmpfs", 0, nullptr);      // peer: should reach the parent
      (void)!write(to_parent[1], "1", 1);
      (void)!read(to_child[0], &x, 1);
      put(fd, mounted("/b"));                                  // the parent's mount reached us
      mount(nullptr, T.c_str(), nullptr, MS_SLAVE, nullptr);
      (void)!write(to_parent[1], "2", 1);
      (void)!read(to_child[0], &x, 1);
      put(fd, mounted("/c"));                                  // slave still receives
      mount("v", (T + "/a").c_str(), "tmpfs", 0, nullptr);      // stacked on a, only here
      umount2((T + "/b").c_str(), 0);                          // slave's unmount stays here
      (void)!write(to_parent[1], "3", 1);
      (void)!read(to_child[0], &x, 1);
      _exit(0);
    }
    (void)!read(to_parent[0], &x, 1);
    put(fd, mounted("/a"));
    mount("w", (T + "/b").c_str(), "tmpfs", 0, nullptr);
    (void)!write(to_child[1], "1", 1);
    (void)!read(to_parent[0], &x, 1);
    mount("y", (T + "/c").c_str(), "tmpfs", 0, nullptr);
    (void)!write(to_child[1], "2", 1);
    (void)!read(to_parent[0], &x, 1);
    put(fd, mounted("/b"));
    umount2((T + "/a").c_str(), MNT_DETACH);   // the top of a is the peer's first mount
    put(fd, mounted("/a"));
    (void)!write(to_child[1], "3", 1);
    waitpid(c, nullptr, 0);
  });
  rmdir(tmpl);
  REQUIRE(host.size() == 5);
  // The same in libns, over MemFs.
  World w;
  ns::MemFs t(w.heap), u(w.heap), v(w.heap), wfs(w.heap), y(w.heap);
  REQUIRE(w.fs.mkdirs("/tmp/d").ok());
  for (const char* d : {"/a", "/b", "/c"}) REQUIRE(t.mkdirs(d).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.mount(K(2), "/tmp/d", t, "t", "tmpfs", 0).ok());
  REQUIRE(w.reg.make_mount(K(2), "/tmp/d", ns::Propagation::Shared, false).ok());
  auto mounted = [&](uint64_t p, const char* d) {
    auto top = w.reg.resolve(K(p), "/tmp/d");
    auto sub = w.reg.resolve(K(p), (std::string("/tmp/d") + d).c_str());
    if (!top.ok() || !sub.ok()) return -1;
    return top.value().mnt != sub.value().mnt ? 1 : 0;
  };
  std::vector<int> lib;
  w.fork(2, 3, ns::kCloneNewNs);
  REQUIRE(w.reg.mount(K(3), "/tmp/d/a", u, "u", "tmpfs", 0).ok());
  lib.push_back(mounted(2, "/a"));
  REQUIRE(w.reg.mount(K(2), "/tmp/d/b", wfs, "w", "tmpfs", 0).ok());
  lib.push_back(mounted(3, "/b"));
  REQUIRE(w.reg.make_mount(K(3), "/tmp/d", ns::Propagation::Slave, false).ok());
  REQUIRE(w.reg.mount(K(2), "/tmp/d/c", y, "y", "tmpfs", 0).ok());
  lib.push_back(mounted(3, "/c"));
  REQUIRE(w.reg.mount(K(3), "/tmp/d/a", v, "v", "tmpfs", 0).ok());
  REQUIRE(w.reg.umount(K(3), "/tmp/d/b", false).ok());
  lib.push_back(mounted(2, "/b"));
  REQUIRE(w.reg.umount(K(2), "/tmp/d/a", true).ok());
  lib.push_back(mounted(2, "/a"));
  const char* names[] = {"peer mount reaches parent", "parent mount reaches peer", "slave receives",
                         "slave unmount stays local", "parent sees a after unmounting it"};
  for (size_t i = 0; i < 5; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}

TEST_CASE("hostname and IPC-key visibility", "[linux]") {
  SKIP_UNLESS_HOST("hostname_ipc_visibility");
  char before[65] = {};
  gethostname(before, 64);
  auto host = in_child([](int fd) {
    if (unshare(CLONE_NEWUTS | CLONE_NEWIPC) != 0) _exit(1);
    put(fd, err_of(sethostname("libns-diff", 10)));
    char big[70];
    memset(big, 'h', sizeof big);
    put(fd, err_of(sethostname(big, 65)));
    int q = msgget(0x4c4e53, IPC_CREAT | 0600);
    put(fd, q >= 0 ? 0 : errno);
    put(fd, msgget(0x4c4e53, IPC_CREAT | IPC_EXCL | 0600) >= 0 ? 0 : errno);
    if (fork() == 0) {   // shares both namespaces
      char name[65] = {};
      gethostname(name, 64);
      put(fd, strcmp(name, "libns-diff") == 0);
      put(fd, msgget(0x4c4e53, 0) >= 0 ? 0 : errno);
      _exit(0);
    }
    wait_all();
    if (fork() == 0) {   // a fresh IPC namespace: the key is not there
      unshare(CLONE_NEWIPC);
      put(fd, msgget(0x4c4e53, 0) >= 0 ? 0 : errno);
      _exit(0);
    }
    wait_all();
  });
  char after[65] = {};
  gethostname(after, 64);
  CHECK(strcmp(before, after) == 0);   // the test's own namespace was never touched
  REQUIRE(host.size() == 7);
  World w;
  w.fork(1, 2, ns::kCloneNewUts | ns::kCloneNewIpc);
  std::vector<int> lib;
  lib.push_back(e(w.reg.sethostname(K(2), "libns-diff", 10)));
  lib.push_back(e(w.reg.sethostname(K(2), "hhhhhhhh", 65)));
  auto& ipc = *w.reg.find_process(K(2))->nsset()->ipc();
  auto q = ipc.msgget(0x4c4e53, ns::kIpcCreat);
  lib.push_back(q.ok() ? 0 : e(q.error()));
  auto q2 = ipc.msgget(0x4c4e53, ns::kIpcCreat | ns::kIpcExcl);
  lib.push_back(q2.ok() ? 0 : e(q2.error()));
  w.fork(2, 3);
  lib.push_back(strcmp(w.reg.uname(K(3)).value().nodename, "libns-diff") == 0);
  auto q3 = w.reg.find_process(K(3))->nsset()->ipc()->msgget(0x4c4e53, 0);
  lib.push_back(q3.ok() ? 0 : e(q3.error()));
  w.fork(2, 4, ns::kCloneNewIpc);
  auto q4 = w.reg.find_process(K(4))->nsset()->ipc()->msgget(0x4c4e53, 0);
  lib.push_back(q4.ok() ? 0 : e(q4.error()));
  const char* names[] = {"sethostname", "sethostname 65 bytes", "msgget create", "msgget excl",
                         "sibling sees hostname", "sibling sees key", "new ipc ns lacks key"};
  for (size_t i = 0; i < 7; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}

TEST_CASE("groups, sessions, signals to init and a dead pid namespace", "[linux]") {
  SKIP_UNLESS_HOST("pid_groups_signals_death");
  auto host = in_child([](int fd) {
    int go[2], ready[2];
    (void)!pipe(go);
    (void)!pipe(ready);
    pid_t init = clone_fork(CLONE_NEWPID);
    if (init == 0) {
      die_with_parent();
      put(fd, getpgid(0));      // the inherited group is outside: 0
      put(fd, getsid(0));
      int a_ready[2], a_go[2];
      (void)!pipe(a_ready);
      (void)!pipe(a_go);
      pid_t a = fork();
      if (a == 0) {
        die_with_parent();
        put(fd, setsid());                       // 2
        put(fd, setsid() < 0 ? errno : 0);       // EPERM: now a group leader
        if (fork() == 0) {
          put(fd, getpgid(0));
          put(fd, getsid(0));
          put(fd, getppid());
          put(fd, kill(1, SIGKILL) < 0 ? errno : 0);   // dropped, but no error
          put(fd, kill(1, SIGTERM) < 0 ? errno : 0);
          _exit(0);
        }
        wait_all();
        (void)!write(a_ready[1], "x", 1);
        char x;
        (void)!read(a_go[0], &x, 1);
        _exit(0);
      }
      char x;
      (void)!read(a_ready[0], &x, 1);
      put(fd, setpgid(a, 0) < 0 ? errno : 0);    // EPERM: a session leader in another session
      put(fd, setpgid(77, 0) < 0 ? errno : 0);   // ESRCH
      (void)!write(a_go[1], "x", 1);
      wait_all();
      put(fd, 1);                                // init survived its members' signals
      (void)!write(ready[1], "x", 1);
      (void)!read(go[0], &x, 1);                 // wait to be killed from outside
      _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/pid", init);
    int nsfd = open(path, O_RDONLY);
    // Let init run its scenario, then kill it from the ancestor namespace: forced.
    char x;
    (void)!read(ready[0], &x, 1);
    put(fd, kill(init, SIGKILL) < 0 ? errno : 0);
    int status = 0;
    waitpid(init, &status, 0);
    put(fd, WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    // The namespace still exists (our fd holds it) but takes no new process.
    if (fork() == 0) {
      put(fd, setns(nsfd, CLONE_NEWPID) < 0 ? errno : 0);
      pid_t c = fork();
      if (c == 0) _exit(0);
      put(fd, c < 0 ? errno : 0);
      _exit(0);
    }
    wait_all();
    close(nsfd);
  });
  World w;
  std::vector<int> lib;
  w.fork(1, 2);                                   // C
  w.fork(2, 3, ns::kCloneNewPid);                 // init
  lib.push_back(w.reg.getpgid(K(3), 0).value());
  lib.push_back(w.reg.getsid(K(3), 0).value());
  w.fork(3, 4);                                   // a
  lib.push_back(w.reg.setsid(K(4)).value());
  lib.push_back(e(w.reg.setsid(K(4)).error()));
  w.fork(4, 5);
  lib.push_back(w.reg.getpgid(K(5), 0).value());
  lib.push_back(w.reg.getsid(K(5), 0).value());
  lib.push_back(w.reg.getppid(K(5)).value());
  lib.push_back(e(w.reg.kill(K(5), 1, ns::kSigKill)));
  lib.push_back(e(w.reg.kill(K(5), 1, ns::kSigTerm)));
  REQUIRE(w.reg.exit(K(5), 0).ok());
  REQUIRE(w.reg.wait(K(4), -1).ok());
  lib.push_back(e(w.reg.setpgid(K(3), 2, 0)));
  lib.push_back(e(w.reg.setpgid(K(3), 77, 0)));
  REQUIRE(w.reg.exit(K(4), 0).ok());
  REQUIRE(w.reg.wait(K(3), -1).ok());
  lib.push_back(w.reg.find_process(K(3))->running() ? 1 : 0);
  auto h = w.reg.open_ns(K(3), ns::NsType::Pid).value();
  ns::Pid init_pid = w.reg.root_pid_ns().pid_of(K(3)).value();
  lib.push_back(e(w.reg.kill(K(2), init_pid, ns::kSigKill)));
  lib.push_back(w.reg.find_process(K(3))->running() ? 0 : 1);
  REQUIRE(w.reg.wait(K(2), -1).ok());
  w.fork(2, 6);
  lib.push_back(e(w.reg.setns(K(6), *h, ns::kCloneNewPid)));
  auto c = w.reg.clone(K(6), K(7), 0);
  lib.push_back(c.ok() ? 0 : e(c.error()));
  w.reg.close(h);
  const char* names[] = {"init getpgid", "init getsid", "setsid", "setsid again", "getpgid", "getsid",
                         "getppid", "kill(1, SIGKILL) inside", "kill(1, SIGTERM) inside",
                         "setpgid(session leader)", "setpgid(no such pid)", "init survived",
                         "kill init from ancestor", "init died of SIGKILL", "setns into dead ns",
                         "fork into dead ns"};
  REQUIRE(host.size() == 16);
  for (size_t i = 0; i < 16; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}

TEST_CASE("a mount-namespace copy for a less privileged user namespace", "[linux]") {
  SKIP_UNLESS_HOST("locked_mounts");
  char tmpl[] = "/tmp/libns-diff-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  chmod(tmpl, 0755);   // uid 1000 must be able to walk to it
  std::string T = tmpl;
  auto host = in_child([&](int fd) {
    if (unshare(CLONE_NEWNS) != 0) _exit(1);
    mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
    if (mount("t", T.c_str(), "tmpfs", 0, nullptr) != 0) _exit(1);
    for (const char* d : {"/a", "/b", "/c"}) mkdir((T + d).c_str(), 0755);
    mount("a", (T + "/a").c_str(), "tmpfs", MS_RDONLY, nullptr);
    mount(nullptr, T.c_str(), nullptr, MS_SHARED, nullptr);
    auto mounted = [&](const char* d) {
      struct stat top, sub;
      if (stat(T.c_str(), &top) != 0 || stat((T + d).c_str(), &sub) != 0) return -1;
      return top.st_dev != sub.st_dev ? 1 : 0;
    };
    int to_child[2], to_parent[2];
    (void)!pipe(to_child);
    (void)!pipe(to_parent);
    char x;
    pid_t c = fork();
    if (c == 0) {
      die_with_parent();
      (void)!setgroups(0, nullptr);
      (void)!setgid(1000);
      (void)!setuid(1000);
      if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) _exit(1);
      put(fd, umount2((T + "/a").c_str(), 0) == 0 ? 0 : errno);        // locked
      put(fd, mount(nullptr, (T + "/a").c_str(), nullptr, MS_REMOUNT | MS_BIND, nullptr) == 0 ? 0 : errno);
      put(fd, mount("c", (T + "/c").c_str(), "tmpfs", 0, nullptr) == 0 ? 0 : errno);
      (void)!write(to_parent[1], "1", 1);
      (void)!read(to_child[0], &x, 1);
      put(fd, mounted("/b"));                                            // still receives
      _exit(0);
    }
    (void)!read(to_parent[0], &x, 1);
    put(fd, mounted("/c"));                                              // never sends
    mount("b", (T + "/b").c_str(), "tmpfs", 0, nullptr);
    (void)!write(to_child[1], "1", 1);
    waitpid(c, nullptr, 0);
  });
  rmdir(tmpl);
  REQUIRE(host.size() == 5);
  World w;
  ns::MemFs t(w.heap), a(w.heap), b(w.heap), c(w.heap);
  REQUIRE(w.fs.mkdirs("/tmp/d").ok());
  for (const char* d : {"/a", "/b", "/c"}) REQUIRE(t.mkdirs(d).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.mount(K(2), "/tmp/d", t, "t", "tmpfs", 0).ok());
  REQUIRE(w.reg.mount(K(2), "/tmp/d/a", a, "a", "tmpfs", ns::kMsRdonly).ok());
  REQUIRE(w.reg.make_mount(K(2), "/tmp/d", ns::Propagation::Shared, false).ok());
  w.fork(2, 3);
  w.make_unprivileged(3, 1000);
  REQUIRE(w.reg.unshare(K(3), ns::kCloneNewUser | ns::kCloneNewNs).ok());
  auto mounted = [&](uint64_t p, const char* d) {
    auto top = w.reg.resolve(K(p), "/tmp/d");
    auto sub = w.reg.resolve(K(p), (std::string("/tmp/d") + d).c_str());
    if (!top.ok() || !sub.ok()) return -1;
    return top.value().mnt != sub.value().mnt ? 1 : 0;
  };
  std::vector<int> lib;
  lib.push_back(e(w.reg.umount(K(3), "/tmp/d/a", false)));
  lib.push_back(e(w.reg.remount(K(3), "/tmp/d/a", 0)));
  auto mc = w.reg.mount(K(3), "/tmp/d/c", c, "c", "tmpfs", 0);
  lib.push_back(mc.ok() ? 0 : e(mc.error()));
  lib.push_back(mounted(2, "/c"));
  REQUIRE(w.reg.mount(K(2), "/tmp/d/b", b, "b", "tmpfs", 0).ok());
  lib.push_back(mounted(3, "/b"));
  // Host order: umount, remount, mount c, then (parent) sees c, then (child) sees b.
  const char* names[] = {"umount a locked mount", "remount clearing a locked read-only",
                         "mount in the copy", "the original sees the copy's mount",
                         "the copy receives the original's mount"};
  for (size_t i = 0; i < 5; ++i) {
    INFO(names[i] << ": linux " << host[i] << " libns " << lib[i]);
    CHECK(host[i] == lib[i]);
  }
}
