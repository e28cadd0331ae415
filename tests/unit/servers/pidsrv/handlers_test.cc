// tests/unit/servers/pidsrv/handlers_test.cc: requests as bytes through dispatch(): the replies
// and, above all, malformed and hostile messages, which must get an errno and leave the table whole.
#include <cstring>
#include <random>

#include "fake_kernel.h"
#include "koios/startup.h"

using namespace proto::pid;
using ns::Errno;
using pidsrv_test::K;
using pidsrv_test::kInit;
using pidsrv_test::World;
using pidsrv_test::send;

namespace {

SpawnRequest spawn_request(const char* path) {
  static SpawnRequest r;
  r = SpawnRequest{};
  strcpy(r.path, path);
  static const char strings[] = "prog\0arg\0HOME=/";
  memcpy(r.strings, strings, sizeof strings);
  r.strings_size = sizeof strings;
  r.argc = 2;
  r.envc = 1;
  return r;
}

}  // namespace

TEST_CASE("requests through dispatch answer with the request's txid", "[pidsrv][handlers]") {
  World w;
  send(w, kInit, Request{}, Op::GetPid);
  auto r = w.kernel.last_reply<Reply>();
  CHECK(r.header.txid == 0x80000001u);
  CHECK(r.header.ordinal == static_cast<uint32_t>(Op::GetPid));
  CHECK(r.error == Errno::Ok);
  CHECK(r.value == 1);
  koios::Handle stdio[2] = {5, 6};
  SpawnRequest sr = spawn_request("/bin/sh");
  sr.fd_mask = 3;
  CHECK(send(w, kInit, sr, Op::Spawn, stdio, 2));   // handles taken
  CHECK(w.kernel.last_reply<Reply>().value == 2);
  ns::Koid child = w.kernel.last_process;
  send(w, child, ValueRequest{{}, 0}, Op::List);
  auto list = w.kernel.last_reply<ListReply>();
  CHECK(list.count == 2);
  CHECK(std::string(list.procs[1].name) == "sh");
  send(w, kInit, WaitRequest{{}, IdType::All, 0, kWExited, 0}, Op::Wait);
  CHECK(w.kernel.sent.empty());   // blocked: answered later
  send(w, child, ValueRequest{{}, 5}, Op::Exit);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Ok);
  w.kernel.sent.clear();
  w.exit(child, 0);
  auto wr = w.kernel.last_reply<WaitReply>();
  CHECK(wr.header.txid == 0x80000001u);
  CHECK(wr.pid == 2);
  CHECK(wexitstatus(wr.status) == 5);
}

TEST_CASE("malformed requests get an errno and change nothing", "[pidsrv][handlers]") {
  World w;
  auto before = w.table.counts();
  SECTION("too short for a header: dropped, no reply") {
    uint8_t bytes[7] = {};
    for (uint32_t n = 0; n < 8; ++n) pidsrv::dispatch(w.table, w.kernel, kInit, bytes, n, nullptr, 0);
    CHECK(w.kernel.sent.empty());
  }
  SECTION("an unknown op: ENOSYS") {
    send(w, kInit, Request{}, static_cast<Op>(999));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NoSys);
    send(w, kInit, Request{}, static_cast<Op>(0));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NoSys);
  }
  SECTION("the wrong size for the op: EINVAL") {
    send(w, kInit, Request{}, Op::Kill);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    send(w, kInit, WaitRequest{}, Op::GetPid);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("handles where none belong: EINVAL, and not taken") {
    koios::Handle h = 7;
    CHECK(!send(w, kInit, Request{}, Op::GetPid, &h, 1));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("a caller pidsrv does not know: ESRCH") {
    send(w, K(424242), Request{}, Op::GetPid);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Srch);
    send(w, K(424242), spawn_request("/bin/sh"), Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Srch);
  }
  SECTION("spawn with a broken path, strings or stdio") {
    SpawnRequest r = spawn_request("/bin/sh");
    memset(r.path, 'a', sizeof r.path);
    CHECK(!send(w, kInit, r, Op::Spawn));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NameTooLong);
    r = spawn_request("");
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NoEnt);
    r = spawn_request("/bin/sh");
    r.argc = 5;
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    r = spawn_request("/bin/sh");
    r.strings_size = kMaxSpawnStrings + 1;
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::TooBig);
    r = spawn_request("/bin/sh");
    r.strings[r.strings_size - 1] = 'x';
    r.envc = 0;
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    r = spawn_request("/bin/sh");
    r.fd_mask = 1;   // says one handle, none came
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    r = spawn_request("/bin/sh");
    r.flags = ~uint64_t{0};
    send(w, kInit, r, Op::Spawn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("forged tokens: EBADF (setns: EINVAL), in the op's own reply type") {
    koios::Handle event = 77;                            // not a token at all
    koios::Handle foreign = w.kernel.hand(K(12345));     // a token pidsrv did not mint
    for (koios::Handle h : {event, foreign}) {
      CHECK(!send(w, kInit, TokenRequest{{}, kSigKill, 0}, Op::PidfdSendSignal, &h, 1));
      CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
      send(w, kInit, TokenRequest{}, Op::SetNs, &h, 1);
      CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
      send(w, kInit, WaitRequest{{}, IdType::Pidfd, 0, kWExited, 0}, Op::Wait, &h, 1);
      CHECK(w.kernel.last_reply<WaitReply>().error == Errno::BadF);
      send(w, kInit, TranslateRequest{{}, 1, kTranslateTo}, Op::TranslatePid, &h, 1);
      CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
    }
    send(w, kInit, Request{}, static_cast<Op>(17));   // CloseToken is retired
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NoSys);
  }
  SECTION("a missing token is a closed fd (EBADF); extra handles are EINVAL") {
    send(w, kInit, TokenRequest{}, Op::PidfdGetPid);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
    send(w, kInit, WaitRequest{{}, IdType::Pidfd, 0, kWExited, 0}, Op::Wait);
    CHECK(w.kernel.last_reply<WaitReply>().error == Errno::BadF);
    send(w, kInit, TranslateRequest{{}, 1, kTranslateFrom | kTranslateTo}, Op::TranslatePid);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
    koios::Handle two[2] = {w.kernel.hand(K(1)), w.kernel.hand(K(2))};
    send(w, kInit, TokenRequest{}, Op::PidfdGetPid, two, 2);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    send(w, kInit, WaitRequest{{}, IdType::All, 0, kWExited, 0}, Op::Wait, two, 1);
    CHECK(w.kernel.last_reply<WaitReply>().error == Errno::Inval);
    send(w, kInit, TranslateRequest{{}, 1, 4}, Op::TranslatePid);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("bad signal numbers and wait options: EINVAL") {
    send(w, kInit, SigActionRequest{{}, 0, 1, {}}, Op::SigAction);
    CHECK(w.kernel.last_reply<SigActionReply>().error == Errno::Inval);
    send(w, kInit, SigActionRequest{{}, 65, 0, {}}, Op::SigAction);
    CHECK(w.kernel.last_reply<SigActionReply>().error == Errno::Inval);
    send(w, kInit, SigMaskRequest{{}, 7, 1, 0}, Op::SigProcMask);
    CHECK(w.kernel.last_reply<MaskReply>().error == Errno::Inval);
    send(w, kInit, WaitRequest{{}, IdType::All, 0, 0, 0}, Op::Wait);
    CHECK(w.kernel.last_reply<WaitReply>().error == Errno::Inval);
    send(w, kInit, WaitRequest{{}, IdType::All, 0, 0x400000 | kWExited, 0}, Op::Wait);
    CHECK(w.kernel.last_reply<WaitReply>().error == Errno::Inval);
    send(w, kInit, WaitRequest{{}, static_cast<IdType>(9), 0, kWExited, 0}, Op::Wait);
    CHECK(w.kernel.last_reply<WaitReply>().error == Errno::Inval);
    send(w, kInit, ValueRequest{{}, 2}, Op::SetSubreaper);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    send(w, kInit, PidNsRequest{{}, -5, 0}, Op::OpenPidNs);
    CHECK(w.kernel.last_reply<TokenReply>().error == Errno::Inval);
  }
  SECTION("sigreturn without a handler running: EINVAL") {
    send(w, kInit, Request{}, Op::SigReturn);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  CHECK(w.table.counts() == before);
}

TEST_CASE("spawn with kSpawnPidfd answers the pid with a pidfd, in Reply's layout", "[pidsrv][handlers]") {
  World w;
  SpawnRequest sr = spawn_request("/bin/true");
  sr.flags = kSpawnPidfd | kSpawnSetPgroup;
  sr.pgroup = 0;
  send(w, kInit, sr, Op::Spawn);
  REQUIRE(w.kernel.last_reply<TokenReply>().error == Errno::Ok);
  ns::Pid pid = w.kernel.last_reply<TokenReply>().value;
  CHECK(pid > 1);
  ns::Koid pidfd = w.kernel.sent.back().token;
  REQUIRE(pidfd != ns::kInvalidKoid);
  CHECK(!w.kernel.tokens.at(ns::raw(pidfd)).enter);
  CHECK(w.table.getpgid(w.kernel.last_process, 0).value() == pid);
  // Without the flag: the same reply, no handle.
  sr.flags = 0;
  send(w, kInit, sr, Op::Spawn);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Ok);
  CHECK(w.kernel.sent.back().token == ns::kInvalidKoid);
  // A non-zero reserved field is refused, and nothing is left.
  sr.reserved = 1;
  send(w, kInit, sr, Op::Spawn);
  CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
}

TEST_CASE("tokens go out with their replies and come back as handles", "[pidsrv][handlers]") {
  World w;
  koios::Handle stdio = 5;
  SpawnRequest sr = spawn_request("/bin/sh");
  sr.fd_mask = 1;
  REQUIRE(send(w, kInit, sr, Op::Spawn, &stdio, 1));
  ns::Koid child = w.kernel.last_process;
  send(w, kInit, ValueRequest{{}, 2}, Op::PidfdOpen);
  REQUIRE(w.kernel.last_reply<TokenReply>().error == Errno::Ok);
  ns::Koid pidfd = w.kernel.sent.back().token;
  REQUIRE(pidfd != ns::kInvalidKoid);
  CHECK(!w.kernel.tokens.at(ns::raw(pidfd)).enter);
  send(w, kInit, PidNsRequest{{}, 0, 0}, Op::OpenPidNs);
  ns::Koid nstok = w.kernel.sent.back().token;
  CHECK(w.kernel.tokens.at(ns::raw(nstok)).enter);
  koios::Handle h = w.kernel.hand(pidfd);
  send(w, kInit, TokenRequest{}, Op::PidfdGetPid, &h, 1);
  CHECK(w.kernel.last_reply<Reply>().value == 2);
  SECTION("any holder may use it: the child asks about itself") {
    send(w, child, TokenRequest{}, Op::PidfdGetPid, &h, 1);
    CHECK(w.kernel.last_reply<Reply>().value == 2);
  }
  SECTION("a namespace token is not a pidfd, nor a pidfd a namespace to translate into") {
    koios::Handle n = w.kernel.hand(nstok);
    send(w, kInit, TokenRequest{{}, kSigKill, 0}, Op::PidfdSendSignal, &n, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
    send(w, kInit, TranslateRequest{{}, 2, kTranslateFrom}, Op::TranslatePid, &h, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::BadF);
    koios::Handle both[2] = {n, n};
    send(w, kInit, TranslateRequest{{}, 2, kTranslateFrom | kTranslateTo}, Op::TranslatePid, both, 2);
    CHECK(w.kernel.last_reply<Reply>().value == 2);
  }
  SECTION("setns needs Enter on a namespace token's handle") {
    koios::Handle weak = w.kernel.hand(nstok, koios::kRightsBasic);
    send(w, kInit, TokenRequest{}, Op::SetNs, &weak, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Perm);
    koios::Handle strong = w.kernel.hand(nstok);
    send(w, kInit, TokenRequest{}, Op::SetNs, &strong, 1);
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Ok);
  }
  SECTION("waitid(P_PIDFD) through dispatch") {
    send(w, kInit, WaitRequest{{}, IdType::Pidfd, 0, kWExited, 0}, Op::Wait, &h, 1);
    CHECK(w.kernel.sent.empty());   // blocked
    w.exit(child, 6);
    CHECK(w.kernel.tokens.at(ns::raw(pidfd)).signalled);
    CHECK(wexitstatus(w.kernel.last_reply<WaitReply>().status) == 6);
  }
  SECTION("a token reply that fails still leaves nothing") {
    send(w, kInit, ValueRequest{{}, 99}, Op::PidfdOpen);
    CHECK(w.kernel.last_reply<TokenReply>().error == Errno::Srch);
    CHECK(w.kernel.sent.back().token == ns::kInvalidKoid);
    CHECK(w.kernel.open_tokens() == 2);
  }
}

TEST_CASE("random hostile messages from random callers never break the table", "[pidsrv][handlers]") {
  World w;
  std::vector<ns::Koid> callers{kInit, K(3), K(999999)};
  for (int i = 0; i < 6; ++i) callers.push_back(w.spawn(i % 2 ? callers.back() : kInit, i % 3 == 0 ? kCloneNewPid : 0));
  std::mt19937_64 rng(6);
  static uint8_t buf[sizeof(SpawnRequest) + 16];
  std::vector<koios::Handle> minted;
  for (int i = 0; i < 20000; ++i) {
    ns::Koid caller = callers[rng() % callers.size()];
    uint32_t op = 1 + rng() % 28;   // every op, SysInfo and Adopt included
    // Sizes near the right one, bytes mostly small numbers so pids and signals sometimes hit.
    uint32_t sizes[] = {8, 12, 16, 24, 32, 48, static_cast<uint32_t>(sizeof(SpawnRequest)), static_cast<uint32_t>(rng() % sizeof buf)};
    uint32_t size = sizes[rng() % 8];
    for (uint32_t b = 0; b < size; ++b) buf[b] = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 6);
    // Random SigReturn/Exec/Spawn would fail on stale state; keep Exec/Spawn paths bounded.
    koios::MessageHeader h{static_cast<uint32_t>(i), op};
    memcpy(buf, &h, sizeof h);
    if (op == static_cast<uint32_t>(Op::Spawn) || op == static_cast<uint32_t>(Op::Exec)) {
      if (rng() % 4) continue;
      SpawnRequest r = spawn_request("/bin/x");
      r.header = h;
      r.flags = rng() % 2 ? kCloneNewPid : 0;
      memcpy(buf, &r, sizeof r);
      size = sizeof r;
    }
    // Sometimes with handles: not tokens, forged ones, or tokens pidsrv minted earlier.
    koios::Handle hs[3] = {static_cast<koios::Handle>(77), w.kernel.hand(K(rng() % 2000)), 0};
    if (!minted.empty()) hs[2] = minted[rng() % minted.size()];
    uint32_t nh = rng() % 4 == 0 ? static_cast<uint32_t>(1 + rng() % 2) : 0;
    const koios::Handle* hp = hs + rng() % (hs[2] ? 2 : 1);
    pidsrv::dispatch(w.table, w.kernel, caller, buf, size, nh ? hp : nullptr, nh);
    if (!w.kernel.sent.empty() && w.kernel.sent.back().token != ns::kInvalidKoid) {
      minted.push_back(w.kernel.hand(w.kernel.sent.back().token));
      w.kernel.sent.back().token = ns::kInvalidKoid;
    }
    if (rng() % 40 == 0 && !minted.empty()) {
      // A client closes a token (perhaps one that is already gone: ignored).
      w.table.on_token_closed(w.kernel.handles.at(minted[rng() % minted.size()]).koid);
    }
    if (rng() % 50 == 0) {
      // Now and then a process ends, as the kernel would report it.
      ns::Koid victim = callers[1 + rng() % (callers.size() - 1)];   // never the root init
      w.table.on_terminated(victim, koios::ProcessExitReason::Exited, 1, 0);
    }
    // The root init never dies here (it may have exec'd: its ident stays).
    REQUIRE(w.table.find_ident(kInit) != nullptr);
    REQUIRE(w.table.find_ident(kInit)->state != pidsrv::Entry::State::Zombie);
    // Keep a few live callers around.
    if (w.table.counts().entries < 4) callers.push_back(w.spawn(kInit));
  }
  // Whatever happened, the table and the Registry agree on every process.
  size_t seen = 0;
  w.table.registry().for_each_process([&](const ns::Process& p) {
    ++seen;
    auto* e = w.table.find_ident(p.koid());
    REQUIRE(e != nullptr);
    CHECK((e->state == pidsrv::Entry::State::Zombie) == !p.running());
  });
  CHECK(seen == w.table.counts().entries);
  // Every token closed by its holders: none is left behind, nor what it held.
  auto before = w.table.counts();
  for (koios::Handle h : minted) w.table.on_token_closed(w.kernel.handles.at(h).koid);
  auto after = w.table.counts();
  INFO("tokens " << before.tokens << " pidrefs " << before.pidrefs << " ns_handles " << before.ns_handles);
  CHECK(after.tokens == 0);
  CHECK(after.pidrefs == 0);
  CHECK(w.kernel.open_tokens() == 0);
}

TEST_CASE("spawn's extra start-up handles are checked before anything is made", "[pidsrv][handlers]") {
  World w;
  auto before = w.table.counts();
  koios::Handle handles[3] = {5, 6, 7};
  SpawnRequest sr = spawn_request("/bin/sh");
  sr.fd_mask = 1;
  sr.extra_count = 2;
  sr.extra[0] = {static_cast<uint32_t>(koios::StartupHandleKind::Job), 0};
  sr.extra[1] = {static_cast<uint32_t>(koios::StartupHandleKind::Resource), 3};
  SECTION("a Process, Thread, RootVmar, Fd or pidsrv Server kind is refused") {
    for (auto kind : {koios::StartupHandleKind::Process, koios::StartupHandleKind::Thread,
                      koios::StartupHandleKind::RootVmar, koios::StartupHandleKind::Fd}) {
      sr.extra[1] = {static_cast<uint32_t>(kind), 0};
      CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 3));
      CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    }
    sr.extra[1] = {static_cast<uint32_t>(koios::StartupHandleKind::Server),
                   static_cast<uint32_t>(koios::StartupServer::Pid)};
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("the handle count must be the fds' plus the extras'") {
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 2));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    sr.extra_count = kMaxSpawnExtra + 1;
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  CHECK(w.table.counts() == before);
  SECTION("well-formed: taken, and the child is spawned") {
    CHECK(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().value == 2);
  }
}

TEST_CASE("spawn takes any fd of the runtime's table and a working directory, checked first", "[pidsrv][handlers]") {
  World w;
  auto before = w.table.counts();
  koios::Handle handles[kMaxSpawnHandles + 1];
  for (uint32_t i = 0; i <= kMaxSpawnHandles; ++i) handles[i] = 100 + i;
  SpawnRequest sr = spawn_request("/bin/sh");
  sr.fd_mask = (uint64_t{1} << 1) | (uint64_t{1} << 3) | (uint64_t{1} << 63);
  std::strcpy(sr.cwd, "/tmp");
  SECTION("more handles than a start-up message has room for: EINVAL") {
    sr.fd_mask = ~uint64_t{0};
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 64));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
  }
  SECTION("a relative working directory: EINVAL; one without its NUL: ENAMETOOLONG") {
    std::strcpy(sr.cwd, "tmp");
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::Inval);
    std::memset(sr.cwd, '/', kMaxCwd);
    CHECK_FALSE(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().error == Errno::NameTooLong);
  }
  CHECK(w.table.counts() == before);
  SECTION("fds 1, 3 and 63 with /tmp: taken, and the child is spawned") {
    CHECK(send(w, kInit, sr, Op::Spawn, handles, 3));
    CHECK(w.kernel.last_reply<Reply>().value == 2);
  }
}

TEST_CASE("Stats reports the table's counts to a known process only", "[pidsrv][handlers]") {
  World w;
  send(w, kInit, Request{}, Op::Stats);
  auto r = w.kernel.last_reply<StatsReply>();
  CHECK(r.error == Errno::Ok);
  CHECK(r.entries == 1);
  CHECK(r.registry_processes == 1);
  send(w, ns::Koid{999999}, Request{}, Op::Stats);
  CHECK(w.kernel.last_reply<StatsReply>().error == Errno::Srch);
}
