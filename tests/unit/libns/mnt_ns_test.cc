// tests/unit/libns/mnt_ns_test.cc: mount namespaces (mount_namespaces(7)): path walk across
// mounts, bind mounts, tree copies, propagation (shared/private/slave/unbindable), unmount rules,
// locked mounts, chroot and pivot_root.
#include "fixture.h"

using ns::Errno;
using ns::MountPath;
using ns::Propagation;
using ns_test::K;
using ns_test::World;

namespace {

// World plus a second filesystem to mount, with /x/y in it.
struct MountWorld : World {
  MountWorld() : other(heap), third(heap) {
    REQUIRE(other.mkdirs("/x/y").ok());
    REQUIRE(third.mkdirs("/z").ok());
  }
  MountPath at(uint64_t p, const char* path) {
    auto r = reg.resolve(K(p), path);
    INFO(path << ": " << ns::errno_name(r.error()));
    REQUIRE(r.ok());
    return r.value();
  }
  bool sees(uint64_t p, const char* path) { return reg.resolve(K(p), path).ok(); }
  ns::MemFs other;
  ns::MemFs third;
};

}  // namespace

TEST_CASE("path walk crosses into mounts and back out on ..", "[mnt_ns]") {
  MountWorld w;
  CHECK_FALSE(w.sees(1, "/mnt/a/x"));
  auto* m = w.reg.mount(K(1), "/mnt/a", w.other, "other", "memfs", 0).value();
  MountPath p = w.at(1, "/mnt/a");
  CHECK(p.mnt == m);
  CHECK(p.dentry == w.other.root());
  CHECK(w.at(1, "/mnt/a/x/y").mnt == m);
  CHECK(w.at(1, "/mnt/a/x/../..").mnt == w.at(1, "/mnt").mnt);
  CHECK(w.at(1, "/mnt/a/..").dentry == w.at(1, "/mnt").dentry);
  CHECK(w.at(1, "/../../mnt/./a").mnt == m);   // .. at the root stays at the root
  SECTION("errors") {
    CHECK(w.reg.resolve(K(1), "/nope").error() == Errno::NoEnt);
    CHECK(w.reg.resolve(K(1), "/etc/hostname/x").error() == Errno::NotDir);
    CHECK(w.reg.resolve(K(1), "").error() == Errno::NoEnt);
    std::string longc = "/" + std::string(256, 'a');
    CHECK(w.reg.resolve(K(1), longc.c_str()).error() == Errno::NameTooLong);
  }
  SECTION("a second mount on the same place stacks on top") {
    auto* top = w.reg.mount(K(1), "/mnt/a", w.third, "third", "memfs", 0).value();
    CHECK(w.at(1, "/mnt/a").mnt == top);
    CHECK(w.sees(1, "/mnt/a/z"));
    CHECK_FALSE(w.sees(1, "/mnt/a/x"));
    REQUIRE(w.reg.umount(K(1), "/mnt/a", false).ok());
    CHECK(w.sees(1, "/mnt/a/x"));
  }
}

TEST_CASE("bind mounts, recursive or not", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.mount(K(1), "/srv/data", w.other, "other", "memfs", 0).ok());
  SECTION("a plain bind does not bring submounts") {
    auto* b = w.reg.bind_mount(K(1), "/srv", "/mnt/b", false).value();
    CHECK(w.at(1, "/mnt/b").mnt == b);
    CHECK(w.sees(1, "/mnt/b/data/sub"));       // the directory of the underlying fs
    CHECK_FALSE(w.sees(1, "/mnt/b/data/x"));   // not the mount on it
  }
  SECTION("a recursive bind does") {
    REQUIRE(w.reg.bind_mount(K(1), "/srv", "/mnt/b", true).ok());
    CHECK(w.sees(1, "/mnt/b/data/x/y"));
  }
  SECTION("an unbindable mount cannot be bound, and rbind leaves it out") {
    REQUIRE(w.reg.make_mount(K(1), "/srv/data", Propagation::Unbindable, false).ok());
    CHECK(w.reg.bind_mount(K(1), "/srv/data", "/mnt/a", false).error() == Errno::Inval);
    REQUIRE(w.reg.bind_mount(K(1), "/srv", "/mnt/b", true).ok());
    CHECK(w.sees(1, "/mnt/b/data/sub"));
    CHECK_FALSE(w.sees(1, "/mnt/b/data/x"));
  }
  SECTION("a bind of a file onto a directory is ENOTDIR") {
    CHECK(w.reg.bind_mount(K(1), "/etc/hostname", "/mnt/a", false).error() == Errno::NotDir);
  }
}

TEST_CASE("a new mount namespace is a copy; private mounts do not propagate", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.mount(K(1), "/srv/data", w.other, "other", "memfs", 0).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  CHECK(w.sees(2, "/srv/data/x"));
  CHECK(w.at(2, "/srv/data").mnt != w.at(1, "/srv/data").mnt);   // a copy, not the same mount
  CHECK(w.reg.find_process(K(2))->nsset()->mnt()->mount_count() == 2);
  REQUIRE(w.reg.mount(K(2), "/mnt/a", w.third, "t", "memfs", 0).ok());
  CHECK_FALSE(w.sees(1, "/mnt/a/z"));
  REQUIRE(w.reg.umount(K(2), "/srv/data", false).ok());
  CHECK(w.sees(1, "/srv/data/x"));
}

TEST_CASE("shared mounts propagate both ways between the copies", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, true).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.mount(K(2), "/mnt/a", w.other, "o", "memfs", 0).ok());
  CHECK(w.sees(1, "/mnt/a/x"));
  REQUIRE(w.reg.mount(K(1), "/mnt/b", w.third, "t", "memfs", 0).ok());
  CHECK(w.sees(2, "/mnt/b/z"));
  SECTION("and so do unmounts") {
    REQUIRE(w.reg.umount(K(1), "/mnt/a", false).ok());
    CHECK_FALSE(w.sees(2, "/mnt/a/x"));
  }
  SECTION("the new mounts are peers of each other") {
    auto* a1 = w.at(1, "/mnt/a").mnt;
    auto* a2 = w.at(2, "/mnt/a").mnt;
    CHECK(a1->group != 0);
    CHECK(a1->group == a2->group);
  }
}

TEST_CASE("a slave receives from its master but does not send", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, true).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.make_mount(K(2), "/", Propagation::Slave, true).ok());
  CHECK(ns::MntNamespace::propagation_of(*w.at(2, "/").mnt) == Propagation::Slave);
  REQUIRE(w.reg.mount(K(1), "/mnt/a", w.other, "o", "memfs", 0).ok());
  CHECK(w.sees(2, "/mnt/a/x"));
  REQUIRE(w.reg.mount(K(2), "/mnt/b", w.third, "t", "memfs", 0).ok());
  CHECK_FALSE(w.sees(1, "/mnt/b/z"));
  SECTION("a private mount receives nothing") {
    w.fork(1, 3, ns::kCloneNewNs);
    REQUIRE(w.reg.make_mount(K(3), "/", Propagation::Private, true).ok());
    REQUIRE(w.reg.umount(K(1), "/mnt/a", false).ok());
    CHECK_FALSE(w.sees(2, "/mnt/a/x"));   // the slave follows its master
    CHECK(w.sees(3, "/mnt/a/x"));         // the private copy keeps its own
  }
}

TEST_CASE("a shared slave passes on what it receives", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, true).ok());
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.make_mount(K(2), "/", Propagation::Slave, true).ok());
  REQUIRE(w.reg.make_mount(K(2), "/", Propagation::Shared, true).ok());   // slave and shared
  w.fork(2, 3, ns::kCloneNewNs);                                          // 3's copy is 2's peer
  REQUIRE(w.reg.mount(K(1), "/mnt/a", w.other, "o", "memfs", 0).ok());
  CHECK(w.sees(2, "/mnt/a/x"));
  CHECK(w.sees(3, "/mnt/a/x"));
  REQUIRE(w.reg.mount(K(3), "/mnt/b", w.third, "t", "memfs", 0).ok());
  CHECK(w.sees(2, "/mnt/b/z"));
  CHECK_FALSE(w.sees(1, "/mnt/b/z"));
}

TEST_CASE("unmount rules", "[mnt_ns]") {
  MountWorld w;
  REQUIRE(w.reg.mount(K(1), "/mnt/a", w.other, "o", "memfs", 0).ok());
  CHECK(w.reg.umount(K(1), "/mnt", false).error() == Errno::Inval);    // not a mount
  CHECK(w.reg.umount(K(1), "/", false).error() == Errno::Busy);
  REQUIRE(w.reg.mount(K(1), "/mnt/a/x", w.third, "t", "memfs", 0).ok());
  CHECK(w.reg.umount(K(1), "/mnt/a", false).error() == Errno::Busy);   // has a submount
  SECTION("detach takes the submounts too") {
    REQUIRE(w.reg.umount(K(1), "/mnt/a", true).ok());
    CHECK_FALSE(w.sees(1, "/mnt/a/x"));
  }
  SECTION("a process working inside makes it busy") {
    w.fork(1, 2);
    REQUIRE(w.reg.chdir(K(2), "/mnt/a/x/z").ok());
    CHECK(w.reg.umount(K(1), "/mnt/a/x", false).error() == Errno::Busy);
    REQUIRE(w.reg.exit(K(2), 0).ok());
    CHECK(w.reg.umount(K(1), "/mnt/a/x", false).ok());
  }
  SECTION("mount needs CAP_SYS_ADMIN over the mount namespace") {
    w.fork(1, 3);
    w.make_unprivileged(3, 1000);
    CHECK(w.reg.mount(K(3), "/mnt/b", w.third, "t", "memfs", 0).error() == Errno::Perm);
    CHECK(w.reg.umount(K(3), "/mnt/a/x", false).error() == Errno::Perm);
  }
}

TEST_CASE("a copy for a less privileged user namespace is locked and only receives", "[mnt_ns][user_ns]") {
  MountWorld w;
  REQUIRE(w.reg.mount(K(1), "/srv/data", w.other, "o", "memfs", ns::kMsRdonly).ok());
  REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, true).ok());
  w.fork(1, 2);
  w.make_unprivileged(2, 1000);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewUser | ns::kCloneNewNs).ok());
  auto* copy = w.at(2, "/srv/data").mnt;
  CHECK(copy->locked);
  CHECK(ns::MntNamespace::propagation_of(*copy) == Propagation::Slave);
  CHECK(w.reg.umount(K(2), "/srv/data", false).error() == Errno::Inval);
  CHECK(w.reg.remount(K(2), "/srv/data", 0).error() == Errno::Perm);   // cannot drop read-only
  CHECK(w.reg.remount(K(2), "/srv/data", ns::kMsRdonly | ns::kMsNosuid).ok());
  // It may mount on top, and what it mounts stays inside.
  REQUIRE(w.reg.mount(K(2), "/mnt/a", w.third, "t", "memfs", 0).ok());
  CHECK_FALSE(w.sees(1, "/mnt/a/z"));
  REQUIRE(w.reg.mount(K(1), "/mnt/b", w.third, "t", "memfs", 0).ok());
  CHECK(w.sees(2, "/mnt/b/z"));
  SECTION("a copy for the same owner is not locked") {
    w.fork(1, 3, ns::kCloneNewNs);
    CHECK_FALSE(w.at(3, "/srv/data").mnt->locked);
  }
}

TEST_CASE("chroot confines .. and needs CAP_SYS_CHROOT", "[mnt_ns]") {
  MountWorld w;
  w.fork(1, 2);
  CHECK(w.reg.chroot(K(2), "/etc/hostname").error() == Errno::NotDir);
  CHECK(w.reg.chroot(K(2), "/nope").error() == Errno::NoEnt);
  REQUIRE(w.reg.chroot(K(2), "/srv").ok());
  CHECK(w.at(2, "/data/sub").dentry == w.at(1, "/srv/data/sub").dentry);
  CHECK(w.at(2, "/../..").dentry == w.at(1, "/srv").dentry);
  CHECK_FALSE(w.sees(2, "/etc"));
  w.fork(1, 3);
  w.make_unprivileged(3, 1000);
  CHECK(w.reg.chroot(K(3), "/srv").error() == Errno::Perm);
}

TEST_CASE("pivot_root swaps the root mount and moves the namespace's processes", "[mnt_ns]") {
  MountWorld w;
  w.fork(1, 2, ns::kCloneNewNs);
  w.fork(2, 3);
  SECTION("new_root on the current root mount is EBUSY, a non-mount EINVAL") {
    CHECK(w.reg.pivot_root(K(2), "/srv", "/srv/data").error() == Errno::Busy);
    REQUIRE(w.reg.bind_mount(K(2), "/newroot", "/newroot", false).ok());
    CHECK(w.reg.pivot_root(K(2), "/newroot", "/srv").error() == Errno::Busy);   // put_old on root mount
  }
  SECTION("the usual container sequence") {
    REQUIRE(w.reg.bind_mount(K(2), "/newroot", "/newroot", false).ok());
    REQUIRE(w.reg.pivot_root(K(2), "/newroot", "/newroot/oldroot").ok());
    CHECK(w.sees(2, "/oldroot/etc/hostname"));
    CHECK(w.sees(3, "/oldroot/etc/hostname"));   // the sibling moved too
    CHECK_FALSE(w.sees(2, "/etc"));
    REQUIRE(w.reg.umount(K(2), "/oldroot", true).ok());
    CHECK_FALSE(w.sees(2, "/oldroot/etc"));
    CHECK(w.sees(1, "/etc/hostname"));           // the other namespace is untouched
  }
  SECTION("a shared parent is EINVAL") {
    REQUIRE(w.reg.bind_mount(K(2), "/newroot", "/newroot", false).ok());
    REQUIRE(w.reg.make_mount(K(2), "/", Propagation::Shared, false).ok());
    CHECK(w.reg.pivot_root(K(2), "/newroot", "/newroot/oldroot").error() == Errno::Inval);
  }
  SECTION("put_old outside new_root is EINVAL") {
    REQUIRE(w.reg.bind_mount(K(2), "/newroot", "/newroot", false).ok());
    REQUIRE(w.reg.mount(K(2), "/mnt/a", w.other, "o", "memfs", 0).ok());
    CHECK(w.reg.pivot_root(K(2), "/newroot", "/mnt/a/x").error() == Errno::Inval);
  }
  SECTION("unprivileged: EPERM") {
    w.make_unprivileged(3, 1000);
    CHECK(w.reg.pivot_root(K(3), "/newroot", "/newroot/oldroot").error() == Errno::Perm);
  }
}

TEST_CASE("setns into a mount namespace puts root and cwd at its root", "[mnt_ns][setns]") {
  MountWorld w;
  w.fork(1, 2, ns::kCloneNewNs);
  REQUIRE(w.reg.mount(K(2), "/mnt/a", w.other, "o", "memfs", 0).ok());
  w.fork(1, 3);
  REQUIRE(w.reg.chdir(K(3), "/srv").ok());
  auto h = w.reg.open_ns(K(2), ns::NsType::Mnt).value();
  REQUIRE(w.reg.setns(K(3), *h, ns::kCloneNewNs).ok());
  CHECK(w.sees(3, "/mnt/a/x"));
  CHECK(w.at(3, ".").mnt == w.at(2, "/").mnt);
  w.reg.close(h);
}

TEST_CASE("moving a mount (MS_MOVE)", "[mnt_ns]") {
  MountWorld w;
  auto* m = w.reg.mount(K(1), "/mnt/a", w.other, "o", "memfs", 0).value();
  REQUIRE(w.reg.move_mount(K(1), "/mnt/a", "/srv/data").ok());
  CHECK(w.at(1, "/srv/data").mnt == m);
  CHECK(w.sees(1, "/srv/data/x/y"));
  CHECK_FALSE(w.sees(1, "/mnt/a/x"));
  SECTION("errors") {
    CHECK(w.reg.move_mount(K(1), "/srv", "/mnt/b").error() == Errno::Inval);          // not a mount
    CHECK(w.reg.move_mount(K(1), "/", "/mnt/b").error() == Errno::Inval);             // the root
    CHECK(w.reg.move_mount(K(1), "/srv/data", "/srv/data/x").error() == Errno::Loop); // into itself
    REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, false).ok());
    CHECK(w.reg.move_mount(K(1), "/srv/data", "/mnt/b").error() == Errno::Inval);     // shared parent
  }
  SECTION("into a shared mount it propagates like a new mount") {
    REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Shared, false).ok());
    REQUIRE(w.reg.make_mount(K(1), "/", Propagation::Private, false).ok());
    REQUIRE(w.reg.bind_mount(K(1), "/mnt", "/mnt", false).ok());
    REQUIRE(w.reg.make_mount(K(1), "/mnt", Propagation::Shared, false).ok());
    w.fork(1, 2, ns::kCloneNewNs);
    REQUIRE(w.reg.move_mount(K(1), "/srv/data", "/mnt/b").ok());
    CHECK(w.sees(2, "/mnt/b/x/y"));
  }
}
