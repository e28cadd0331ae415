// tests/unit/libns/uts_ns_test.cc: UTS namespaces (uts_namespaces(7), sethostname(2)).
#include <cstring>

#include "fixture.h"

using ns::Errno;
using ns_test::K;
using ns_test::World;

TEST_CASE("a new UTS namespace starts as a copy and then diverges", "[uts_ns]") {
  World w;
  REQUIRE(w.reg.sethostname(K(1), "host", 4).ok());
  REQUIRE(w.reg.setdomainname(K(1), "example", 7).ok());
  w.fork(1, 2, ns::kCloneNewUts);
  CHECK(std::strcmp(w.reg.uname(K(2)).value().nodename, "host") == 0);
  CHECK(std::strcmp(w.reg.uname(K(2)).value().domainname, "example") == 0);
  CHECK(std::strcmp(w.reg.uname(K(2)).value().sysname, "Koios") == 0);
  CHECK(std::strcmp(w.reg.uname(K(2)).value().machine, "riscv64") == 0);
  REQUIRE(w.reg.sethostname(K(2), "guest", 5).ok());
  CHECK(std::strcmp(w.reg.uname(K(2)).value().nodename, "guest") == 0);
  CHECK(std::strcmp(w.reg.uname(K(1)).value().nodename, "host") == 0);
  SECTION("a process sharing the namespace sees the change") {
    w.fork(2, 3);
    CHECK(std::strcmp(w.reg.uname(K(3)).value().nodename, "guest") == 0);
  }
}

TEST_CASE("hostnames are at most 64 bytes", "[uts_ns]") {
  World w;
  char name[66];
  std::memset(name, 'a', sizeof name);
  REQUIRE(w.reg.sethostname(K(1), name, 64).ok());
  CHECK(std::strlen(w.reg.uname(K(1)).value().nodename) == 64);
  CHECK(w.reg.sethostname(K(1), name, 65).error() == Errno::Inval);
  CHECK(w.reg.setdomainname(K(1), name, 65).error() == Errno::Inval);
  REQUIRE(w.reg.sethostname(K(1), "", 0).ok());
  CHECK(w.reg.uname(K(1)).value().nodename[0] == '\0');
}

TEST_CASE("sethostname needs CAP_SYS_ADMIN over the UTS namespace (EPERM before EINVAL)", "[uts_ns]") {
  World w;
  w.fork(1, 2);
  w.make_unprivileged(2, 1000);
  CHECK(w.reg.sethostname(K(2), "x", 1).error() == Errno::Perm);
  CHECK(w.reg.sethostname(K(2), "x", 100).error() == Errno::Perm);
  CHECK(w.reg.setdomainname(K(2), "x", 1).error() == Errno::Perm);
}
