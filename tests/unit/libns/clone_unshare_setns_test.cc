// tests/unit/libns/clone_unshare_setns_test.cc: clone(2)/unshare(2)/setns(2) semantics for every
// namespace type, NsSet sharing and copy-on-change, reference counting and the KoID index.
#include "../../fuzz/invariants.h"
#include "fixture.h"

using ns::Errno;
using ns::NsType;
using ns_test::K;
using ns_test::World;

namespace {
constexpr uint64_t kAllButUser = ns::kCloneNsFlags & ~ns::kCloneNewUser;
constexpr NsType kTypes[] = {NsType::Mnt, NsType::Uts, NsType::Ipc, NsType::Pid,
                             NsType::Net, NsType::User, NsType::Cgroup, NsType::Time};
}  // namespace

TEST_CASE("a child shares its parent's NsSet until one of them changes it", "[clone]") {
  World w;
  auto* c = w.fork(1, 2);
  CHECK(c->nsset() == w.init->nsset());
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewUts).ok());
  CHECK(c->nsset() != w.init->nsset());
  CHECK(c->nsset()->uts() != w.init->nsset()->uts());
  CHECK(c->nsset()->ipc() == w.init->nsset()->ipc());   // the rest is still shared
  CHECK(c->nsset()->mnt() == w.init->nsset()->mnt());
}

TEST_CASE("each CLONE_NEW* flag gives the child a new namespace of that type only", "[clone]") {
  for (NsType t : kTypes) {
    World w;
    uint64_t flag = ns::clone_flag(t);
    w.fork(1, 2, flag);
    for (NsType u : kTypes) {
      ns::Which which = u == NsType::Pid ? ns::Which::ForChildren : ns::Which::Active;
      bool differs = w.reg.ns_of(K(2), u, which) != w.reg.ns_of(K(1), u, which);
      INFO("flag for type " << int(t) << ", checking type " << int(u));
      CHECK(differs == (u == t));
    }
    auto* n = w.reg.ns_of(K(2), t, t == NsType::Pid ? ns::Which::ForChildren : ns::Which::Active);
    CHECK(n->type() == t);
    CHECK(w.reg.find_ns(n->koid()) == n);
    if (t == NsType::Pid || t == NsType::User) CHECK(n->level() == 1);
    else CHECK(n->copied_from() == w.reg.ns_of(K(1), t)->koid());
  }
}

TEST_CASE("clone refuses the flag combinations Linux refuses", "[clone]") {
  World w;
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneNewNs | ns::kCloneFs).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneNewUser | ns::kCloneFs).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneThread).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneSighand).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneThread | ns::kCloneSighand | ns::kCloneVm | ns::kCloneNewPid).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneNewIpc | ns::kCloneSysvsem).error() == Errno::Inval);
  CHECK(w.reg.clone(K(1), K(2), ns::kCloneParent).error() == Errno::Inval);   // init may not
  CHECK(w.reg.clone(K(9), K(2), 0).error() == Errno::Srch);
  w.fork(1, 2);
  CHECK(w.reg.clone(K(1), K(2), 0).error() == Errno::Exist);
  CHECK(w.reg.process_count() == 2);   // nothing was left behind by the refusals
  SECTION("CLONE_PARENT makes a sibling") {
    auto* c = w.fork(2, 3, ns::kCloneParent);
    CHECK(c->parent() == w.init);
  }
}

TEST_CASE("new namespaces other than user need CAP_SYS_ADMIN, unless a new user namespace comes first", "[clone]") {
  World w;
  w.fork(1, 2);
  w.make_unprivileged(2, 1000);
  for (NsType t : kTypes) {
    if (t == NsType::User) continue;
    CHECK(w.reg.clone(K(2), K(3), ns::clone_flag(t)).error() == Errno::Perm);
    CHECK(w.reg.unshare(K(2), ns::clone_flag(t)).error() == Errno::Perm);
  }
  auto* c = w.fork(2, 3, ns::kCloneNewUser | kAllButUser);
  CHECK(c->user_ns()->level() == 1);
  CHECK(c->nsset()->uts()->owner() == c->user_ns());
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewUser | ns::kCloneNewUts | ns::kCloneNewNet).ok());
  CHECK(w.reg.find_process(K(2))->nsset()->net()->owner() == w.reg.find_process(K(2))->user_ns());
  SECTION("a failed unshare changes nothing") {
    // 3's euid (1000) is not mapped in its own user namespace, so it cannot nest another one.
    size_t count = w.reg.ns_count();
    const ns::NsSet* set = w.reg.find_process(K(3))->nsset();
    CHECK(w.reg.unshare(K(3), ns::kCloneNewPid | ns::kCloneNewUser).error() == Errno::Perm);
    CHECK(w.reg.ns_count() == count);
    CHECK(w.reg.find_process(K(3))->nsset() == set);
  }
}

TEST_CASE("unshare accepts only its own flags", "[unshare]") {
  World w;
  CHECK(w.reg.unshare(K(1), ns::kCloneParent).error() == Errno::Inval);
  CHECK(w.reg.unshare(K(1), ns::kCloneFs | ns::kCloneFiles | ns::kCloneSysvsem).ok());
  CHECK(w.reg.unshare(K(42), 0).error() == Errno::Srch);
}

TEST_CASE("CLONE_NEWPID changes only the namespace of future children", "[unshare][pid_ns]") {
  World w;
  w.fork(1, 2);
  auto* before = &w.pidns(2);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewPid).ok());
  CHECK(&w.pidns(2) == before);   // the caller does not move
  CHECK(w.reg.getpid(K(2)).value() == 2);
  auto* pfc = static_cast<ns::PidNamespace*>(w.reg.ns_of(K(2), NsType::Pid, ns::Which::ForChildren));
  CHECK(pfc != before);
  SECTION("the first child is init of the new namespace, the next ones follow it") {
    w.fork(2, 3);
    w.fork(2, 4);
    CHECK(w.reg.getpid(K(3)).value() == 1);
    CHECK(w.reg.getpid(K(4)).value() == 2);
    CHECK(&w.pidns(3) == pfc);
    CHECK(pfc->child_reaper() == K(3));
  }
  SECTION("a second CLONE_NEWPID before entering is EINVAL") {
    CHECK(w.reg.unshare(K(2), ns::kCloneNewPid).error() == Errno::Inval);
    CHECK(w.reg.clone(K(2), K(3), ns::kCloneNewPid).error() == Errno::Inval);
  }
}

TEST_CASE("setns into a pid namespace: only the caller's own or a descendant, for children only", "[setns][pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);   // N
  w.fork(1, 3, ns::kCloneNewPid);   // sibling S
  auto n = w.reg.open_ns(K(2), NsType::Pid).value();
  auto s = w.reg.open_ns(K(3), NsType::Pid).value();
  auto root = w.reg.open_ns(K(1), NsType::Pid).value();
  CHECK(w.reg.setns(K(2), *s, ns::kCloneNewPid).error() == Errno::Inval);     // sibling
  CHECK(w.reg.setns(K(2), *root, ns::kCloneNewPid).error() == Errno::Inval);  // ancestor
  CHECK(w.reg.setns(K(2), *n, ns::kCloneNewPid).ok());                        // its own
  w.fork(1, 4);
  REQUIRE(w.reg.setns(K(4), *n, 0).ok());
  CHECK(&w.pidns(4) == &w.reg.root_pid_ns());   // the caller stays
  w.fork(4, 5);
  CHECK(&w.pidns(5) == &n->ns());
  CHECK(w.reg.getpid(K(5)).value() == 2);
  CHECK(w.reg.getppid(K(5)).value() == 0);     // its parent is outside
  SECTION("nstype must match the handle") {
    CHECK(w.reg.setns(K(4), *n, ns::kCloneNewUts).error() == Errno::Inval);
  }
  SECTION("without CAP_SYS_ADMIN: EPERM") {
    w.fork(1, 6);
    w.make_unprivileged(6, 1000);
    CHECK(w.reg.setns(K(6), *n, ns::kCloneNewPid).error() == Errno::Perm);
  }
  w.reg.close(n);
  w.reg.close(s);
  w.reg.close(root);
}

TEST_CASE("setns for every other type swaps that namespace and needs CAP_SYS_ADMIN over it", "[setns]") {
  for (NsType t : {NsType::Mnt, NsType::Uts, NsType::Ipc, NsType::Net, NsType::Cgroup, NsType::Time}) {
    World w;
    w.fork(1, 2, ns::clone_flag(t));
    w.fork(1, 3);
    auto h = w.reg.open_ns(K(2), t).value();
    INFO("type " << int(t));
    CHECK(w.reg.setns(K(3), *h, ns::clone_flag(t)).ok());
    CHECK(w.reg.ns_of(K(3), t) == &h->ns());
    for (NsType u : {NsType::Mnt, NsType::Uts, NsType::Ipc, NsType::Net, NsType::Cgroup})
      if (u != t) CHECK(w.reg.ns_of(K(3), u) == w.reg.ns_of(K(1), u));
    w.fork(1, 4);
    w.make_unprivileged(4, 1000);
    CHECK(w.reg.setns(K(4), *h, 0).error() == Errno::Perm);
    w.reg.close(h);
  }
}

TEST_CASE("setns into a user namespace", "[setns][user_ns]") {
  World w;
  w.fork(1, 2);
  w.make_unprivileged(2, 1000);
  w.fork(2, 3, ns::kCloneNewUser);
  auto h = w.reg.open_ns(K(3), NsType::User).value();
  auto own = w.reg.open_ns(K(3), NsType::User).value();
  SECTION("its own user namespace is EINVAL") { CHECK(w.reg.setns(K(3), *own, ns::kCloneNewUser).error() == Errno::Inval); }
  SECTION("the owner's uid has all capabilities there, so it may join") {
    w.fork(2, 4);
    REQUIRE(w.reg.setns(K(4), *h, ns::kCloneNewUser).ok());
    CHECK(w.reg.find_process(K(4))->user_ns() == &h->ns());
    CHECK(w.reg.find_process(K(4))->cred().effective == ns::kCapAll);
  }
  SECTION("another unprivileged uid may not") {
    w.fork(1, 5);
    w.make_unprivileged(5, 2000);
    CHECK(w.reg.setns(K(5), *h, 0).error() == Errno::Perm);
  }
  SECTION("an ancestor user namespace cannot be joined back") {
    auto root = w.reg.open_ns(K(1), NsType::User).value();
    CHECK(w.reg.setns(K(3), *root, 0).error() == Errno::Perm);
    w.reg.close(root);
  }
  w.reg.close(h);
  w.reg.close(own);
}

TEST_CASE("user namespaces nest to level 33 and then ENOSPC, like Linux since 4.9", "[clone][user_ns]") {
  World w;
  uint64_t k = 1;
  const ns::IdExtent root_only{0, 0, 1};
  for (int level = 1; level <= 33; ++level, ++k) {
    w.fork(k, k + 1, ns::kCloneNewUser);
    // Like `unshare -r`: map 0 to the parent's 0 so the next level can be created.
    REQUIRE(w.reg.write_uid_map(K(k), K(k + 1), &root_only, 1).ok());
    REQUIRE(w.reg.write_gid_map(K(k), K(k + 1), &root_only, 1).ok());
  }
  CHECK(w.reg.find_process(K(k))->user_ns()->level() == 33);
  CHECK(w.reg.clone(K(k), K(500), ns::kCloneNewUser).error() == Errno::NoSpc);
  CHECK(w.reg.unshare(K(k), ns::kCloneNewUser).error() == Errno::NoSpc);
}

TEST_CASE("max_user_namespaces bounds the count (ENOSPC)", "[clone][user_ns]") {
  ns::RegistryConfig cfg;
  cfg.max_user_namespaces = 3;   // the root counts
  World w(cfg);
  w.fork(1, 2, ns::kCloneNewUser);
  w.fork(1, 3, ns::kCloneNewUser);
  CHECK(w.reg.clone(K(1), K(4), ns::kCloneNewUser).error() == Errno::NoSpc);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  REQUIRE(w.reg.wait(K(1), -1).ok());
  w.fork(1, 4, ns::kCloneNewUser);   // the freed one makes room
}

TEST_CASE("a chrooted process may not create a user namespace", "[unshare][user_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.chroot(K(2), "/srv").ok());
  CHECK(w.reg.unshare(K(2), ns::kCloneNewUser).error() == Errno::Perm);
  CHECK(w.reg.clone(K(2), K(3), ns::kCloneNewUser).error() == Errno::Perm);
}

TEST_CASE("an unmapped euid cannot create a user namespace", "[clone][user_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUser);   // no maps written: uid 0 of the root is unmapped inside
  CHECK(w.reg.clone(K(2), K(3), ns::kCloneNewUser).error() == Errno::Perm);
}

TEST_CASE("a namespace lives while a member or a holder has it, and then leaves the index", "[refcount]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUts);
  auto* uts = w.reg.ns_of(K(2), NsType::Uts);
  ns::Koid koid = uts->koid();
  CHECK(uts->members() == 1);
  w.fork(2, 3);
  CHECK(uts->members() == 2);
  auto h = w.reg.open_ns(K(2), NsType::Uts).value();
  CHECK(uts->holders() == 1);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  REQUIRE(w.reg.exit(K(3), 0).ok());
  CHECK(uts->members() == 0);
  CHECK(w.reg.find_ns(koid) == uts);   // the handle keeps it
  SECTION("a holder can bring a process back into it") {
    w.fork(1, 4);
    REQUIRE(w.reg.setns(K(4), *h, 0).ok());
    w.reg.close(h);
    CHECK(w.reg.find_ns(koid) == uts);
  }
  SECTION("closing the last handle destroys it") {
    w.reg.close(h);
    CHECK(w.reg.find_ns(koid) == nullptr);
  }
}

TEST_CASE("user namespaces are kept by what they own", "[refcount][user_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUser | ns::kCloneNewUts);
  auto* user = w.reg.ns_of(K(2), NsType::User);
  auto h = w.reg.open_ns(K(2), NsType::Uts).value();
  REQUIRE(w.reg.exit(K(2), 0).ok());
  REQUIRE(w.reg.wait(K(1), -1).ok());
  CHECK(user->members() == 0);
  CHECK(user->dependents() == 1);       // the UTS namespace it owns
  CHECK(w.reg.find_ns(user->koid()) == user);
  ns::Koid k = user->koid();
  w.reg.close(h);
  CHECK(w.reg.find_ns(k) == nullptr);
}

TEST_CASE("CLONE_NEWTIME takes effect for children; setns(time) at once", "[clone][time_ns]") {
  World w;
  w.fork(1, 2);
  auto* before = w.reg.ns_of(K(2), NsType::Time);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewTime).ok());
  CHECK(w.reg.ns_of(K(2), NsType::Time) == before);
  auto* tfc = w.reg.ns_of(K(2), NsType::Time, ns::Which::ForChildren);
  CHECK(tfc != before);
  w.fork(2, 3);
  CHECK(w.reg.ns_of(K(3), NsType::Time) == tfc);
  w.fork(1, 4);
  auto h = w.reg.open_ns(K(3), NsType::Time).value();
  REQUIRE(w.reg.setns(K(4), *h, ns::kCloneNewTime).ok());
  CHECK(w.reg.ns_of(K(4), NsType::Time) == tfc);
  CHECK(w.reg.ns_of(K(4), NsType::Time, ns::Which::ForChildren) == tfc);
  w.reg.close(h);
}

TEST_CASE("unshare(CLONE_NEWNS) moves the caller's root and cwd onto the copies", "[unshare][mnt_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.chdir(K(2), "/srv").ok());
  auto* old_root = w.reg.find_process(K(2))->root().mnt;
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewNs).ok());
  auto* p = w.reg.find_process(K(2));
  CHECK(p->root().mnt != old_root);
  CHECK(p->root().mnt->ns == p->nsset()->mnt());
  CHECK(p->cwd().mnt->ns == p->nsset()->mnt());
  CHECK(w.reg.resolve(K(2), "data").ok());   // relative to the moved cwd
}

TEST_CASE("a Registry over a fixed buffer answers ENOMEM and stays consistent", "[clone][memory]") {
  // What a server does: bound the model by the buffer it hands in.
  alignas(4096) static unsigned char buffer[256 * 1024];
  ns::BufferAllocator arena(buffer, sizeof buffer);
  ns::Registry reg(arena);
  REQUIRE(reg.init().ok());
  REQUIRE(reg.create_init(K(1)).ok());
  uint64_t k = 2;
  Errno last = Errno::Ok;
  for (; k < 100000; ++k) {
    auto r = reg.clone(K(1), K(k), (k % 3 == 0) ? ns::kCloneNewUts | ns::kCloneNewIpc : 0);
    if (!r.ok()) { last = r.error(); break; }
  }
  CHECK(last == Errno::NoMem);
  CHECK(reg.find_process(K(k)) == nullptr);
  CHECK(ns_fuzz::check_invariants(reg) == "");
  SECTION("freeing processes gives the memory back for new ones") {
    for (uint64_t j = 2; j < 40; ++j) {
      REQUIRE(reg.exit(K(j), 0).ok());
      REQUIRE(reg.wait(K(1), -1).ok());
    }
    CHECK(reg.clone(K(1), K(k), 0).ok());
    CHECK(ns_fuzz::check_invariants(reg) == "");
  }
}
