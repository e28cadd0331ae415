// tests/unit/libns/time_ns_test.cc: time namespaces (time_namespaces(7)).
#include "fixture.h"

using ns::Errno;
using ns_test::K;
using ns_test::World;

TEST_CASE("offsets apply to monotonic and boottime only, in the namespace's processes", "[time_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewTime).ok());
  REQUIRE(w.reg.set_time_offset(K(2), K(2), ns::kClockMonotonic, 100, 5, 0).ok());
  REQUIRE(w.reg.set_time_offset(K(2), K(2), ns::kClockBoottime, -1, 0, 5 * ns::kNsecPerSec).ok());
  CHECK(w.reg.clock_gettime(K(2), ns::kClockMonotonic, 1000).value() == 1000);   // the caller did not enter
  w.fork(2, 3);
  CHECK(w.reg.clock_gettime(K(3), ns::kClockMonotonic, 1000).value() == 1000 + 100 * ns::kNsecPerSec + 5);
  CHECK(w.reg.clock_gettime(K(3), ns::kClockBoottime, 5 * ns::kNsecPerSec).value() == 4 * ns::kNsecPerSec);
  CHECK(w.reg.clock_gettime(K(3), ns::kClockRealtime, 1000).value() == 1000);
  SECTION("once a process has entered, the offsets are fixed (EACCES)") {
    CHECK(w.reg.set_time_offset(K(2), K(2), ns::kClockMonotonic, 1, 0, 0).error() == Errno::Acces);
  }
  SECTION("a namespace created from it inherits its offsets") {
    REQUIRE(w.reg.unshare(K(3), ns::kCloneNewTime).ok());
    w.fork(3, 4);
    CHECK(w.reg.clock_gettime(K(4), ns::kClockMonotonic, 0).value() == 100 * ns::kNsecPerSec + 5);
  }
}

TEST_CASE("offset writes are validated", "[time_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.unshare(K(2), ns::kCloneNewTime).ok());
  CHECK(w.reg.set_time_offset(K(2), K(2), ns::kClockRealtime, 1, 0, 0).error() == Errno::Inval);
  CHECK(w.reg.set_time_offset(K(2), K(2), ns::kClockMonotonic, 1, ns::kNsecPerSec, 0).error() == Errno::Inval);
  CHECK(w.reg.set_time_offset(K(2), K(2), ns::kClockMonotonic, -10, 0, 5 * ns::kNsecPerSec).error() == Errno::Range);
  CHECK(w.reg.set_time_offset(K(2), K(2), ns::kClockMonotonic, ns::kTimeSecMax + 1, 0, 0).error() == Errno::Range);
  SECTION("the root time namespace cannot be changed") {
    CHECK(w.reg.set_time_offset(K(1), K(1), ns::kClockMonotonic, 1, 0, 0).error() == Errno::Acces);
  }
  SECTION("CAP_SYS_TIME over the namespace is needed") {
    w.fork(1, 3);
    w.make_unprivileged(3, 1000);
    CHECK(w.reg.set_time_offset(K(3), K(2), ns::kClockMonotonic, 1, 0, 0).error() == Errno::Perm);
  }
}
