// tests/unit/libns/net_ns_test.cc: network namespaces (network_namespaces(7), veth(4)): interface
// tables, loopback, veth pairs across namespaces, and the port-binding table.
#include "fixture.h"

using ns::Errno;
using ns::NetNamespace;
using ns::Proto;
using ns_test::K;
using ns_test::World;

namespace {
NetNamespace& net(World& w, uint64_t p) { return *w.reg.find_process(K(p))->nsset()->net(); }
constexpr uint32_t kAddr = 0x0a000001;   // 10.0.0.1
}  // namespace

TEST_CASE("a new network namespace has only its own loopback, down", "[net_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewNet);
  auto& n = net(w, 2);
  REQUIRE(n.interface_count() == 1);
  CHECK(n.find("lo")->ifindex == 1);
  CHECK_FALSE(n.find("lo")->up);
  CHECK(n.find("lo") != net(w, 1).find("lo"));
  CHECK(w.reg.bind_port(K(2), Proto::Tcp, ns::kLoopbackAddr, 80).error() == Errno::AddrNotAvail);
  REQUIRE(w.reg.net_set_up(K(2), "lo", true).ok());
  CHECK(n.find("lo")->naddrs == 1);
  CHECK(w.reg.bind_port(K(2), Proto::Tcp, ns::kLoopbackAddr, 80).ok());
  CHECK(w.reg.bind_port(K(2), Proto::Tcp, 0x7f000002, 81).ok());   // all of 127/8 is local
  CHECK(n.remove("lo").error() == Errno::OpNotSupp);
  CHECK(w.reg.net_set_up(K(2), "eth9", true).error() == Errno::NoDev);
}

TEST_CASE("two namespaces can bind the same port; one cannot twice", "[net_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewNet);
  CHECK(w.reg.bind_port(K(1), Proto::Tcp, 0, 8080).value() == 8080);
  CHECK(w.reg.bind_port(K(2), Proto::Tcp, 0, 8080).value() == 8080);
  CHECK(w.reg.bind_port(K(1), Proto::Tcp, 0, 8080).error() == Errno::AddrInUse);
  CHECK(w.reg.bind_port(K(1), Proto::Udp, 0, 8080).ok());   // another protocol
  REQUIRE(net(w, 1).add_address("lo", kAddr).ok());
  CHECK(w.reg.bind_port(K(1), Proto::Tcp, kAddr, 8080).error() == Errno::AddrInUse);   // wildcard holds it
  CHECK(w.reg.bind_port(K(1), Proto::Tcp, kAddr, 9090).ok());
  CHECK(w.reg.bind_port(K(1), Proto::Tcp, 0, 9090).error() == Errno::AddrInUse);
  SECTION("port 0 picks an ephemeral port") {
    uint16_t p = w.reg.bind_port(K(1), Proto::Tcp, 0, 0).value();
    CHECK(p >= ns::kEphemeralLow);
    CHECK(p <= ns::kEphemeralHigh);
  }
  SECTION("ports below 1024 need CAP_NET_BIND_SERVICE over the namespace") {
    w.fork(1, 3);
    w.make_unprivileged(3, 1000);
    CHECK(w.reg.bind_port(K(3), Proto::Tcp, 0, 80).error() == Errno::Acces);
    CHECK(w.reg.bind_port(K(3), Proto::Tcp, 0, 8081).ok());
    w.fork(3, 4, ns::kCloneNewUser | ns::kCloneNewNet);   // its own namespace: allowed there
    CHECK(w.reg.bind_port(K(4), Proto::Tcp, 0, 80).ok());
  }
  SECTION("unbinding frees the port") {
    REQUIRE(net(w, 1).unbind(Proto::Tcp, 0, 8080).ok());
    CHECK(w.reg.bind_port(K(1), Proto::Tcp, 0, 8080).ok());
    CHECK(net(w, 1).unbind(Proto::Tcp, 0, 1).error() == Errno::Inval);
  }
}

TEST_CASE("a veth pair joins two namespaces and dies with either", "[net_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewNet);
  auto h = w.reg.open_ns(K(2), ns::NsType::Net).value();
  REQUIRE(w.reg.create_veth(K(1), "veth0", *h, "eth0").ok());
  auto* a = net(w, 1).find("veth0");
  auto* b = net(w, 2).find("eth0");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->peer == b);
  CHECK(b->peer == a);
  CHECK(b->ns == &net(w, 2));
  CHECK(w.reg.create_veth(K(1), "veth0", *h, "eth1").error() == Errno::Exist);
  CHECK(w.reg.create_veth(K(1), "averyveryverylongname", *h, "x").error() == Errno::Inval);
  SECTION("deleting one end deletes the other") {
    REQUIRE(net(w, 1).remove("veth0").ok());
    CHECK(net(w, 2).find("eth0") == nullptr);
  }
  SECTION("when the namespace goes, its end and the peer go") {
    w.reg.close(h);
    h = nullptr;
    REQUIRE(w.reg.exit(K(2), 0).ok());
    CHECK(net(w, 1).find("veth0") == nullptr);
  }
  SECTION("moving an end to another namespace flushes its addresses") {
    REQUIRE(net(w, 1).add_address("veth0", kAddr).ok());
    REQUIRE(w.reg.net_set_up(K(1), "veth0", true).ok());
    w.fork(1, 3, ns::kCloneNewNet);
    auto h3 = w.reg.open_ns(K(3), ns::NsType::Net).value();
    REQUIRE(w.reg.move_interface(K(1), "veth0", *h3).ok());
    auto* moved = net(w, 3).find("veth0");
    REQUIRE(moved);
    CHECK(moved->naddrs == 0);
    CHECK_FALSE(moved->up);
    CHECK(moved->peer == b);
    CHECK(w.reg.move_interface(K(1), "lo", *h3).error() == Errno::Inval);
    CHECK(w.reg.move_interface(K(1), "veth0", *h3).error() == Errno::NoDev);
    w.reg.close(h3);
  }
  SECTION("CAP_NET_ADMIN is needed") {
    w.fork(1, 5);
    w.make_unprivileged(5, 1000);
    CHECK(w.reg.create_veth(K(5), "v1", *h, "v2").error() == Errno::Perm);
    CHECK(w.reg.net_set_up(K(5), "lo", true).error() == Errno::Perm);
  }
  if (h) w.reg.close(h);
}
