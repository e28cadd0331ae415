// tests/unit/libns/pid_ns_test.cc: pid namespaces (pid_namespaces(7)), struct pid numbering,
// process groups and sessions, reaping, init's death, signals to init and pidfds.
#include "fixture.h"

using ns::Errno;
using ns_test::K;
using ns_test::World;

TEST_CASE("a new pid namespace numbers its processes from 1", "[pid_ns]") {
  World w;
  auto& root = w.reg.root_pid_ns();
  auto child = w.reg.new_pid_ns(root).value();
  REQUIRE(child->alloc(K(100)).value() == 1);
  SECTION("its parent sees the same process under its own number") {
    CHECK(root.pid_of(K(100)).value() == 2);   // init (KoID 1) holds 1
    CHECK(root.koid_of(2).value() == K(100));
    CHECK(child->koid_of(1).value() == K(100));
  }
  SECTION("the child cannot see the parent's processes") {
    CHECK(child->pid_of(K(1)).error() == Errno::Srch);
    CHECK(child->koid_of(2).error() == Errno::Srch);
  }
  SECTION("a KoID gets only one pid record") { CHECK(root.alloc(K(100)).error() == Errno::Exist); }
}

TEST_CASE("a process has one number in every namespace from its own up to the root", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);          // init of level 1
  w.fork(2, 3, ns::kCloneNewPid);          // init of level 2
  w.fork(3, 4);                            // pid 2 at level 2
  auto* p = w.reg.find_process(K(4));
  REQUIRE(p->pid()->level() == 2);
  CHECK(p->pid()->upid(2).nr == 2);
  CHECK(p->pid()->upid(1).nr == 3);
  CHECK(p->pid()->upid(0).nr == 4);
  CHECK(p->pid()->upid(0).ns == &w.reg.root_pid_ns());
  CHECK(p->pid()->upid(1).ns == &w.pidns(2));
  CHECK(w.reg.getpid(K(4)).value() == 2);
  CHECK(w.reg.getpid(K(3)).value() == 1);
  CHECK(w.reg.getpid(K(2)).value() == 1);
}

TEST_CASE("translating a pid between any two namespaces", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);
  w.fork(2, 3, ns::kCloneNewPid);
  w.fork(3, 4);
  auto& l0 = w.reg.root_pid_ns();
  auto& l1 = w.pidns(2);
  auto& l2 = w.pidns(3);
  CHECK(ns::Registry::translate(2, l2, l0).value() == 4);
  CHECK(ns::Registry::translate(4, l0, l1).value() == 3);
  CHECK(ns::Registry::translate(3, l1, l2).value() == 2);
  SECTION("a pid the target namespace cannot see is ESRCH") {
    CHECK(ns::Registry::translate(1, l0, l2).error() == Errno::Srch);   // root init from level 2
    CHECK(ns::Registry::translate(77, l0, l1).error() == Errno::Srch);  // no such pid
  }
}

TEST_CASE("a process sees only its own namespace and its descendants", "[pid_ns]") {
  World w;
  w.fork(1, 2);
  w.fork(1, 3, ns::kCloneNewPid);
  w.fork(3, 4);
  CHECK(w.reg.find_pid(K(3), 2).value() == K(4));
  CHECK(w.reg.find_pid(K(3), 1).value() == K(3));
  CHECK(w.reg.find_pid(K(4), 3).error() == Errno::Srch);   // pid 3 of the root is invisible
  CHECK(w.reg.find_pid(K(1), 4).value() == K(4));         // the root sees everything
  SECTION("getppid is 0 when the parent is outside the caller's namespace") {
    CHECK(w.reg.getppid(K(3)).value() == 0);
    CHECK(w.reg.getppid(K(4)).value() == 1);
    CHECK(w.reg.getppid(K(2)).value() == 1);
  }
}

TEST_CASE("pids are allocated after the last one and wrap to 300 at pid_max", "[pid_ns]") {
  ns::RegistryConfig cfg;
  cfg.pid_max = 1000;
  World w(cfg);
  for (uint64_t k = 2; k <= 10; ++k) w.fork(1, k);
  CHECK(w.reg.getpid(K(10)).value() == 10);
  SECTION("a freed number is not reused before the wrap") {
    REQUIRE(w.reg.exit(K(5), 0).ok());
    REQUIRE(w.reg.wait(K(1), 5).value() == 5);
    w.fork(1, 11);
    CHECK(w.reg.getpid(K(11)).value() == 11);
  }
  SECTION("past pid_max the next number is the first free one from 300") {
    w.reg.root_pid_ns().set_last_pid(998);
    w.fork(1, 20);
    CHECK(w.reg.getpid(K(20)).value() == 999);
    w.fork(1, 21);
    CHECK(w.reg.getpid(K(21)).value() == 300);
    w.fork(1, 22);
    CHECK(w.reg.getpid(K(22)).value() == 301);
  }
  SECTION("numbers in use are skipped") {
    w.reg.root_pid_ns().set_last_pid(6);
    for (uint64_t k = 2; k <= 10; ++k) if (k != 8) { REQUIRE(w.reg.exit(K(k), 0).ok()); REQUIRE(w.reg.wait(K(1), (ns::Pid)k).ok()); }
    w.fork(1, 30);
    CHECK(w.reg.getpid(K(30)).value() == 7);
    w.fork(1, 31);
    CHECK(w.reg.getpid(K(31)).value() == 9);   // 8 is still in use
  }
}

TEST_CASE("a full pid namespace answers EAGAIN", "[pid_ns]") {
  ns::RegistryConfig cfg;
  cfg.pid_max = 600;
  World w(cfg);
  auto& n = w.reg.root_pid_ns();
  uint64_t k = 1000;
  for (;; ++k) {
    auto r = n.alloc(K(k));
    if (!r.ok()) { CHECK(r.error() == Errno::Again); break; }
  }
  CHECK(n.nr_allocated() == 599);   // 1..599
}

TEST_CASE("pid namespaces nest at most 32 levels deep", "[pid_ns]") {
  World w;
  uint64_t k = 1;
  for (int level = 1; level <= 32; ++level, ++k) w.fork(k, k + 1, ns::kCloneNewPid);
  CHECK(w.pidns(k).level() == 32);
  CHECK(w.reg.clone(K(k), K(999), ns::kCloneNewPid).error() == Errno::NoSpc);
  CHECK(w.reg.unshare(K(k), ns::kCloneNewPid).error() == Errno::NoSpc);
  CHECK(w.reg.new_pid_ns(w.pidns(k)).error() == Errno::NoSpc);
  SECTION("koid <-> pid stays exact at depth 32") {
    w.fork(k, 999);
    auto* p = w.reg.find_process(K(999));
    CHECK(p->pid()->level() == 32);
    CHECK(w.reg.root_pid_ns().pid_of(K(999)).value() == 34);
    CHECK(w.pidns(k).pid_of(K(999)).value() == 2);
  }
}

TEST_CASE("setsid and setpgid follow setsid(2) and setpgid(2)", "[pid_ns]") {
  World w;
  w.fork(1, 2);
  w.fork(2, 3);
  SECTION("a group leader may not create a session") {
    CHECK(w.reg.setsid(K(1)).error() == Errno::Perm);   // init leads group 1
  }
  SECTION("a non-leader becomes leader of a new session and group") {
    REQUIRE(w.reg.setsid(K(2)).value() == 2);
    CHECK(w.reg.getsid(K(2), 0).value() == 2);
    CHECK(w.reg.getpgid(K(2), 0).value() == 2);
    CHECK(w.reg.getsid(K(1), 2).value() == 2);
    CHECK(w.reg.setsid(K(2)).error() == Errno::Perm);   // now a group leader
    CHECK(w.reg.setpgid(K(2), 0, 0).error() == Errno::Perm);   // a session leader cannot move
  }
  SECTION("a child can be put in its own group, then in another group of the session") {
    REQUIRE(w.reg.setpgid(K(2), 3, 0).ok());
    CHECK(w.reg.getpgid(K(1), 3).value() == 3);
    w.fork(2, 4);
    REQUIRE(w.reg.setpgid(K(2), 4, 3).ok());
    CHECK(w.reg.getpgid(K(4), 0).value() == 3);
  }
  SECTION("errors") {
    CHECK(w.reg.setpgid(K(2), 0, -1).error() == Errno::Inval);
    CHECK(w.reg.setpgid(K(3), 1, 0).error() == Errno::Srch);     // not a child
    CHECK(w.reg.setpgid(K(2), 99, 0).error() == Errno::Srch);    // no such process
    CHECK(w.reg.setpgid(K(2), 3, 42).error() == Errno::Perm);    // no group 42
    REQUIRE(w.reg.exec(K(3)).ok());
    CHECK(w.reg.setpgid(K(2), 3, 0).error() == Errno::Acces);    // child has exec'd
  }
  SECTION("a child in another session cannot be moved") {
    REQUIRE(w.reg.setsid(K(3)).ok());
    CHECK(w.reg.setpgid(K(2), 3, 0).error() == Errno::Perm);
  }
  SECTION("a group in another session cannot be joined") {
    w.fork(1, 5);
    REQUIRE(w.reg.setsid(K(5)).ok());
    CHECK(w.reg.setpgid(K(2), 0, 5).error() == Errno::Perm);
  }
}

TEST_CASE("groups and sessions across pid namespaces", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);
  SECTION("an inherited group outside the namespace reads as 0") {
    CHECK(w.reg.getpgid(K(2), 0).value() == 0);
    CHECK(w.reg.getsid(K(2), 0).value() == 0);
    CHECK(w.reg.getpgid(K(1), 2).value() == 1);
  }
  SECTION("the namespace's init may start a session of its own") {
    REQUIRE(w.reg.setsid(K(2)).value() == 1);
    CHECK(w.reg.getsid(K(2), 0).value() == 1);
    CHECK(w.reg.getsid(K(1), 2).value() == 2);   // the root sees the same session as pid 2
  }
}

TEST_CASE("a process-group id stays allocated while the group has members", "[pid_ns]") {
  World w;
  w.fork(1, 2);
  REQUIRE(w.reg.setsid(K(2)).ok());
  w.fork(2, 3);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  REQUIRE(w.reg.wait(K(1), 2).value() == 2);
  // Process 3 is still in group 2 (and session 2): number 2 is not free.
  CHECK(w.reg.root_pid_ns().record_of(2) != nullptr);
  CHECK(w.reg.getpgid(K(3), 0).value() == 2);
  CHECK(w.reg.find_pid(K(1), 2).error() == Errno::Srch);   // but names no process
  w.reg.root_pid_ns().set_last_pid(1);
  w.fork(1, 4);
  CHECK(w.reg.getpid(K(4)).value() != 2);
  REQUIRE(w.reg.exit(K(3), 0).ok());
  REQUIRE(w.reg.wait(K(1), -1).ok());
  CHECK(w.reg.root_pid_ns().record_of(2) == nullptr);
}

TEST_CASE("wait reaps zombies and frees their numbers", "[pid_ns]") {
  World w;
  CHECK(w.reg.wait(K(1), -1).error() == Errno::Child);
  w.fork(1, 2);
  CHECK(w.reg.wait(K(1), -1).value() == 0);   // a child, none exited
  CHECK(w.reg.wait(K(1), 9).error() == Errno::Child);
  REQUIRE(w.reg.exit(K(2), 3).ok());
  CHECK(w.reg.find_process(K(2))->state() == ns::Process::State::Zombie);
  CHECK(w.reg.root_pid_ns().koid_of(2).value() == K(2));   // zombies keep their pid
  CHECK(w.reg.wait(K(1), -1).value() == 2);
  CHECK(w.reg.find_process(K(2)) == nullptr);
  CHECK(w.reg.root_pid_ns().record_of(2) == nullptr);
}

TEST_CASE("orphans go to the namespace's init or the nearest subreaper", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);   // init of N
  w.fork(2, 3);
  w.fork(3, 4);
  w.fork(4, 5);
  SECTION("to init of the dying parent's namespace") {
    REQUIRE(w.reg.exit(K(4), 0).ok());
    CHECK(w.reg.find_process(K(5))->parent()->koid() == K(2));
    CHECK(w.reg.getppid(K(5)).value() == 1);
    SECTION("and init may reap the orphan once it exits") {
      REQUIRE(w.reg.exit(K(5), 0).ok());
      CHECK(w.reg.wait(K(2), -1).value() == 4);  // 5 is pid 4 in N
    }
  }
  SECTION("to the nearest running subreaper above it") {
    REQUIRE(w.reg.set_child_subreaper(K(3), true).ok());
    REQUIRE(w.reg.exit(K(4), 0).ok());
    CHECK(w.reg.find_process(K(5))->parent()->koid() == K(3));
  }
  SECTION("a subreaper outside the namespace is not used") {
    REQUIRE(w.reg.set_child_subreaper(K(1), true).ok());
    REQUIRE(w.reg.exit(K(4), 0).ok());
    CHECK(w.reg.find_process(K(5))->parent()->koid() == K(2));
  }
  SECTION("zombie children move with the rest") {
    REQUIRE(w.reg.exit(K(5), 0).ok());
    REQUIRE(w.reg.exit(K(4), 0).ok());
    CHECK(w.reg.find_process(K(5))->parent()->koid() == K(2));
    CHECK(w.reg.wait(K(2), 4).value() == 4);   // 5 is pid 4 in N (2:1, 3:2, 4:3, 5:4)
  }
}

TEST_CASE("when a namespace's init dies everything in it and below dies", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);   // init of N
  w.fork(2, 3);
  w.fork(3, 4, ns::kCloneNewPid);   // init of M below N
  w.fork(4, 5);
  w.fork(1, 6);                     // outside, unaffected
  auto* n = &w.pidns(2);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  CHECK(w.reg.find_process(K(3)) == nullptr);   // killed and reaped by the dying init
  CHECK(w.reg.find_process(K(4)) == nullptr);
  CHECK(w.reg.find_process(K(5)) == nullptr);
  CHECK(w.reg.find_process(K(6))->running());
  CHECK(w.reg.find_process(K(2))->state() == ns::Process::State::Zombie);
  CHECK_FALSE(n->accepts_processes());
  SECTION("no process may enter it any more") { CHECK(n->alloc(K(50)).error() == Errno::NoMem); }
  SECTION("and it dies with its last reference") {
    size_t before = w.reg.ns_count();
    REQUIRE(w.reg.wait(K(1), -1).value() == 2);
    CHECK(w.reg.ns_count() == before - 1);
  }
}

TEST_CASE("a process that joined from outside stays a zombie for its outside parent", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);
  auto h = w.reg.open_ns(K(2), ns::NsType::Pid).value();
  w.fork(1, 3);
  REQUIRE(w.reg.setns(K(3), *h, ns::kCloneNewPid).ok());
  w.fork(3, 4);                            // in N, parent 3 outside
  CHECK(w.pid_in(4, w.pidns(2)) == 2);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  CHECK(w.reg.find_process(K(4))->state() == ns::Process::State::Zombie);
  SECTION("fork into the dead namespace fails with ENOMEM") {
    CHECK(w.reg.clone(K(3), K(5), 0).error() == Errno::NoMem);
  }
  ns::Pid expected = w.reg.root_pid_ns().pid_of(K(4)).value();
  CHECK(w.reg.wait(K(3), -1).value() == expected);
  w.reg.close(h);
}

TEST_CASE("signals to a namespace's init are dropped unless it handles them", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);   // init of N
  w.fork(2, 3);                     // member of N
  SECTION("from inside: even SIGKILL is dropped") {
    REQUIRE(w.reg.kill(K(3), 1, ns::kSigKill).ok());
    REQUIRE(w.reg.kill(K(3), 1, ns::kSigTerm).ok());
    CHECK(w.reg.find_process(K(2))->running());
    CHECK_FALSE(w.reg.find_process(K(2))->signal_pending(ns::kSigTerm));
  }
  SECTION("from inside: a handled signal arrives") {
    REQUIRE(w.reg.set_signal_handled(K(2), ns::kSigTerm, true).ok());
    REQUIRE(w.reg.kill(K(3), 1, ns::kSigTerm).ok());
    CHECK(w.reg.find_process(K(2))->signal_pending(ns::kSigTerm));
  }
  SECTION("from an ancestor: an unhandled SIGTERM is dropped, SIGKILL is forced") {
    ns::Pid n_init = w.reg.root_pid_ns().pid_of(K(2)).value();
    REQUIRE(w.reg.kill(K(1), n_init, ns::kSigTerm).ok());
    CHECK(w.reg.find_process(K(2))->running());
    REQUIRE(w.reg.kill(K(1), n_init, ns::kSigKill).ok());
    CHECK_FALSE(w.reg.find_process(K(2))->running());
    CHECK(w.reg.find_process(K(3)) == nullptr);
  }
  SECTION("the root init cannot be killed from anywhere") {
    REQUIRE(w.reg.kill(K(3), 0, 0).ok());
    CHECK(w.reg.kill(K(1), 1, ns::kSigKill).ok());
    CHECK(w.reg.find_process(K(1))->running());
  }
  SECTION("an ordinary process dies of SIGTERM and SIGKILL") {
    REQUIRE(w.reg.kill(K(2), 2, ns::kSigTerm).ok());
    CHECK_FALSE(w.reg.find_process(K(3))->running());
  }
  SECTION("kill errors") {
    CHECK(w.reg.kill(K(3), 99, 0).error() == Errno::Srch);
    CHECK(w.reg.kill(K(3), 2, 65).error() == Errno::Inval);
    CHECK(w.reg.set_signal_handled(K(2), ns::kSigKill, true).error() == Errno::Inval);
  }
}

TEST_CASE("kill with -1 and with groups", "[pid_ns]") {
  World w;
  w.fork(1, 2, ns::kCloneNewPid);
  w.fork(2, 3);
  w.fork(2, 4);
  w.fork(1, 5);
  SECTION("-1 reaches everything visible except the caller and init") {
    REQUIRE(w.reg.kill(K(3), -1, ns::kSigTerm).ok());
    CHECK(w.reg.find_process(K(2))->running());
    CHECK(w.reg.find_process(K(3))->running());
    CHECK_FALSE(w.reg.find_process(K(4))->running());
    CHECK(w.reg.find_process(K(5))->running());
  }
  SECTION("a group") {
    // In N: KoID 2 is pid 1, 3 is pid 2, 4 is pid 3.
    REQUIRE(w.reg.setpgid(K(2), 2, 0).ok());
    REQUIRE(w.reg.setpgid(K(2), 3, 2).ok());
    REQUIRE(w.reg.kill(K(2), -2, ns::kSigTerm).ok());
    CHECK_FALSE(w.reg.find_process(K(3))->running());
    CHECK_FALSE(w.reg.find_process(K(4))->running());
    CHECK(w.reg.kill(K(2), -77, ns::kSigTerm).error() == Errno::Srch);
  }
  SECTION("an unprivileged sender may signal only its own uid") {
    w.make_unprivileged(5, 1000);
    CHECK(w.reg.kill(K(5), 1, ns::kSigTerm).error() == Errno::Perm);
    w.fork(5, 6);
    CHECK(w.reg.kill(K(5), w.reg.root_pid_ns().pid_of(K(6)).value(), ns::kSigTerm).ok());
  }
}

TEST_CASE("a pidfd never names a recycled pid", "[pid_ns]") {
  ns::RegistryConfig cfg;
  cfg.pid_max = 600;
  World w(cfg);
  w.fork(1, 2);
  auto ref = w.reg.pidfd_open(K(1), 2).value();
  CHECK(w.reg.pidfd_process(*ref).value() == K(2));
  CHECK(w.reg.pidfd_pid(K(1), *ref).value() == 2);
  REQUIRE(w.reg.exit(K(2), 0).ok());
  CHECK(w.reg.pidfd_process(*ref).value() == K(2));   // a zombie is still that process
  REQUIRE(w.reg.wait(K(1), 2).ok());
  w.reg.root_pid_ns().set_last_pid(1);
  w.fork(1, 3);
  REQUIRE(w.reg.getpid(K(3)).value() == 2);            // number 2 is reused...
  CHECK(w.reg.pidfd_process(*ref).error() == Errno::Srch);   // ...but not by the pidfd
  CHECK(w.reg.pidfd_send_signal(K(1), *ref, ns::kSigKill).error() == Errno::Srch);
  CHECK(w.reg.find_process(K(3))->running());
  w.reg.pidfd_close(ref);
  CHECK(w.reg.pidfd_open(K(1), 0).error() == Errno::Inval);
  CHECK(w.reg.pidfd_open(K(1), 77).error() == Errno::Srch);
  SECTION("pidfd_send_signal to a process outside the caller's namespace is EINVAL") {
    w.fork(1, 4, ns::kCloneNewPid);
    auto r = w.reg.pidfd_open(K(1), 1).value();
    CHECK(w.reg.pidfd_send_signal(K(4), *r, 0).error() == Errno::Inval);
    w.reg.pidfd_close(r);
  }
}
