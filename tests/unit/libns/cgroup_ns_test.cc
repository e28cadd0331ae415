// tests/unit/libns/cgroup_ns_test.cc: cgroup namespaces (cgroup_namespaces(7)).
#include <cstring>

#include "fixture.h"

using ns::Errno;
using ns_test::K;
using ns_test::World;

namespace {
std::string seen(World& w, uint64_t viewer, uint64_t target) {
  auto r = w.reg.cgroup_seen_by(K(viewer), K(target));
  REQUIRE(r.ok());
  return r.value().path;
}
}  // namespace

TEST_CASE("the creator's cgroup becomes the root of the view", "[cgroup_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.set_cgroup(K(2), "/user/app").ok());
  w.fork(2, 3, ns::kCloneNewCgroup);
  CHECK(seen(w, 3, 3) == "/");
  CHECK(seen(w, 1, 3) == "/user/app");
  REQUIRE(w.reg.set_cgroup(K(3), "/user/app/worker").ok());
  CHECK(seen(w, 3, 3) == "/worker");
  SECTION("cgroups outside the root are shown with ..") {
    REQUIRE(w.reg.set_cgroup(K(2), "/user/other").ok());
    CHECK(seen(w, 3, 2) == "/../other");
    CHECK(seen(w, 3, 1) == "/../..");
  }
  SECTION("moving the creator later does not move the root") {
    REQUIRE(w.reg.set_cgroup(K(3), "/system").ok());
    CHECK(seen(w, 3, 3) == "/../../system");
  }
}

TEST_CASE("cgroup paths must be absolute and fit", "[cgroup_ns]") {
  World w;
  CHECK(w.reg.set_cgroup(K(1), "relative").error() == Errno::Inval);
  std::string longp = "/" + std::string(300, 'x');
  CHECK(w.reg.set_cgroup(K(1), longp.c_str()).error() == Errno::NameTooLong);
  REQUIRE(w.reg.set_cgroup(K(1), "/a/b/").ok());
  CHECK(seen(w, 1, 1) == "/a/b");
}
