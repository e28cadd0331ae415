// tests/unit/libns/user_ns_test.cc: user namespaces (user_namespaces(7)): uid_map/gid_map rules,
// setgroups, id translation, capabilities by the ownership chain, credentials across exec/setuid.
#include <vector>

#include "fixture.h"

using ns::Errno;
using ns::IdExtent;
using ns::NsType;
using ns_test::K;
using ns_test::World;

namespace {

// Root (1) -> 2 (uid 1000, unprivileged) -> 3 in a new user namespace owned by 1000.
struct UserWorld : World {
  UserWorld() {
    fork(1, 2);
    make_unprivileged(2, 1000);
    fork(2, 3, ns::kCloneNewUser);
    user = static_cast<ns::UserNamespace*>(reg.ns_of(K(3), NsType::User));
  }
  ns::UserNamespace* user;
};

}  // namespace

TEST_CASE("an unprivileged owner may map only its own euid, with one line", "[user_ns]") {
  UserWorld w;
  IdExtent own{0, 1000, 1};
  IdExtent other{0, 2000, 1};
  IdExtent wide{0, 1000, 2};
  CHECK(w.reg.write_uid_map(K(3), K(3), &other, 1).error() == Errno::Perm);
  CHECK(w.reg.write_uid_map(K(3), K(3), &wide, 1).error() == Errno::Perm);
  IdExtent two[] = {{0, 1000, 1}, {5, 1001, 1}};
  CHECK(w.reg.write_uid_map(K(3), K(3), two, 2).error() == Errno::Perm);
  REQUIRE(w.reg.write_uid_map(K(3), K(3), &own, 1).ok());
  SECTION("a map is written once") { CHECK(w.reg.write_uid_map(K(3), K(3), &own, 1).error() == Errno::Perm); }
  SECTION("ids translate both ways") {
    CHECK(w.user->make_kuid(0) == 1000);
    CHECK(w.user->from_kuid(1000) == 0);
    CHECK(w.user->from_kuid(0) == ns::kInvalidId);
    CHECK(w.reg.getids(K(3)).value().uid == 0);
    CHECK(w.reg.getids(K(3)).value().gid == ns::kOverflowUid);   // gid_map not written yet
    CHECK(w.reg.uid_seen_by(K(1), K(3)).value() == 1000);
    CHECK(w.reg.uid_seen_by(K(3), K(1)).value() == ns::kOverflowUid);
  }
}

TEST_CASE("gid_map from an unprivileged owner needs setgroups \"deny\" first", "[user_ns]") {
  UserWorld w;
  IdExtent own{0, 1000, 1};
  CHECK(w.reg.write_gid_map(K(3), K(3), &own, 1).error() == Errno::Perm);
  REQUIRE(w.reg.write_setgroups(K(3), K(3), false).ok());
  REQUIRE(w.reg.write_gid_map(K(3), K(3), &own, 1).ok());
  CHECK(w.reg.getids(K(3)).value().gid == 0);
  SECTION("setgroups cannot go back to allow") { CHECK(w.reg.write_setgroups(K(3), K(3), true).error() == Errno::Perm); }
  SECTION("setgroups(2) is refused while denied") {
    ns::Gid g = 0;
    CHECK(w.reg.setgroups(K(3), &g, 1).error() == Errno::Perm);
  }
  SECTION("child namespaces inherit deny") {
    IdExtent u{0, 1000, 1};
    REQUIRE(w.reg.write_uid_map(K(3), K(3), &u, 1).ok());
    w.fork(3, 4, ns::kCloneNewUser);
    CHECK_FALSE(w.reg.find_process(K(4))->user_ns()->setgroups_allowed());
    CHECK(w.reg.write_setgroups(K(4), K(4), true).error() == Errno::Perm);
  }
}

TEST_CASE("setgroups \"deny\" is refused once gid_map is written", "[user_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUser);
  IdExtent m{0, 0, 1000};
  REQUIRE(w.reg.write_gid_map(K(1), K(2), &m, 1).ok());   // privileged parent: no deny needed
  CHECK(w.reg.write_setgroups(K(1), K(2), false).error() == Errno::Perm);
  ns::Gid gs[] = {5, 7};
  REQUIRE(w.reg.write_uid_map(K(1), K(2), &m, 1).ok());
  CHECK(w.reg.setgroups(K(2), gs, 2).ok());
  ns::Gid bad = 5000;
  CHECK(w.reg.setgroups(K(2), &bad, 1).error() == Errno::Inval);
}

TEST_CASE("map lines are validated: count, overlap, 340 lines", "[user_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUser);
  CHECK(w.reg.write_uid_map(K(1), K(2), nullptr, 0).error() == Errno::Inval);
  IdExtent zero{0, 0, 0};
  CHECK(w.reg.write_uid_map(K(1), K(2), &zero, 1).error() == Errno::Inval);
  IdExtent in_overlap[] = {{0, 100, 10}, {5, 200, 10}};
  CHECK(w.reg.write_uid_map(K(1), K(2), in_overlap, 2).error() == Errno::Inval);
  IdExtent out_overlap[] = {{0, 100, 10}, {50, 105, 10}};
  CHECK(w.reg.write_uid_map(K(1), K(2), out_overlap, 2).error() == Errno::Inval);
  IdExtent wrap{0, 0xfffffff0u, 0x20};
  CHECK(w.reg.write_uid_map(K(1), K(2), &wrap, 1).error() == Errno::Inval);
  std::vector<IdExtent> many;
  for (uint32_t i = 0; i < 341; ++i) many.push_back({i * 10, 100000 + i * 10, 5});
  CHECK(w.reg.write_uid_map(K(1), K(2), many.data(), 341).error() == Errno::Inval);
  REQUIRE(w.reg.write_uid_map(K(1), K(2), many.data(), 340).ok());
  CHECK(w.reg.find_process(K(2))->user_ns()->uid_map().size() == 340);
  CHECK(w.reg.find_process(K(2))->user_ns()->make_kuid(3392) == 100000 + 3392);
  CHECK(w.reg.find_process(K(2))->user_ns()->make_kuid(3396) == ns::kInvalidId);
}

TEST_CASE("who may write a map", "[user_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewUser);
  IdExtent m{0, 0, 100};
  REQUIRE(w.reg.write_uid_map(K(1), K(2), &m, 1).ok());
  REQUIRE(w.reg.write_gid_map(K(1), K(2), &m, 1).ok());
  w.fork(2, 3, ns::kCloneNewUser);
  SECTION("not a process two levels up") {
    IdExtent n{0, 0, 10};
    CHECK(w.reg.write_uid_map(K(1), K(3), &n, 1).error() == Errno::Perm);
  }
  SECTION("outside ids must be mapped in the parent namespace") {
    IdExtent n{0, 50, 100};   // 100..149 of the parent are unmapped
    CHECK(w.reg.write_uid_map(K(2), K(3), &n, 1).error() == Errno::Perm);
    IdExtent ok{0, 50, 50};
    CHECK(w.reg.write_uid_map(K(2), K(3), &ok, 1).ok());
    CHECK(w.reg.find_process(K(3))->user_ns()->make_kuid(10) == 60);   // composed to kernel ids
  }
  SECTION("a writer without CAP_SETUID over the namespace may not") {
    w.fork(1, 4);
    w.make_unprivileged(4, 3000);
    IdExtent n{0, 3000, 1};
    CHECK(w.reg.write_uid_map(K(4), K(2), &n, 1).error() == Errno::Perm);
  }
}

TEST_CASE("capabilities are decided by the ownership chain", "[user_ns]") {
  UserWorld w;
  IdExtent own{0, 1000, 1};
  REQUIRE(w.reg.write_uid_map(K(3), K(3), &own, 1).ok());
  REQUIRE(w.reg.write_setgroups(K(3), K(3), false).ok());
  REQUIRE(w.reg.write_gid_map(K(3), K(3), &own, 1).ok());
  w.fork(3, 4, ns::kCloneNewUser);   // U2 owned by kuid 1000 too
  auto* u1 = w.user;
  auto* u2 = w.reg.find_process(K(4))->user_ns();
  w.fork(1, 5);
  w.make_unprivileged(5, 2000);
  CHECK(w.reg.has_capability(K(2), *u1, ns::Cap::SysAdmin));    // owner's euid in the parent
  CHECK(w.reg.has_capability(K(2), *u2, ns::Cap::SysAdmin));    // and below
  CHECK_FALSE(w.reg.has_capability(K(5), *u1, ns::Cap::SysAdmin));
  CHECK_FALSE(w.reg.has_capability(K(2), w.reg.root_user_ns(), ns::Cap::SysAdmin));
  CHECK(w.reg.has_capability(K(3), *u1, ns::Cap::SysAdmin));    // its own effective set
  CHECK_FALSE(w.reg.has_capability(K(3), w.reg.root_user_ns(), ns::Cap::Kill));   // never upwards
  CHECK(w.reg.has_capability(K(1), *u2, ns::Cap::Kill));       // root of the root namespace
  SECTION("a namespace's other types are governed by their owner") {
    w.fork(3, 6, ns::kCloneNewUts);
    auto* uts = w.reg.ns_of(K(6), NsType::Uts);
    CHECK(uts->owner() == u1);
    CHECK(w.reg.sethostname(K(6), "inside", 6).ok());
    CHECK(w.reg.sethostname(K(5), "outside", 7).error() == Errno::Perm);
  }
}

TEST_CASE("exec and setuid change capabilities as capabilities(7) says", "[user_ns]") {
  UserWorld w;
  SECTION("an unmapped uid loses its capabilities at exec") {
    CHECK(w.reg.find_process(K(3))->cred().effective == ns::kCapAll);
    REQUIRE(w.reg.exec(K(3)).ok());
    CHECK(w.reg.find_process(K(3))->cred().effective == 0);
    CHECK(w.reg.find_process(K(3))->cred().permitted == 0);
  }
  SECTION("uid 0 of the namespace keeps them") {
    IdExtent own{0, 1000, 1};
    REQUIRE(w.reg.write_uid_map(K(3), K(3), &own, 1).ok());
    REQUIRE(w.reg.exec(K(3)).ok());
    CHECK(w.reg.find_process(K(3))->cred().effective == ns::kCapAll);
  }
  SECTION("setuid to an unmapped id is EINVAL; leaving uid 0 drops capabilities") {
    World v;
    v.fork(1, 2, ns::kCloneNewUser);
    IdExtent m{0, 0, 2000};
    REQUIRE(v.reg.write_uid_map(K(1), K(2), &m, 1).ok());
    CHECK(v.reg.setuid(K(2), 5000).error() == Errno::Inval);
    REQUIRE(v.reg.setuid(K(2), 1000).ok());
    CHECK(v.reg.getids(K(2)).value().euid == 1000);
    CHECK(v.reg.find_process(K(2))->cred().permitted == 0);
    CHECK(v.reg.setuid(K(2), 0).error() == Errno::Perm);
  }
}
