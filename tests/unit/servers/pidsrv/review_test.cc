// tests/unit/servers/pidsrv/review_test.cc: tokens passed across a pid-namespace or privilege
// boundary, and Adopt from anyone but the root namespace's init: what a hostile holder of a
// capability it was handed can and cannot do (from the review of issue 6's token work).
#include "fake_kernel.h"

using namespace proto::pid;
using ns::Errno;
using pidsrv_test::K;
using pidsrv_test::kInit;
using pidsrv_test::World;
using pidsrv_test::send;

TEST_CASE("a pidfd handed into a child pid namespace does not reach out of it", "[pidsrv][review]") {
  World w;
  ns::Koid outside = w.spawn(kInit);
  ns::Koid ns_init = w.spawn(kInit, kCloneNewPid);
  ns::Koid inside = w.spawn(ns_init);
  auto before = w.table.counts();
  // The root init opens pidfds on itself and on `outside` and passes them in.
  ns::Koid to_init = w.table.pidfd_open(kInit, 1).value();
  ns::Koid to_outside = w.table.pidfd_open(kInit, w.pid(outside)).value();
  koios::Handle h = w.kernel.hand(to_init);
  send(w, inside, TokenRequest{}, Op::SetNs, &h, 1);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);   // an ancestor namespace: no way up
  ns::Koid child = w.spawn(inside);
  CHECK(w.table.registry().find_process(w.table.find(child)->ident)->pid()->upid(0).nr != w.pid(child));
  CHECK(w.table.pidfd_send_signal(inside, to_outside, kSigKill).error() == Errno::Inval);
  CHECK(w.table.pidfd_send_signal(ns_init, to_init, kSigKill).error() == Errno::Inval);
  CHECK_FALSE(w.kernel.procs.at(ns::raw(outside)).killed);
  auto pid = w.table.pidfd_getpid(inside, to_outside);
  CHECK((!pid.ok() || pid.value() <= 0));   // never the outside pid, which means nothing in here
  // Nor can it wait for a process that is not its child.
  pidsrv::Waiter wt{1, IdType::Pidfd, 0, kWExited, to_outside};
  bool deferred = false;
  CHECK(w.table.wait(inside, wt, &deferred).error() == Errno::Child);
  CHECK_FALSE(deferred);
  w.table.on_token_closed(to_init);
  w.table.on_token_closed(to_outside);
  CHECK(w.table.counts().tokens == before.tokens);
  CHECK(w.table.counts().pidrefs == before.pidrefs);
}

TEST_CASE("a pidfd handed to an unprivileged process signals with the holder's rights", "[pidsrv][review]") {
  World w;
  ns::Koid victim = w.spawn(kInit);
  ns::Koid user = w.spawn(kInit);
  w.make_unprivileged(user, 1000);
  ns::Koid fd = w.table.pidfd_open(kInit, w.pid(victim)).value();
  CHECK(w.table.pidfd_send_signal(user, fd, kSigKill).error() == Errno::Perm);
  CHECK_FALSE(w.kernel.procs.at(ns::raw(victim)).killed);
  CHECK(w.table.pidfd_send_signal(kInit, fd, kSigKill).ok());
  CHECK(w.kernel.procs.at(ns::raw(victim)).killed);
}

TEST_CASE("Adopt: a pid namespace's own init, or a root process that unshared, is refused", "[pidsrv][review]") {
  World w;
  ns::Koid ns_init = w.spawn(kInit, kCloneNewPid);
  const koios::Handle handles[] = {900, 901};
  AdoptRequest r{};
  std::strncpy(r.name, "x", kMaxName - 1);
  send(w, ns_init, r, Op::Adopt, handles, 2);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Perm);
  ns::Koid sub = w.spawn(kInit);
  REQUIRE(w.table.unshare(sub, kCloneNewPid).ok());
  send(w, sub, r, Op::Adopt, handles, 2);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Perm);
  CHECK(w.kernel.procs.count(900) == 0);
  // The root init after it unshared is still the root namespace's init.
  REQUIRE(w.table.unshare(kInit, kCloneNewPid).ok());
  send(w, kInit, r, Op::Adopt, handles, 2);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Ok);
}
