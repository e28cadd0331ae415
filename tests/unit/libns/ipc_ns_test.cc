// tests/unit/libns/ipc_ns_test.cc: IPC namespaces (ipc_namespaces(7), msgget/msgsnd/msgrcv(2),
// shmget(2), semget(2), mq_overview(7)).
#include <cstring>

#include "fixture.h"

using ns::Errno;
using ns::IpcNamespace;
using ns_test::K;
using ns_test::World;

namespace {
IpcNamespace& ipc(World& w, uint64_t p) { return *w.reg.find_process(K(p))->nsset()->ipc(); }
}  // namespace

TEST_CASE("System V keys and POSIX queue names are per namespace", "[ipc_ns]") {
  World w;
  int32_t id = ipc(w, 1).msgget(1234, ns::kIpcCreat).value();
  REQUIRE(ipc(w, 1).mq_open("/q", ns::kOCreat).ok());
  w.fork(1, 2, ns::kCloneNewIpc);
  CHECK(ipc(w, 2).msgget(1234, 0).error() == Errno::NoEnt);
  CHECK(ipc(w, 2).mq_open("/q", 0).error() == Errno::NoEnt);
  CHECK(ipc(w, 2).msgget(1234, ns::kIpcCreat).ok());
  CHECK(ipc(w, 1).msgget(1234, 0).value() == id);
  SECTION("a namespace's objects die with it") {
    auto* n = &ipc(w, 2);
    CHECK(n->object_count(IpcNamespace::Kind::Msg) == 1);
    size_t before = w.reg.ns_count();
    REQUIRE(w.reg.exit(K(2), 0).ok());
    CHECK(w.reg.ns_count() == before - 1);   // and ASan checks its memory went with it
  }
}

TEST_CASE("msgget create/exclusive rules", "[ipc_ns]") {
  World w;
  auto& n = ipc(w, 1);
  CHECK(n.msgget(7, 0).error() == Errno::NoEnt);
  int32_t a = n.msgget(7, ns::kIpcCreat).value();
  CHECK(n.msgget(7, ns::kIpcCreat).value() == a);
  CHECK(n.msgget(7, ns::kIpcCreat | ns::kIpcExcl).error() == Errno::Exist);
  int32_t p1 = n.msgget(ns::kIpcPrivate, 0).value();
  int32_t p2 = n.msgget(ns::kIpcPrivate, 0).value();
  CHECK(p1 != p2);
  REQUIRE(n.rmid(IpcNamespace::Kind::Msg, a).ok());
  CHECK(n.rmid(IpcNamespace::Kind::Msg, a).error() == Errno::Inval);
  int32_t b = n.msgget(7, ns::kIpcCreat).value();
  CHECK(b != a);   // a stale id never names the new queue
  CHECK(n.msgsnd(a, 1, "x", 1, 0).error() == Errno::Inval);
}

TEST_CASE("msgsnd and msgrcv select and limit as Linux does", "[ipc_ns]") {
  World w;
  auto& n = ipc(w, 1);
  int32_t q = n.msgget(ns::kIpcPrivate, 0).value();
  REQUIRE(n.msgsnd(q, 3, "three", 5, 0).ok());
  REQUIRE(n.msgsnd(q, 1, "one", 3, 0).ok());
  REQUIRE(n.msgsnd(q, 2, "two", 3, 0).ok());
  char buf[16] = {};
  SECTION("type 0: the first message") {
    auto r = n.msgrcv(q, buf, sizeof buf, 0, 0).value();
    CHECK(r.mtype == 3);
    CHECK(std::string(buf, r.size) == "three");
  }
  SECTION("type > 0: the first of that type; with MSG_EXCEPT the first of another") {
    CHECK(n.msgrcv(q, buf, sizeof buf, 2, 0).value().mtype == 2);
    CHECK(n.msgrcv(q, buf, sizeof buf, 3, ns::kMsgExcept).value().mtype == 1);
  }
  SECTION("type < 0: the lowest type up to |type|") {
    CHECK(n.msgrcv(q, buf, sizeof buf, -2, 0).value().mtype == 1);
    CHECK(n.msgrcv(q, buf, sizeof buf, -2, 0).value().mtype == 2);
    CHECK(n.msgrcv(q, buf, sizeof buf, -2, 0).error() == Errno::NoMsg);
  }
  SECTION("too long: E2BIG and the message stays, unless MSG_NOERROR truncates") {
    CHECK(n.msgrcv(q, buf, 2, 3, 0).error() == Errno::TooBig);
    CHECK(n.msg_stat(q).value().qnum == 3);
    auto r = n.msgrcv(q, buf, 2, 3, ns::kMsgNoerror).value();
    CHECK(r.size == 2);
    CHECK(n.msg_stat(q).value().qnum == 2);
  }
  SECTION("send errors") {
    CHECK(n.msgsnd(q, 0, "x", 1, 0).error() == Errno::Inval);
    static char big[8193];
    CHECK(n.msgsnd(q, 1, big, sizeof big, 0).error() == Errno::Inval);
    CHECK(n.msgsnd(q, 1, big, 8192, 0).ok());
    CHECK(n.msgsnd(q, 1, big, 8192, ns::kIpcNowait).error() == Errno::Again);   // 16384 per queue
  }
}

TEST_CASE("the queue count is limited per namespace", "[ipc_ns]") {
  ns::RegistryConfig cfg;
  cfg.ipc.msgmni = 2;
  World w(cfg);
  auto& n = ipc(w, 1);
  REQUIRE(n.msgget(1, ns::kIpcCreat).ok());
  REQUIRE(n.msgget(2, ns::kIpcCreat).ok());
  CHECK(n.msgget(3, ns::kIpcCreat).error() == Errno::NoSpc);
  w.fork(1, 2, ns::kCloneNewIpc);
  CHECK(ipc(w, 2).msgget(3, ns::kIpcCreat).ok());   // another namespace has its own limit
}

TEST_CASE("shmget and semget check sizes", "[ipc_ns]") {
  World w;
  auto& n = ipc(w, 1);
  CHECK(n.shmget(5, 0, ns::kIpcCreat).error() == Errno::Inval);
  int32_t s = n.shmget(5, 4096, ns::kIpcCreat).value();
  CHECK(n.shmget(5, 100, 0).value() == s);
  CHECK(n.shmget(5, 8192, 0).error() == Errno::Inval);
  CHECK(n.semget(6, 0, ns::kIpcCreat).error() == Errno::Inval);
  CHECK(n.semget(6, 32001, ns::kIpcCreat).error() == Errno::Inval);
  int32_t m = n.semget(6, 4, ns::kIpcCreat).value();
  CHECK(n.semget(6, 0, 0).value() == m);
  CHECK(n.semget(6, 5, 0).error() == Errno::Inval);
  CHECK(n.rmid(IpcNamespace::Kind::Shm, s).ok());
  CHECK(n.rmid(IpcNamespace::Kind::Sem, m).ok());
  CHECK(n.rmid(IpcNamespace::Kind::Sem, m).error() == Errno::Inval);
}

TEST_CASE("POSIX queue names", "[ipc_ns]") {
  World w;
  auto& n = ipc(w, 1);
  CHECK(n.mq_open("noslash", ns::kOCreat).error() == Errno::Inval);
  CHECK(n.mq_open("/a/b", ns::kOCreat).error() == Errno::Acces);
  std::string longn = "/" + std::string(256, 'q');
  CHECK(n.mq_open(longn.c_str(), ns::kOCreat).error() == Errno::NameTooLong);
  REQUIRE(n.mq_open("/q", ns::kOCreat).ok());
  CHECK(n.mq_open("/q", ns::kOCreat | ns::kOExcl).error() == Errno::Exist);
  CHECK(n.mq_open("/q", 0).ok());
  REQUIRE(n.mq_unlink("/q").ok());
  CHECK(n.mq_unlink("/q").error() == Errno::NoEnt);
}
