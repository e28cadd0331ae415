// tests/unit/servers/pidsrv/ps_sysinfo_test.cc: what ps, free and uptime read from pidsrv: List's
// start and CPU times and sleeping state, SysInfo, and Adopt (the servers init starts itself get pids).
#include "fake_kernel.h"

using namespace proto::pid;
using ns::Errno;
using pidsrv_test::K;
using pidsrv_test::kInit;
using pidsrv_test::World;
using pidsrv_test::send;

namespace {

AdoptRequest adopt_request(const char* name) {
  AdoptRequest r{};
  std::strncpy(r.name, name, kMaxName - 1);
  return r;
}

}  // namespace

TEST_CASE("List reports each process's start time and its main thread's CPU time", "[pidsrv][ps]") {
  World w;
  w.kernel.clock_ns = 5'000'000'000;
  ns::Koid child = w.spawn(kInit);
  w.kernel.cpu[ns::raw(w.kernel.thread_of(child))] = 1'500'000'000;
  ProcInfo procs[4];
  REQUIRE(w.table.list(kInit, 0, procs, 4).value() == 2);
  CHECK(procs[1].start_ns == 5'000'000'000);
  CHECK(procs[1].cpu_ns == 1'500'000'000);
  CHECK(procs[1].state == ProcState::Running);
  SECTION("a process whose main thread is blocked in a wait is sleeping") {
    w.kernel.blocked[ns::raw(w.kernel.thread_of(child))] = true;
    REQUIRE(w.table.list(kInit, 0, procs, 4).value() == 2);
    CHECK(procs[1].state == ProcState::Sleeping);
  }
  SECTION("a zombie reports no CPU time") {
    w.exit(child);
    REQUIRE(w.table.list(kInit, 0, procs, 4).value() == 2);
    CHECK(procs[1].state == ProcState::Zombie);
    CHECK(procs[1].cpu_ns == 0);
  }
}

TEST_CASE("SysInfo answers the clock, the kernel's memory and the process count", "[pidsrv][sysinfo]") {
  World w;
  w.spawn(kInit);
  w.kernel.clock_ns = 61'000'000'000;
  send(w, kInit, Request{}, Op::SysInfo);
  auto r = w.kernel.last_reply<SysInfoReply>();
  CHECK(r.header.txid == 0x80000001u);
  CHECK(r.error == Errno::Ok);
  CHECK(r.uptime_ns == 61'000'000'000);
  CHECK(r.total_bytes == 64u << 20);
  CHECK(r.free_bytes == 48u << 20);
  CHECK(r.procs == 2);
  SECTION("from a process pidsrv does not know it is ESRCH") {
    send(w, K(4242), Request{}, Op::SysInfo);
    CHECK(w.kernel.last_reply<SysInfoReply>().error == Errno::Srch);
  }
}

TEST_CASE("init adopts a server it started itself: it becomes init's child with a pid", "[pidsrv][adopt]") {
  World w;
  const koios::Handle handles[] = {500, 501};
  send(w, kInit, adopt_request("mountsrv"), Op::Adopt, handles, 2);
  auto r = w.kernel.last_reply<Reply>();
  REQUIRE(r.error == Errno::Ok);
  CHECK(r.value == 2);
  CHECK(w.table.getppid(K(500)).value() == 1);
  ProcInfo procs[4];
  REQUIRE(w.table.list(kInit, 0, procs, 4).value() == 2);
  CHECK(std::string(procs[1].name) == "mountsrv");
  CHECK(procs[1].ppid == 1);
  SECTION("the same process twice is EEXIST") {
    send(w, kInit, adopt_request("again"), Op::Adopt, handles, 2);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Exist);
  }
  SECTION("a signal reaches it as any process") {
    REQUIRE(w.table.kill(kInit, 2, kSigKill).ok());
    CHECK(w.kernel.procs.at(500).killed);
  }
  SECTION("only the root namespace's init may adopt") {
    ns::Koid child = w.spawn(kInit);
    const koios::Handle more[] = {600};
    send(w, child, adopt_request("x"), Op::Adopt, more, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Perm);
    CHECK(w.kernel.procs.count(600) == 0);
  }
  SECTION("no handle, three handles or a name without its NUL are EINVAL") {
    send(w, kInit, adopt_request("x"), Op::Adopt, nullptr, 0);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    const koios::Handle three[] = {700, 701, 702};
    send(w, kInit, adopt_request("x"), Op::Adopt, three, 3);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    AdoptRequest long_name{};
    std::memset(long_name.name, 'a', sizeof long_name.name);
    send(w, kInit, long_name, Op::Adopt, three, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    CHECK(w.kernel.procs.count(700) == 0);
  }
}

TEST_CASE("pidsrv's own entry ignores every signal, as a kernel thread does", "[pidsrv][adopt]") {
  World w;
  const koios::Handle self[] = {800, 801};
  REQUIRE(w.table.adopt(kInit, self, 2, "pidsrv", pidsrv::ProcessTable::SignalPolicy::kIgnore).value() == 2);
  CHECK(w.table.kill(kInit, 2, kSigKill).ok());
  CHECK(w.table.kill(kInit, 2, kSigStop).ok());
  CHECK_FALSE(w.kernel.procs.at(800).killed);
  CHECK(w.kernel.threads.at(801).suspended == 0);
  ProcInfo procs[4];
  REQUIRE(w.table.list(kInit, 0, procs, 4).value() == 2);
  CHECK(procs[1].state == ProcState::Running);
}
