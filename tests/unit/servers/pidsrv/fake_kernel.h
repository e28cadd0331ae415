// tests/unit/servers/pidsrv/fake_kernel.h: the kernel as the pidsrv core sees it, in memory. It
// keeps jobs, processes and threads with the states the real syscalls would give them, records
// every call in order (for tests of the delivery contract) and every reply sent, and the token
// pairs pidsrv mints (sent, signalled, dropped); a test plays the client closing its last handle
// to one by calling ProcessTable::on_token_closed.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "libns/heap_allocator.h"
#include "servers/pidsrv/handlers.h"
#include "servers/pidsrv/process_table.h"

namespace pidsrv_test {

using ns::Koid;
inline Koid K(uint64_t k) { return Koid{k}; }

struct FakeKernel final : pidsrv::KernelOps {
  struct Job { Koid parent; bool killed = false; bool closed = false; };
  struct Proc { Koid job; Koid thread{}; bool started = false; bool killed = false; bool released = false; };
  struct Thread { int suspended = 0; koios::ThreadStateGeneral regs{}; };
  struct Sent { Koid client; std::vector<uint8_t> bytes; Koid token{}; };
  // A token pair: pidsrv's side and the handed-out one, named by the latter's KoID.
  struct Token { bool enter = false; bool sent = false; bool signalled = false; bool dropped = false; };

  uint64_t next = 1000;
  std::map<uint64_t, Job> jobs;
  std::map<uint64_t, Proc> procs;
  std::map<uint64_t, Thread> threads;
  std::vector<Sent> sent;
  std::map<uint64_t, Token> tokens;
  std::map<koios::Handle, pidsrv::TokenArg> handles;   // what token_arg sees behind a handle value
  std::vector<std::string> log;
  ns::Errno fail_start = ns::Errno::Ok;   // the next start_process answers this
  Koid last_process{};

  ns::Result<Koid> create_job(Koid parent) override {
    if (!jobs.count(ns::raw(parent)) || jobs[ns::raw(parent)].killed) return ns::Errno::NoMem;
    Koid k{++next};
    jobs[ns::raw(k)] = Job{parent};
    log.push_back("create_job");
    return k;
  }
  void close_job(Koid job) override { jobs.at(ns::raw(job)).closed = true; log.push_back("close_job"); }
  ns::Result<Koid> create_process(Koid job, const char*) override {
    if (!jobs.count(ns::raw(job)) || jobs[ns::raw(job)].killed) return ns::Errno::NoMem;
    Koid k{++next};
    procs[ns::raw(k)] = Proc{job};
    last_process = k;
    log.push_back("create_process");
    return k;
  }
  ns::Result<Koid> start_process(Koid process, const pidsrv::SpawnArgs&) override {
    if (fail_start != ns::Errno::Ok) { auto e = fail_start; fail_start = ns::Errno::Ok; return e; }
    Proc& p = procs.at(ns::raw(process));
    p.started = true;
    p.thread = Koid{++next};
    threads[ns::raw(p.thread)] = Thread{};
    threads[ns::raw(p.thread)].regs.pc = 0x1000;
    threads[ns::raw(p.thread)].regs.x[2] = 0x8000;
    log.push_back("start_process");
    return p.thread;
  }
  bool under(Koid job, Koid ancestor) const {
    for (uint64_t j = ns::raw(job); j; j = ns::raw(jobs.at(j).parent))
      if (j == ns::raw(ancestor)) return true;
    return false;
  }
  ns::Status kill_job(Koid job) override {
    log.push_back("kill_job");
    for (auto& [k, j] : jobs) if (under(Koid{k}, job)) j.killed = true;
    for (auto& [k, p] : procs) if (under(p.job, job)) p.killed = true;
    return {};
  }
  ns::Status kill_process(Koid process) override {
    log.push_back("kill_process");
    procs.at(ns::raw(process)).killed = true;
    return {};
  }
  void release_process(Koid process) override { procs.at(ns::raw(process)).released = true; }
  ns::Status suspend_thread(Koid thread) override {
    log.push_back("suspend");
    ++threads.at(ns::raw(thread)).suspended;
    return {};
  }
  ns::Status read_state(Koid thread, koios::ThreadStateGeneral* regs) override {
    Thread& t = threads.at(ns::raw(thread));
    REQUIRE(t.suspended > 0);   // the contract: only a parked thread
    *regs = t.regs;
    return {};
  }
  ns::Status write_state(Koid thread, const koios::ThreadStateGeneral& regs) override {
    Thread& t = threads.at(ns::raw(thread));
    REQUIRE(t.suspended > 0);
    t.regs = regs;
    log.push_back("write_state");
    return {};
  }
  ns::Status resume_thread(Koid thread) override {
    log.push_back("resume");
    Thread& t = threads.at(ns::raw(thread));
    REQUIRE(t.suspended > 0);
    --t.suspended;
    return {};
  }
  void send(Koid client, const void* bytes, uint32_t size) override {
    log.push_back("send");
    auto* b = static_cast<const uint8_t*>(bytes);
    sent.push_back(Sent{client, std::vector<uint8_t>(b, b + size)});
  }

  ns::Result<Koid> mint_token(bool enter) override {
    Koid k{++next};
    tokens[ns::raw(k)] = Token{enter};
    log.push_back("mint_token");
    return k;
  }
  void send_token(Koid client, const void* bytes, uint32_t size, Koid key) override {
    send(client, bytes, size);
    sent.back().token = key;
    Token& t = tokens.at(ns::raw(key));
    REQUIRE(!t.sent);
    REQUIRE(!t.dropped);
    t.sent = true;
  }
  void signal_token(Koid key) override { tokens.at(ns::raw(key)).signalled = true; }
  void drop_token(Koid key) override {
    Token& t = tokens.at(ns::raw(key));
    REQUIRE(!t.dropped);
    t.dropped = true;
  }
  ns::Result<pidsrv::TokenArg> token_arg(koios::Handle h) override {
    auto it = handles.find(h);
    if (it == handles.end()) return ns::Errno::BadF;   // not a token (an event, a channel, nothing)
    return it->second;
  }
  // A handle value a request can bring, behind which token_arg finds `token` (any KoID: one pidsrv
  // minted, or a forged one) with `rights`.
  koios::Handle hand(Koid token, koios::Rights rights = koios::kRightsBasic | koios::Rights::Enter) {
    koios::Handle h = static_cast<koios::Handle>(5000 + handles.size());
    handles[h] = pidsrv::TokenArg{token, rights};
    return h;
  }
  size_t open_tokens() const {
    size_t n = 0;
    for (auto& [k, t] : tokens) n += !t.dropped;
    return n;
  }

  // ps and sysinfo: a clock the test moves, CPU times and blocked states per thread, fixed memory.
  int64_t clock_ns = 0;
  std::map<uint64_t, uint64_t> cpu;
  std::map<uint64_t, bool> blocked;
  uint64_t cpu_time_ns(Koid thread) const override {
    auto it = cpu.find(ns::raw(thread));
    return it == cpu.end() ? 0 : it->second;
  }
  bool thread_blocked(Koid thread) const override {
    auto it = blocked.find(ns::raw(thread));
    return it != blocked.end() && it->second;
  }
  int64_t now_ns() const override { return clock_ns; }
  ns::Result<Memory> memory() const override { return Memory{64u << 20, 48u << 20, 1u << 20}; }
  // Adopt: the fake's "handles" are KoIDs, the process's then its thread's.
  ns::Result<Koid> adopt_process(const koios::Handle* handles, uint32_t count, Koid* thread) override {
    if (count < 1 || count > 2) return ns::Errno::Inval;
    if (procs.count(handles[0])) return ns::Errno::Exist;
    Koid t = count == 2 ? Koid{handles[1]} : Koid{};
    procs[handles[0]] = Proc{Koid{1}, t, true};
    if (count == 2) threads[handles[1]] = Thread{};
    log.push_back("adopt_process");
    *thread = t;
    return Koid{handles[0]};
  }

  size_t live_processes() const {
    size_t n = 0;
    for (auto& [k, p] : procs) n += !p.released;
    return n;
  }
  size_t open_jobs() const {
    size_t n = 0;
    for (auto& [k, j] : jobs) n += !j.closed;
    return n;
  }
  Koid thread_of(Koid process) const { return procs.at(ns::raw(process)).thread; }
  Thread& thread(Koid process) { return threads.at(ns::raw(thread_of(process))); }
  template <typename R>
  R last_reply() const {
    REQUIRE(!sent.empty());
    REQUIRE(sent.back().bytes.size() == sizeof(R));
    R r;
    memcpy(&r, sent.back().bytes.data(), sizeof r);
    return r;
  }
};

inline constexpr Koid kRootJob{1};
inline constexpr Koid kInit{10};
inline constexpr Koid kInitThread{11};

// A table with the root init (KoID 10) adopted, over the fake kernel.
struct World {
  World() : table(heap, kernel) {
    kernel.jobs[ns::raw(kRootJob)] = FakeKernel::Job{Koid{0}};
    kernel.procs[ns::raw(kInit)] = FakeKernel::Proc{kRootJob, kInitThread, true};
    kernel.threads[ns::raw(kInitThread)] = FakeKernel::Thread{};
    REQUIRE(table.init(kRootJob, kInit, kInitThread, "init").ok());
  }
  pidsrv::SpawnArgs args(const char* path = "/bin/true") {
    static const char strings[] = "true\0PATH=/bin";
    return pidsrv::SpawnArgs{path, strings, sizeof strings, 1, 1, 0, nullptr};
  }
  // Spawns a child of `parent`; REQUIREs success; answers the child's kernel KoID.
  Koid spawn(Koid parent, uint64_t flags = 0, const char* path = "/bin/true") {
    auto r = table.spawn(parent, args(path), flags);
    INFO("spawn failed with " << ns::errno_name(r.error()));
    REQUIRE(r.ok());
    return kernel.last_process;
  }
  ns::Pid pid(Koid process) { return table.getpid(process).value(); }
  // Its pid as the root namespace numbers it.
  ns::Pid root_pid(Koid process) {
    return table.registry().find_process(table.find(process)->ident)->pid()->upid(0).nr;
  }
  // The process exits with `code`, as the kernel would report it.
  void exit(Koid process, int code = 0) {
    table.on_terminated(process, koios::ProcessExitReason::Exited, code, 0);
  }
  pidsrv::WaitResult wait(Koid parent, ns::Pid pid = -1, uint32_t options = proto::pid::kWExited) {
    pidsrv::Waiter w{1, pid == -1 ? proto::pid::IdType::All : proto::pid::IdType::Pid, pid == -1 ? 0 : pid,
                     options};
    bool deferred = false;
    auto r = table.wait(parent, w, &deferred);
    INFO("wait failed with " << ns::errno_name(r.error()));
    REQUIRE(r.ok());
    REQUIRE(!deferred);
    return r.value();
  }
  ns::Errno wait_error(Koid parent, ns::Pid pid, uint32_t options = proto::pid::kWExited) {
    pidsrv::Waiter w{1, pid == -1 ? proto::pid::IdType::All : proto::pid::IdType::Pid, pid == -1 ? 0 : pid,
                     options};
    bool deferred = false;
    auto r = table.wait(parent, w, &deferred);
    return r.ok() ? ns::Errno::Ok : r.error();
  }
  void make_unprivileged(Koid process, ns::Uid uid) {
    Koid ident = table.find(process)->ident;
    REQUIRE(table.registry().setgid(ident, uid).ok());
    REQUIRE(table.registry().setuid(ident, uid).ok());
  }

  ns::HeapAllocator heap;
  FakeKernel kernel;
  pidsrv::ProcessTable table;
};

// One request as bytes through dispatch(), as pidsrv's port loop hands it over; the replies land
// in w.kernel.sent. Answers whether dispatch took the handles.
template <typename Req>
bool send(World& w, ns::Koid caller, Req req, proto::pid::Op op, const koios::Handle* handles = nullptr,
          uint32_t n = 0) {
  req.header = {0x80000001u, static_cast<uint32_t>(op)};
  w.kernel.sent.clear();
  return pidsrv::dispatch(w.table, w.kernel, caller, &req, sizeof req, handles, n);
}

}  // namespace pidsrv_test
