// tests/unit/servers/pidsrv/process_table_test.cc: the pidsrv core against the fake kernel: the
// tests issue 6 lists (nested namespaces, getppid across the boundary, invisible pids, orphans,
// an init's death, the nesting limit, stop/continue, exec, pidfds, 1,000 cycles) and the signal rules.
#include "fake_kernel.h"
#include "servers/pidsrv/signals.h"

using namespace proto::pid;
using ns::Errno;
using pidsrv::Entry;
using pidsrv_test::K;
using pidsrv_test::kInit;
using pidsrv_test::World;

TEST_CASE("a 3-level nested pid namespace is seen from each level", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);   // init of level 1
  ns::Koid b = w.spawn(a, kCloneNewPid);       // init of level 2
  ns::Koid c = w.spawn(b, kCloneNewPid);       // init of level 3
  ns::Koid d = w.spawn(c);                     // pid 2 at level 3
  CHECK(w.pid(a) == 1);
  CHECK(w.pid(b) == 1);
  CHECK(w.pid(c) == 1);
  CHECK(w.pid(d) == 2);
  SECTION("each level lists what it sees, with NSpid from its own level down") {
    ProcInfo root[8];
    REQUIRE(w.table.list(kInit, 0, root, 8).value() == 5);
    CHECK(root[4].pid == 5);
    CHECK(root[4].levels == 4);
    CHECK(root[4].nspid[0] == 5);
    CHECK(root[4].nspid[1] == 4);
    CHECK(root[4].nspid[2] == 3);
    CHECK(root[4].nspid[3] == 2);
    CHECK(std::string(root[4].name) == "true");
    ProcInfo l2[8];
    REQUIRE(w.table.list(b, 0, l2, 8).value() == 3);
    CHECK(l2[0].pid == 1);
    CHECK(l2[0].ppid == 0);   // a is outside level 2
    CHECK(l2[2].nspid[0] == 3);
    CHECK(l2[2].nspid[1] == 2);
    CHECK(l2[2].levels == 2);
    ProcInfo l3[8];
    REQUIRE(w.table.list(d, 0, l3, 8).value() == 2);
    CHECK(l3[1].pid == 2);
    CHECK(l3[1].ppid == 1);
  }
  SECTION("lists come in pages after a pid") {
    ProcInfo page[2];
    REQUIRE(w.table.list(kInit, 0, page, 2).value() == 2);
    CHECK(page[1].pid == 2);
    REQUIRE(w.table.list(kInit, 2, page, 2).value() == 2);
    CHECK(page[0].pid == 3);
    REQUIRE(w.table.list(kInit, 4, page, 2).value() == 1);
    CHECK(w.table.list(kInit, 5, page, 2).value() == 0);
  }
  SECTION("pids translate between levels through namespace tokens") {
    ns::Koid l1 = w.table.open_pid_ns(kInit, 2, false).value();
    ns::Koid l3 = w.table.open_pid_ns(kInit, 5, false).value();
    ns::Koid own = ns::kInvalidKoid;
    CHECK(w.table.translate(kInit, 2, l3, own).value() == 5);
    CHECK(w.table.translate(kInit, 5, own, l1).value() == 4);
    CHECK(w.table.translate(kInit, 1, own, l1).error() == Errno::Srch);   // root init is invisible there
    CHECK(w.table.translate(kInit, 5, own, K(77)).error() == Errno::BadF);
    ns::Koid pidfd = w.table.pidfd_open(kInit, 5).value();
    CHECK(w.table.translate(kInit, 5, own, pidfd).error() == Errno::BadF);   // a pidfd is no namespace
  }
  SECTION("jobs mirror the namespaces") {
    auto job = [&](ns::Koid p) { return w.kernel.procs.at(ns::raw(p)).job; };
    CHECK(job(d) == job(c));
    CHECK(w.kernel.jobs.at(ns::raw(job(c))).parent == job(b));
    CHECK(w.kernel.jobs.at(ns::raw(job(b))).parent == job(a));
    CHECK(w.kernel.jobs.at(ns::raw(job(a))).parent == pidsrv_test::kRootJob);
  }
}

TEST_CASE("getppid answers 0 across the namespace boundary", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);
  ns::Koid b = w.spawn(a);
  CHECK(w.table.getppid(a).value() == 0);
  CHECK(w.table.getppid(b).value() == 1);
  CHECK(w.table.getpid(b).value() == 2);
}

TEST_CASE("kill of a pid the caller cannot see answers ESRCH", "[pidsrv]") {
  World w;
  ns::Koid outside = w.spawn(kInit);                 // pid 2 in the root
  ns::Koid a = w.spawn(kInit, kCloneNewPid);         // pid 3 in the root, 1 in its own
  ns::Koid b = w.spawn(a);                           // pid 2 in a's namespace
  CHECK(w.table.kill(b, w.pid(outside) + 10, kSigTerm).error() == Errno::Srch);
  CHECK(w.table.kill(a, 3, 0).error() == Errno::Srch);   // its own root pid means nothing inside
  CHECK(w.table.kill(b, 2, 0).ok());                     // itself
  CHECK(w.table.find(outside)->state == Entry::State::Running);
  CHECK(w.table.kill(kInit, 42, kSigTerm).error() == Errno::Srch);
  CHECK(w.table.kill(kInit, INT32_MIN, kSigTerm).error() == Errno::Srch);
  CHECK(w.table.kill(kInit, 2, 65).error() == Errno::Inval);
  CHECK(w.table.kill(kInit, 2, -1).error() == Errno::Inval);
}

TEST_CASE("orphans are reparented to init and reaped by it", "[pidsrv]") {
  World w;
  ns::Koid p = w.spawn(kInit);
  ns::Koid q = w.spawn(p);
  ns::Pid qpid = w.pid(q);
  w.exit(p, 3);
  CHECK(w.table.getppid(q).value() == 1);
  auto r = w.wait(kInit, w.table.find(p) ? -1 : -1);
  CHECK(r.pid == 2);
  CHECK(wifexited(r.status));
  CHECK(wexitstatus(r.status) == 3);
  w.exit(q, 0);
  auto r2 = w.wait(kInit);
  CHECK(r2.pid == qpid);
  CHECK(w.wait_error(kInit, -1) == Errno::Child);
  CHECK(w.kernel.live_processes() == 1);   // only init
  SECTION("a subreaper gets them first") {
    ns::Koid s = w.spawn(kInit);
    REQUIRE(w.table.set_subreaper(s, true).ok());
    ns::Koid m = w.spawn(s);
    ns::Koid o = w.spawn(m);
    w.exit(m);
    CHECK(w.table.getppid(o).value() == w.pid(s));
  }
  SECTION("a zombie orphan is handed over and init can reap it") {
    ns::Koid x = w.spawn(kInit);
    ns::Koid y = w.spawn(x);
    w.exit(y, 7);
    w.exit(x, 0);
    ns::Pid got[2] = {w.wait(kInit).pid, w.wait(kInit).pid};
    CHECK(got[0] != got[1]);
    CHECK(w.wait_error(kInit, -1) == Errno::Child);
  }
}

TEST_CASE("killing a namespace's init kills everything in it and below, by one job kill", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);
  ns::Koid a2 = w.spawn(a);
  ns::Koid b = w.spawn(a2, kCloneNewPid);
  ns::Koid b2 = w.spawn(b);
  ns::Koid sibling = w.spawn(kInit);
  auto before = w.table.counts();
  w.kernel.log.clear();
  REQUIRE(w.table.kill(kInit, w.root_pid(a), kSigKill).ok());
  CHECK(std::count(w.kernel.log.begin(), w.kernel.log.end(), "kill_job") >= 1);
  auto job_a = w.kernel.procs.at(ns::raw(a)).job;
  CHECK(w.kernel.jobs.at(ns::raw(job_a)).killed);
  for (ns::Koid k : {a2, b, b2}) CHECK(w.kernel.procs.at(ns::raw(k)).killed);
  CHECK(!w.kernel.procs.at(ns::raw(sibling)).killed);
  CHECK(w.table.find(sibling)->state == Entry::State::Running);
  // a's children died with it and a reaped them; a is the root init's zombie.
  auto r = w.wait(kInit, 2);
  CHECK(wifsignaled(r.status));
  CHECK(wtermsig(r.status) == kSigKill);
  CHECK(w.table.counts().entries == before.entries - 4);
  CHECK(w.table.counts().ns_jobs == 1);
  CHECK(w.kernel.live_processes() == 2);
  SECTION("the dead namespace's job is closed") {
    CHECK(w.kernel.jobs.at(ns::raw(job_a)).closed);
  }
}

TEST_CASE("an init's death inside kills the processes a parent outside spawned into it", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);
  ns::Koid tok = w.table.open_pid_ns(kInit, w.root_pid(a), false).value();
  REQUIRE(w.table.setns(kInit, tok).ok());
  ns::Koid x = w.spawn(kInit);   // in a's namespace, child of the root init
  CHECK(w.table.getppid(x).value() == 0);
  w.exit(a, 0);
  CHECK(w.table.find(x)->state == Entry::State::Zombie);
  CHECK(w.kernel.procs.at(ns::raw(x)).killed);
  SECTION("and no process can enter it any more") {
    CHECK(w.table.spawn(kInit, w.args(), 0).error() == Errno::NoMem);
  }
  // init reaps both.
  w.wait(kInit);
  w.wait(kInit);
  CHECK(w.wait_error(kInit, -1) == Errno::Child);
}

TEST_CASE("the 33rd nested pid namespace fails with ENOSPC", "[pidsrv]") {
  World w;
  ns::Koid p = kInit;
  for (int level = 1; level <= 32; ++level) p = w.spawn(p, kCloneNewPid);
  CHECK(w.table.registry().find_process(w.table.find(p)->ident)->pid()->level() == 32);
  size_t jobs = w.kernel.jobs.size();
  size_t procs = w.kernel.procs.size();
  CHECK(w.table.spawn(p, w.args(), kCloneNewPid).error() == Errno::NoSpc);
  CHECK(w.kernel.jobs.size() == jobs);    // nothing made in the kernel for it
  CHECK(w.kernel.procs.size() == procs);
  CHECK(w.table.spawn(p, w.args(), 0).ok());   // a plain child is fine
}

TEST_CASE("SIGSTOP and SIGCONT stop and continue, and WUNTRACED/WCONTINUED report them", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  ns::Pid pid = w.pid(c);
  REQUIRE(w.table.kill(kInit, pid, kSigStop).ok());
  CHECK(w.table.find(c)->state == Entry::State::Stopped);
  CHECK(w.kernel.thread(c).suspended == 1);
  CHECK(w.wait(kInit, pid, kWExited | kWNoHang).pid == 0);   // without WUNTRACED: nothing
  auto r = w.wait(kInit, pid, kWExited | kWUntraced | kWNoHang);
  CHECK(r.pid == pid);
  CHECK(wifstopped(r.status));
  CHECK(wstopsig(r.status) == kSigStop);
  CHECK(r.code == kCldStopped);
  CHECK(w.wait(kInit, pid, kWExited | kWUntraced | kWNoHang).pid == 0);   // reported once
  SECTION("a handled signal waits while stopped; SIGKILL does not") {
    SigAction act{0x4000, 0, 0, 0x5000};
    REQUIRE(w.table.sigaction(c, kSigUsr1, &act).ok());
    REQUIRE(w.table.kill(kInit, pid, kSigUsr1).ok());
    CHECK(w.table.sigpending(c).value() == 0);        // pending but not blocked
    CHECK(w.table.find(c)->pending == sig_bit(kSigUsr1));
    REQUIRE(w.table.kill(kInit, pid, kSigCont).ok());
    CHECK(w.table.find(c)->pending == 0);              // delivered on continue
    CHECK(w.kernel.thread(c).regs.pc == 0x5000);
  }
  SECTION("SIGCONT resumes it") {
    REQUIRE(w.table.kill(kInit, pid, kSigCont).ok());
    CHECK(w.table.find(c)->state == Entry::State::Running);
    CHECK(w.kernel.thread(c).suspended == 0);
    auto rc = w.wait(kInit, pid, kWContinued | kWNoHang);
    CHECK(rc.pid == pid);
    CHECK(wifcontinued(rc.status));
    CHECK(rc.code == kCldContinued);
  }
  SECTION("a blocked WUNTRACED wait is answered when the child stops") {
    REQUIRE(w.table.kill(kInit, pid, kSigCont).ok());
    pidsrv::Waiter wt{77, IdType::Pid, pid, kWExited | kWUntraced};
    bool deferred = false;
    REQUIRE(w.table.wait(kInit, wt, &deferred).ok());
    REQUIRE(deferred);
    ns::Koid other = w.spawn(kInit);
    REQUIRE(w.table.kill(other, pid, kSigTstp).ok());
    w.table.finish_request();
    auto reply = w.kernel.last_reply<WaitReply>();
    CHECK(reply.header.txid == 77);
    CHECK(reply.pid == pid);
    CHECK(wstopsig(reply.status) == kSigTstp);
  }
  SECTION("SIGKILL ends a stopped process") {
    REQUIRE(w.table.kill(kInit, pid, kSigKill).ok());
    auto rk = w.wait(kInit, pid);
    CHECK(wtermsig(rk.status) == kSigKill);
  }
}

TEST_CASE("exec keeps the pid and rebinds it to the new process", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  ns::Pid pid = w.pid(c);
  SigAction handler{0x4000, 0, 0, 0x5000};
  SigAction ignore{kSigIgn, 0, 0, 0};
  REQUIRE(w.table.sigaction(c, kSigUsr1, &handler).ok());
  REQUIRE(w.table.sigaction(c, kSigUsr2, &ignore).ok());
  REQUIRE(w.table.exec(c, w.args("/bin/sh")).ok());
  ns::Koid n = w.kernel.last_process;
  CHECK(n != c);
  CHECK(w.kernel.procs.at(ns::raw(c)).killed);
  CHECK(w.kernel.procs.at(ns::raw(c)).released);
  CHECK(w.kernel.procs.at(ns::raw(n)).job == w.kernel.procs.at(ns::raw(c)).job);
  CHECK(w.table.getpid(n).value() == pid);
  CHECK(w.table.getpid(c).error() == Errno::Srch);
  CHECK(w.table.sigaction(n, kSigUsr1, nullptr).value().handler == kSigDfl);
  CHECK(w.table.sigaction(n, kSigUsr2, nullptr).value().handler == kSigIgn);
  CHECK(std::string(w.table.find(n)->name) == "sh");
  // The old image's end is not this pid's end.
  w.exit(c, 9);
  CHECK(w.table.find(n)->state == Entry::State::Running);
  SECTION("a failed exec leaves the process as it was") {
    w.kernel.fail_start = Errno::NoEnt;
    CHECK(w.table.exec(n, w.args("/nope")).error() == Errno::NoEnt);
    CHECK(w.table.getpid(n).value() == pid);
    CHECK(!w.kernel.procs.at(ns::raw(n)).killed);
  }
  w.exit(n, 4);
  auto r = w.wait(kInit, pid);
  CHECK(wexitstatus(r.status) == 4);
}

TEST_CASE("a pidfd refuses a recycled pid", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  ns::Pid pid = w.pid(c);
  ns::Koid fd = w.table.pidfd_open(kInit, pid).value();
  CHECK(w.table.pidfd_getpid(kInit, fd).value() == pid);
  w.exit(c);
  CHECK(w.table.pidfd_getpid(kInit, fd).value() == pid);   // a zombie still has its pid
  w.wait(kInit, pid);
  w.table.registry().root_pid_ns().set_last_pid(pid - 1);
  ns::Koid again = w.spawn(kInit);
  REQUIRE(w.pid(again) == pid);   // the number is someone else's now
  CHECK(w.table.pidfd_getpid(kInit, fd).error() == Errno::Srch);
  CHECK(w.table.pidfd_send_signal(kInit, fd, kSigKill).error() == Errno::Srch);
  CHECK(w.table.find(again)->state == Entry::State::Running);
  SECTION("waitid(P_PIDFD) on it finds no child") {
    pidsrv::Waiter wt{1, IdType::Pidfd, 0, kWExited | kWNoHang, fd};
    bool deferred;
    CHECK(w.table.wait(kInit, wt, &deferred).error() == Errno::Child);
  }
  // The client's last handle to it goes: pidsrv drops its side; a second report is ignored.
  w.table.on_token_closed(fd);
  CHECK(w.kernel.tokens.at(ns::raw(fd)).dropped);
  w.table.on_token_closed(fd);
  CHECK(w.table.pidfd_getpid(kInit, fd).error() == Errno::BadF);
  CHECK(w.table.counts().pidrefs == 0);
  CHECK(w.table.counts().tokens == 0);
}

TEST_CASE("1,000 spawn/exit/wait cycles leave every count where it started", "[pidsrv]") {
  World w;
  ns::Koid keeper = w.spawn(kInit);   // something besides init, so the tables are not empty
  (void)keeper;
  auto before = w.table.counts();
  size_t procs = w.kernel.live_processes();
  size_t jobs = w.kernel.open_jobs();
  size_t bytes = w.heap.bytes_in_use();
  for (int i = 0; i < 1000; ++i) {
    uint64_t flags = i % 3 == 0 ? kCloneNewPid : 0;
    ns::Koid c = w.spawn(kInit, flags);
    if (i % 5 == 0) {
      ns::Koid fd = w.table.pidfd_open(kInit, w.root_pid(c)).value();
      w.exit(c, i & 0xff);
      REQUIRE(w.kernel.tokens.at(ns::raw(fd)).signalled);
      w.table.on_token_closed(fd);
    } else if (i % 7 == 0) {
      // SIGKILL: a namespace's init ignores SIGTERM without a handler, even from outside.
      REQUIRE(w.table.kill(kInit, w.root_pid(c), i % 2 ? kSigKill : kSigTerm).ok());
      if (w.table.find(c)->state != Entry::State::Zombie) REQUIRE(w.table.kill(kInit, w.root_pid(c), kSigKill).ok());
    } else {
      w.exit(c, i & 0xff);
    }
    auto r = w.wait(kInit);
    REQUIRE(r.pid > 0);
  }
  CHECK(w.table.counts() == before);
  CHECK(w.kernel.live_processes() == procs);
  CHECK(w.kernel.open_jobs() == jobs);
  CHECK(w.kernel.open_tokens() == 0);
  // The maps keep their grown capacity; nothing else may stay.
  CHECK(w.heap.bytes_in_use() <= bytes + 64 * 1024);
}

TEST_CASE("signals: handlers run through the kernel contract and sigreturn restores", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  ns::Pid pid = w.pid(c);
  SigAction act{0x4000, kSaRestart, sig_bit(kSigUsr2), 0x5000};
  REQUIRE(w.table.sigaction(c, kSigUsr1, &act).ok());
  w.kernel.log.clear();
  REQUIRE(w.table.kill(kInit, pid, kSigUsr1).ok());
  CHECK(w.kernel.log == std::vector<std::string>{"suspend", "write_state", "resume"});
  auto& t = w.kernel.thread(c);
  CHECK(t.regs.pc == 0x5000);
  CHECK(t.regs.x[10] == kSigUsr1);
  CHECK(t.regs.x[11] == 0x4000);
  CHECK(t.regs.x[12] == kSaRestart);
  CHECK(t.regs.x[2] < 0x8000);
  CHECK(t.regs.x[2] % 16 == 0);
  CHECK(w.table.find(c)->blocked == (sig_bit(kSigUsr1) | sig_bit(kSigUsr2)));
  SECTION("the signal is blocked while its handler runs, then delivered after sigreturn") {
    REQUIRE(w.table.kill(kInit, pid, kSigUsr1).ok());
    CHECK(w.table.sigpending(c).value() == sig_bit(kSigUsr1));
    w.table.begin_request(c);
    REQUIRE(w.table.sigreturn(c).ok());
    w.table.finish_request();
    CHECK(w.table.find(c)->nframes == 1);   // the second one entered at once
    CHECK(t.regs.pc == 0x5000);
    REQUIRE(w.table.sigreturn(c).ok());
    CHECK(t.regs.pc == 0x1000);
    CHECK(t.regs.x[2] == 0x8000);
    CHECK(w.table.find(c)->blocked == 0);
  }
  SECTION("sigreturn without a frame is refused") {
    REQUIRE(w.table.sigreturn(c).ok());
    CHECK(w.table.sigreturn(c).error() == Errno::Inval);
  }
  SECTION("SIGKILL and SIGSTOP cannot be caught or blocked") {
    CHECK(w.table.sigaction(c, kSigKill, &act).error() == Errno::Inval);
    CHECK(w.table.sigaction(c, kSigStop, &act).error() == Errno::Inval);
    SigSet all = ~SigSet{0};
    REQUIRE(w.table.sigprocmask(c, kSigSetMask, &all).ok());
    CHECK((w.table.find(c)->blocked & pidsrv::kUnblockable) == 0);
  }
  SECTION("a handler without a restorer or with unknown flags is refused") {
    SigAction bad{0x4000, 0, 0, 0};
    CHECK(w.table.sigaction(c, kSigUsr2, &bad).error() == Errno::Inval);
    SigAction flags{kSigDfl, 0x2000, 0, 0};
    CHECK(w.table.sigaction(c, kSigUsr2, &flags).error() == Errno::Inval);
  }
}

TEST_CASE("signals to oneself act after the reply is sent", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  SigAction act{0x4000, 0, 0, 0x5000};
  REQUIRE(w.table.sigaction(c, kSigUsr1, &act).ok());
  w.kernel.log.clear();
  KillRequest req{{5, static_cast<uint32_t>(Op::Kill)}, 0, kSigUsr1};
  req.pid = w.pid(c);
  pidsrv::dispatch(w.table, w.kernel, c, &req, sizeof req, nullptr, 0);
  CHECK(w.kernel.log == std::vector<std::string>{"send", "suspend", "write_state", "resume"});
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Ok);
}

TEST_CASE("default actions: terminate, core, ignore, stop, continue", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  SECTION("SIGTERM terminates") {
    REQUIRE(w.table.kill(kInit, w.pid(c), kSigTerm).ok());
    auto r = w.wait(kInit);
    CHECK(wtermsig(r.status) == kSigTerm);
    CHECK(r.code == kCldKilled);
  }
  SECTION("SIGSEGV terminates (a core action; no core is written)") {
    REQUIRE(w.table.kill(kInit, w.pid(c), kSigSegv).ok());
    CHECK(wtermsig(w.wait(kInit).status) == kSigSegv);
  }
  SECTION("SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored") {
    for (int s : {kSigChld, kSigUrg, kSigWinch, kSigCont}) REQUIRE(w.table.kill(kInit, w.pid(c), s).ok());
    CHECK(w.table.find(c)->state == Entry::State::Running);
    CHECK(w.table.find(c)->pending == 0);
  }
  SECTION("a blocked signal waits, and acts when unblocked") {
    SigSet set = sig_bit(kSigTerm);
    REQUIRE(w.table.sigprocmask(c, kSigBlock, &set).ok());
    REQUIRE(w.table.kill(kInit, w.pid(c), kSigTerm).ok());
    CHECK(w.table.sigpending(c).value() == set);
    REQUIRE(w.table.sigprocmask(c, kSigUnblock, &set).ok());
    CHECK(w.table.find(c)->state == Entry::State::Zombie);
  }
  SECTION("a fault ends the process with the signal Linux would send") {
    w.table.on_terminated(c, koios::ProcessExitReason::Fault, 0, 13);
    CHECK(wtermsig(w.wait(kInit).status) == kSigSegv);
  }
  SECTION("a reported exit status wins over the kernel's return code") {
    REQUIRE(w.table.report_exit(c, 42).ok());
    w.table.on_terminated(c, koios::ProcessExitReason::Exited, 0, 0);
    CHECK(wexitstatus(w.wait(kInit).status) == 42);
  }
}

TEST_CASE("a namespace's init gets signals from inside only when it handles them", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);
  ns::Koid b = w.spawn(a);
  CHECK(w.table.kill(b, 1, kSigTerm).ok());
  CHECK(w.table.kill(b, 1, kSigKill).ok());
  CHECK(w.table.find(a)->state == Entry::State::Running);
  SigAction act{0x4000, 0, 0, 0x5000};
  REQUIRE(w.table.sigaction(a, kSigTerm, &act).ok());
  REQUIRE(w.table.kill(b, 1, kSigTerm).ok());
  CHECK(w.kernel.thread(a).regs.pc == 0x5000);
  SECTION("from the parent namespace SIGKILL is forced") {
    REQUIRE(w.table.kill(kInit, w.table.registry().getpid(kInit).value() + 1, kSigKill).ok());
    CHECK(w.table.find(a)->state == Entry::State::Zombie);
  }
  SECTION("kill(-1) from inside spares init and the sender") {
    ns::Koid b2 = w.spawn(a);
    // SIGHUP: b2 inherited a's mask, which blocks SIGTERM while a's handler runs.
    CHECK(w.table.find(b2)->blocked == sig_bit(kSigTerm));
    REQUIRE(w.table.kill(b, -1, kSigHup).ok());
    CHECK(w.table.find(b2)->state == Entry::State::Zombie);
    CHECK(w.table.find(b)->state == Entry::State::Running);
    CHECK(w.table.find(a)->state == Entry::State::Running);
  }
}

TEST_CASE("permission: same uid or CAP_KILL in the target's user namespace", "[pidsrv]") {
  World w;
  ns::Koid x = w.spawn(kInit);
  ns::Koid y = w.spawn(kInit);
  w.make_unprivileged(x, 1000);
  CHECK(w.table.kill(x, 1, kSigTerm).error() == Errno::Perm);
  CHECK(w.table.kill(x, w.pid(y), kSigTerm).error() == Errno::Perm);
  CHECK(w.table.kill(x, w.pid(y), 0).error() == Errno::Perm);
  SECTION("a group kill reports EPERM only when nothing could be signalled") {
    CHECK(w.table.kill(x, -1, kSigUsr1).error() == Errno::Perm);
  }
  ns::Koid z = w.spawn(x);   // inherits uid 1000
  CHECK(w.table.kill(x, w.pid(z), kSigTerm).ok());
  CHECK(w.table.kill(y, w.pid(x), kSigTerm).ok());   // root has CAP_KILL
}

TEST_CASE("SIGCHLD reaches the parent on exit and stop; SIGCHLD ignored reaps at once", "[pidsrv]") {
  World w;
  ns::Koid p = w.spawn(kInit);
  ns::Koid c = w.spawn(p);
  SigSet chld = sig_bit(kSigChld);
  REQUIRE(w.table.sigprocmask(p, kSigBlock, &chld).ok());
  SigAction act{0x4000, 0, 0, 0x5000};
  REQUIRE(w.table.sigaction(p, kSigChld, &act).ok());
  REQUIRE(w.table.kill(kInit, w.pid(c), kSigStop).ok());
  CHECK(w.table.sigpending(p).value() == chld);
  SECTION("not for stops with SA_NOCLDSTOP") {
    REQUIRE(w.table.kill(kInit, w.pid(c), kSigCont).ok());
    SigSet none = 0;
    w.table.find(p)->pending = 0;
    SigAction nostop{0x4000, kSaNoCldStop, 0, 0x5000};
    REQUIRE(w.table.sigaction(p, kSigChld, &nostop).ok());
    REQUIRE(w.table.kill(kInit, w.pid(c), kSigStop).ok());
    CHECK(w.table.sigpending(p).value() == none);
  }
  SECTION("SIGCHLD set to SIG_IGN: no zombie is left") {
    SigAction ign{kSigIgn, 0, 0, 0};
    REQUIRE(w.table.sigaction(p, kSigChld, &ign).ok());
    ns::Koid c2 = w.spawn(p);
    w.exit(c2);
    CHECK(w.table.find(c2) == nullptr);
  }
}

TEST_CASE("unshare(CLONE_NEWPID): the next child is pid 1; after its death nobody enters", "[pidsrv]") {
  World w;
  ns::Koid p = w.spawn(kInit);
  REQUIRE(w.table.unshare(p, kCloneNewPid).ok());
  CHECK(w.table.unshare(p, 0x00020000).error() == Errno::Inval);   // not pidsrv's
  CHECK(w.table.getpid(p).value() == 2);   // the caller stays where it is
  ns::Koid first = w.spawn(p);
  CHECK(w.pid(first) == 1);
  ns::Koid second = w.spawn(p);
  CHECK(w.pid(second) == 2);
  CHECK(w.table.getppid(first).value() == 0);
  w.exit(first);
  CHECK(w.table.find(second)->state == Entry::State::Zombie);
  CHECK(w.table.spawn(p, w.args(), 0).error() == Errno::NoMem);
  w.wait(p);
  w.wait(p);
  CHECK(w.table.counts().ns_jobs == 1);
}

TEST_CASE("setns into a descendant pid namespace by token, not into an ancestor", "[pidsrv]") {
  World w;
  ns::Koid a = w.spawn(kInit, kCloneNewPid);
  ns::Koid b = w.spawn(a);
  ns::Koid mine = w.table.open_pid_ns(b, 0, false).value();
  ns::Koid root = w.table.open_pid_ns(kInit, 0, false).value();
  // Passed on to b, the root token is b's to use: but the root namespace is b's ancestor.
  CHECK(w.table.setns(b, root).error() == Errno::Inval);
  CHECK(w.table.setns(b, K(424242)).error() == Errno::Inval);   // neither a namespace nor a pidfd
  ns::Koid child_ns = w.table.open_pid_ns(kInit, w.root_pid(a), false).value();
  CHECK(w.table.setns(kInit, child_ns, false).error() == Errno::Perm);   // its handle lacks Enter
  REQUIRE(w.table.setns(kInit, child_ns).ok());
  ns::Koid x = w.spawn(kInit);
  CHECK(w.pid(x) == 3);                        // numbered in a's namespace
  CHECK(w.table.kill(b, w.pid(x), 0).ok());    // so b sees it
  CHECK(w.table.setns(b, mine).ok());
  ns::Koid up = w.table.open_pid_ns(kInit, 0, false).value();
  CHECK(w.table.setns(kInit, up).ok());
  SECTION("a pidfd stands for its process's namespace, as setns(2) takes one") {
    ns::Koid pidfd = w.table.pidfd_open(kInit, w.root_pid(b)).value();
    REQUIRE(w.table.setns(kInit, pidfd).ok());
    CHECK(w.pid(w.spawn(kInit)) == 4);
    w.exit(b);
    w.wait(a);
    CHECK(w.table.setns(kInit, pidfd).error() == Errno::Srch);   // reaped
  }
  SECTION("only namespace tokens carry Enter") {
    (void)w.table.pidfd_open(kInit, w.root_pid(b)).value();
    int with_enter = 0;
    for (auto& [k, t] : w.kernel.tokens) with_enter += t.enter;
    CHECK(with_enter == 4);
  }
}

TEST_CASE("a client's state is cleaned up when it dies", "[pidsrv]") {
  World w;
  ns::Koid p = w.spawn(kInit);
  ns::Koid c = w.spawn(p);
  ns::Koid pidfd = w.table.pidfd_open(p, w.pid(c)).value();
  ns::Koid nstok = w.table.open_pid_ns(p, 0, true).value();
  pidsrv::Waiter wt{3, IdType::All, 0, kWExited};
  bool deferred = false;
  REQUIRE(w.table.wait(p, wt, &deferred).ok());
  REQUIRE(deferred);
  CHECK(w.table.counts().tokens == 2);
  CHECK(w.table.counts().waiters == 1);
  w.table.on_terminated(p, koios::ProcessExitReason::Killed, 0, 0);
  CHECK(w.table.counts().waiters == 0);
  // Its tokens may have been passed on: they go when the kernel says their last handle did (a
  // dead process's handles close with it).
  CHECK(w.table.counts().tokens == 2);
  CHECK(w.table.pidfd_getpid(kInit, pidfd).value() == w.root_pid(c));   // still c's, whoever holds it
  w.table.on_token_closed(pidfd);
  w.table.on_token_closed(nstok);
  CHECK(w.table.counts().tokens == 0);
  CHECK(w.table.counts().pidrefs == 0);
  CHECK(w.kernel.open_tokens() == 0);
  CHECK(w.table.getppid(c).value() == 1);
  auto r = w.wait(kInit, 2);
  CHECK(wtermsig(r.status) == kSigKill);
}

TEST_CASE("a failed spawn leaves nothing behind", "[pidsrv]") {
  World w;
  auto before = w.table.counts();
  size_t procs = w.kernel.live_processes();
  w.kernel.fail_start = Errno::NoExec;
  CHECK(w.table.spawn(kInit, w.args(), kCloneNewPid).error() == Errno::NoExec);
  w.kernel.fail_start = Errno::NoEnt;
  CHECK(w.table.spawn(kInit, w.args(), 0).error() == Errno::NoEnt);
  CHECK(w.table.counts() == before);
  CHECK(w.kernel.live_processes() == procs);
  CHECK(w.kernel.open_jobs() == 1);
  CHECK(w.table.spawn(kInit, w.args(), 0x4).error() == Errno::Inval);
  CHECK(w.table.spawn(kInit, w.args(), kSpawnSetPgroup, -1).error() == Errno::Inval);
  // A group the child may not join (none with that id in the session): EPERM, and nothing left.
  CHECK(w.table.spawn(kInit, w.args(), kSpawnSetPgroup, 4242).error() == Errno::Perm);
  CHECK(w.table.counts() == before);
  CHECK(w.kernel.live_processes() == procs);
  CHECK(w.wait_error(kInit, -1) == Errno::Child);
}

TEST_CASE("spawn with kSpawnSetPgroup puts the child in its group before it runs", "[pidsrv]") {
  World w;
  auto own = w.table.spawn(kInit, w.args(), kSpawnSetPgroup, 0);
  REQUIRE(own.ok());
  ns::Koid leader = w.kernel.last_process;
  CHECK(w.table.getpgid(leader, 0).value() == own.value());
  auto joined = w.table.spawn(kInit, w.args(), kSpawnSetPgroup, own.value());
  REQUIRE(joined.ok());
  CHECK(w.table.getpgid(w.kernel.last_process, 0).value() == own.value());
  auto plain = w.table.spawn(kInit, w.args(), 0);
  REQUIRE(plain.ok());
  CHECK(w.table.getpgid(w.kernel.last_process, 0).value() == w.table.getpgid(kInit, 0).value());
}

TEST_CASE("a pidfd is signalled once its process has exited, at once when opened on a zombie", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  ns::Pid cpid = w.pid(c);
  ns::Koid fd = w.table.pidfd_open(kInit, cpid).value();
  CHECK(!w.kernel.tokens.at(ns::raw(fd)).signalled);   // still running
  SECTION("it exits") {
    w.exit(c, 3);
    CHECK(w.kernel.tokens.at(ns::raw(fd)).signalled);
    ns::Koid late = w.table.pidfd_open(kInit, cpid).value();   // a zombie
    CHECK(w.kernel.tokens.at(ns::raw(late)).signalled);
    pidsrv::Waiter wt{1, IdType::Pidfd, 0, kWExited, fd};
    bool deferred = false;
    auto r = w.table.wait(kInit, wt, &deferred);
    REQUIRE(r.ok());
    CHECK(wexitstatus(r.value().status) == 3);
  }
  SECTION("it is killed") {
    REQUIRE(w.table.pidfd_send_signal(kInit, fd, kSigKill).ok());
    CHECK(w.kernel.procs.at(ns::raw(c)).killed);
    w.table.on_terminated(c, koios::ProcessExitReason::Killed, 0, 0);
    CHECK(w.kernel.tokens.at(ns::raw(fd)).signalled);
  }
  SECTION("its namespace's init dies and takes it along") {
    ns::Koid a = w.spawn(kInit, kCloneNewPid);
    ns::Koid b = w.spawn(a);
    ns::Koid fb = w.table.pidfd_open(kInit, w.root_pid(b)).value();
    w.exit(a);
    CHECK(w.kernel.tokens.at(ns::raw(fb)).signalled);
    CHECK(!w.kernel.tokens.at(ns::raw(fd)).signalled);   // c lives on
  }
  SECTION("a wait on it blocks until then, even if the pidfd is closed meanwhile") {
    pidsrv::Waiter wt{9, IdType::Pidfd, 0, kWExited, fd};
    bool deferred = false;
    REQUIRE(w.table.wait(kInit, wt, &deferred).ok());
    REQUIRE(deferred);
    w.table.on_token_closed(fd);
    w.kernel.sent.clear();
    w.exit(c, 4);
    auto reply = w.kernel.last_reply<WaitReply>();
    CHECK(reply.header.txid == 9);
    CHECK(wexitstatus(reply.status) == 4);
  }
}

TEST_CASE("a token outlives its opener and is anyone's who holds it", "[pidsrv]") {
  World w;
  ns::Koid p = w.spawn(kInit);
  ns::Koid c = w.spawn(kInit);
  ns::Koid fd = w.table.pidfd_open(p, w.pid(c)).value();
  w.exit(p);
  w.wait(kInit, w.root_pid(p));
  // p is reaped; whoever it passed the pidfd to still has it.
  CHECK(w.table.pidfd_getpid(kInit, fd).value() == w.pid(c));
  REQUIRE(w.table.pidfd_send_signal(kInit, fd, kSigTerm).ok());
  CHECK(w.kernel.procs.at(ns::raw(c)).killed);
  w.table.on_token_closed(fd);
  CHECK(w.table.counts().tokens == 0);
}

TEST_CASE("a client opens at most 64 tokens at once", "[pidsrv]") {
  World w;
  ns::Koid c = w.spawn(kInit);
  std::vector<ns::Koid> fds;
  for (uint32_t i = 0; i < pidsrv::kMaxTokensPerClient; ++i) fds.push_back(w.table.pidfd_open(kInit, w.pid(c)).value());
  CHECK(w.table.pidfd_open(kInit, w.pid(c)).error() == Errno::MFile);
  CHECK(w.table.open_pid_ns(kInit, 0, false).error() == Errno::MFile);
  w.table.on_token_closed(fds.back());
  CHECK(w.table.pidfd_open(kInit, w.pid(c)).ok());
}
