// tests/user/multiproc.cc: the rules of issue 4 that need several processes, run by init. Prints one
// `multiproc: CHECK PASS|FAIL` line per check and exits with the number of failures:
//   handle_value_is_per_process   a handle value of this process is BadHandle in a child
//   channel_through_three         a channel end moved parent -> relay -> leaf still carries a call
//   exit_closes_handles           a child that exits holding a channel and a socket end: PeerClosed
//   kill_blocked_in_call          a child killed inside channel_call is reaped: Killed, PeerClosed,
//                                 and the kernel's objects and threads back where they were
//   koids_monotonic_100k          100,000 objects, each koid above the last (full only)
//   shared_vmo                    two processes see each other's stores through one vmo
//   unmap_faults_reader           a page unmapped by one thread faults a reader thread (another
//                                 hart when there is one): the child dies with a load page fault
//   spawn_churn_1000              1,000 spawn/exit/wait cycles leave the kernel's object, thread
//                                 and page counts exactly where they were (full only)
// argv[1] "full" (init passes it when the kernel has init.tests=full) adds the two long checks.
// Started with a job, the boot filesystem vmo and the info resource; spawns itself for the child
// roles (argv[1]), which get what they need as User handles.
#include <cstdio>
#include <cstring>

#include "koios/object_info.h"
#include "koios/resource.h"
#include "koios/vm.h"
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"

using koios::Handle;
using koios::OwnedHandle;
using koios::Signals;
using koios::Status;
using koios::StartupHandleKind;
using koios::u32;
using koios::u64;

namespace {

int g_failures = 0;
Handle g_job = koios::kInvalidHandle;
Handle g_info = koios::kInvalidHandle;
koios::Bootfs* g_bootfs = nullptr;

void check(const char* name, bool ok, const char* detail = "") {
  std::printf("multiproc: %s %s%s%s\n", name, ok ? "PASS" : "FAIL", ok || !*detail ? "" : " ", ok ? "" : detail);
  if (!ok) ++g_failures;
}

koios::i64 deadline_in(koios::i64 ms) {
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  return now + ms * 1'000'000;
}

void sleep_ms(koios::i64 ms) { (void)koios::clock_nanosleep(deadline_in(ms)); }

Handle dup(Handle h) {
  Handle out = koios::kInvalidHandle;
  (void)koios::handle_duplicate(h, koios::Rights::SameRights, &out);
  return out;
}

// Spawns this program as `role` with `extra` handles (consumed).
koios::Result<OwnedHandle> spawn_role(const char* role, const char* arg, koios::SpawnHandle* extra, u32 n) {
  const char* argv[] = {"multiproc", role, arg, nullptr};
  if (arg == nullptr) argv[2] = nullptr;
  return koios::spawn(g_job, *g_bootfs, "multiproc", argv, nullptr, extra, n);
}

// The child's exit as "reason/code" for FAIL lines, and whether it exited 0.
bool exited_zero(const koios::Result<koios::InfoProcess>& info, char* detail, koios::usize size) {
  if (!info.ok()) {
    std::snprintf(detail, size, "(wait: %s)", koios::status_name(info.status()));
    return false;
  }
  std::snprintf(detail, size, "(reason %u, code %ld, cause %lu)", u32(info.value().exit_reason),
                long(info.value().return_code), (unsigned long)info.value().fault_cause);
  return info.value().exit_reason == koios::ProcessExitReason::Exited && info.value().return_code == 0;
}

bool run_role(const char* role, const char* arg, koios::SpawnHandle* extra, u32 n, char* detail, koios::usize size) {
  auto p = spawn_role(role, arg, extra, n);
  if (!p.ok()) {
    std::snprintf(detail, size, "(spawn: %s)", koios::status_name(p.status()));
    return false;
  }
  return exited_zero(koios::wait_process(p.value().get(), deadline_in(30'000)), detail, size);
}

koios::InfoKernelCounts counts() {
  koios::InfoKernelCounts c{};
  (void)koios::object_get_info(g_info, u32(koios::InfoTopic::KernelCounts), &c, sizeof c, nullptr, nullptr);
  return c;
}

bool same_counts(const koios::InfoKernelCounts& a, const koios::InfoKernelCounts& b) {
  return a.live_objects == b.live_objects && a.threads == b.threads && a.pages_used == b.pages_used &&
         a.user_pages == b.user_pages;
}

// Threads that exited are reaped by the next thread on their hart, a moment later: counts settle.
bool counts_return_to(const koios::InfoKernelCounts& before, koios::InfoKernelCounts* after) {
  for (int i = 0; i < 200; ++i) {
    *after = counts();
    if (same_counts(before, *after)) return true;
    sleep_ms(5);
  }
  return false;
}

// A baseline: counts unchanged over ten samples 5 ms apart, so that what was still ending when the
// check began (a previous program's last handles, closed by pidsrv after its Wait reply; a thread
// not yet reaped) is not counted as if it were there for good.
koios::InfoKernelCounts settled_counts() {
  koios::InfoKernelCounts last = counts();
  for (int stable = 0, i = 0; stable < 10 && i < 400; ++i) {
    sleep_ms(5);
    koios::InfoKernelCounts now = counts();
    stable = same_counts(last, now) ? stable + 1 : 0;
    last = now;
  }
  return last;
}

void describe_counts(const koios::InfoKernelCounts& a, const koios::InfoKernelCounts& b, char* out, koios::usize size) {
  std::snprintf(out, size, "(objects %lu -> %lu, threads %lu -> %lu, pages %lu -> %lu, user pages %lu -> %lu)",
                (unsigned long)a.live_objects, (unsigned long)b.live_objects, (unsigned long)a.threads,
                (unsigned long)b.threads, (unsigned long)a.pages_used, (unsigned long)b.pages_used,
                (unsigned long)a.user_pages, (unsigned long)b.user_pages);
}

// ---- child roles ----

int role_bad_handle(const char* value) {
  u64 v = 0;
  for (const char* p = value; *p >= '0' && *p <= '9'; ++p) v = v * 10 + u64(*p - '0');
  koios::InfoBasic b{};
  Status s = koios::object_get_info(Handle(v), u32(koios::InfoTopic::Basic), &b, sizeof b, nullptr, nullptr);
  if (s != Status::BadHandle) return 1;
  if (koios::handle_close(Handle(v)) != Status::BadHandle) return 2;
  return 0;
}

// Passes the channel end it got on to a leaf process and returns the leaf's verdict.
int role_relay() {
  Handle end = koios::startup_handle(StartupHandleKind::User, 0);
  Handle job = koios::startup_handle(StartupHandleKind::Job);
  Handle fs = koios::startup_handle(StartupHandleKind::BootfsVmo);
  if (end == koios::kInvalidHandle || job == koios::kInvalidHandle || fs == koios::kInvalidHandle) return 1;
  koios::SpawnHandle extra[] = {{end, StartupHandleKind::User, 0}};
  const char* argv[] = {"multiproc", "leaf", nullptr};
  auto p = koios::spawn(job, fs, "multiproc", argv, nullptr, extra, 1);
  if (!p.ok()) return 2;
  auto info = koios::wait_process(p.value().get(), deadline_in(20'000));
  if (!info.ok() || info.value().exit_reason != koios::ProcessExitReason::Exited) return 3;
  return int(info.value().return_code);
}

struct Ping {
  koios::MessageHeader header;
  char text[8];
};

// Calls "ping" on the channel end that came through the relay; wants "pong".
int role_leaf() {
  Handle end = koios::startup_handle(StartupHandleKind::User, 0);
  Ping request{{0, 1}, "ping"}, reply{};
  koios::ChannelCallArgs args{&request, nullptr, &reply, nullptr, sizeof request, 0, sizeof reply, 0};
  koios::MessageSizes got{};
  if (koios::channel_call(end, 0, deadline_in(20'000), &args, &got) != Status::Ok) return 10;
  return std::strcmp(reply.text, "pong") == 0 ? 0 : 11;
}

// Exits holding the handles it got (the kernel closes them).
int role_exit_holding() {
  if (koios::startup_handle(StartupHandleKind::User, 0) == koios::kInvalidHandle) return 1;
  if (koios::startup_handle(StartupHandleKind::User, 1) == koios::kInvalidHandle) return 2;
  return 0;
}

// Blocks in a call nobody answers, until killed.
int role_block_in_call() {
  Handle end = koios::startup_handle(StartupHandleKind::User, 0);
  Ping request{{0, 1}, "wait"}, reply{};
  koios::ChannelCallArgs args{&request, nullptr, &reply, nullptr, sizeof request, 0, sizeof reply, 0};
  koios::MessageSizes got{};
  (void)koios::channel_call(end, 0, koios::kDeadlineInfinite, &args, &got);
  return 1;  // only a kill should end the call
}

// Reads the parent's word through its own mapping of the shared vmo, then stores its own.
int role_shared_vmo() {
  Handle vmo = koios::startup_handle(StartupHandleKind::User, 0);
  Handle vmar = koios::startup_handle(StartupHandleKind::RootVmar);
  u64 addr = 0;
  if (koios::vmar_map(vmar, koios::kVmPermRead | koios::kVmPermWrite, 0, vmo, 0, koios::kPageSize, &addr) != Status::Ok)
    return 1;
  auto* words = reinterpret_cast<volatile u64*>(addr);
  if (words[0] != 0x1234'5678'9abc'def0ull) return 2;
  words[1] = 0x0fed'cba9'8765'4321ull;
  return 0;
}

volatile u64* g_page = nullptr;
volatile u64 g_reads = 0;
alignas(16) char g_reader_stack[16 * 1024];

void reader(u64) {
  for (;;) g_reads = g_reads + (*g_page | 1);  // faults once the page is gone
}

// A reader thread spins on a page; this thread unmaps it: the reader must fault (no handler: the
// process dies with a load page fault). Returning means it did not.
int role_unmap_reader() {
  Handle self = koios::startup_handle(StartupHandleKind::Process);
  Handle vmar = koios::startup_handle(StartupHandleKind::RootVmar);
  Handle vmo = koios::kInvalidHandle, thread = koios::kInvalidHandle;
  if (koios::vmo_create(koios::kPageSize, 0, &vmo) != Status::Ok) return 1;
  u64 addr = 0;
  if (koios::vmar_map(vmar, koios::kVmPermRead | koios::kVmPermWrite, 0, vmo, 0, koios::kPageSize, &addr) != Status::Ok)
    return 2;
  g_page = reinterpret_cast<volatile u64*>(addr);
  *g_page = 7;
  if (koios::thread_create(self, "reader", 6, 0, &thread) != Status::Ok) return 3;
  if (koios::thread_start(thread, reinterpret_cast<u64>(&reader), reinterpret_cast<u64>(g_reader_stack + sizeof g_reader_stack),
                          0, 0) != Status::Ok)
    return 4;
  while (g_reads < 1000) {
  }
  if (koios::vmar_unmap(vmar, addr, koios::kPageSize) != Status::Ok) return 5;
  sleep_ms(10'000);
  return 6;
}

// ---- the checks ----

void handle_value_is_per_process() {
  Handle event = koios::kInvalidHandle;
  (void)koios::event_create(0, &event);
  char value[24], detail[96];
  std::snprintf(value, sizeof value, "%lu", (unsigned long)event);
  bool ok = run_role("bad-handle", value, nullptr, 0, detail, sizeof detail);
  check("handle_value_is_per_process", ok && koios::handle_close(event) == Status::Ok, detail);
}

void channel_through_three() {
  auto pair = koios::make_channel();
  if (!pair.ok()) return check("channel_through_three", false, "(channel_create)");
  koios::SpawnHandle extra[] = {{pair.value().second.release(), StartupHandleKind::User, 0},
                                {dup(g_job), StartupHandleKind::Job, 0},
                                {dup(g_bootfs->vmo()), StartupHandleKind::BootfsVmo, 0}};
  auto p = spawn_role("relay", nullptr, extra, 3);
  if (!p.ok()) return check("channel_through_three", false, koios::status_name(p.status()));
  // Serve one call from the leaf, two processes away.
  Handle ours = pair.value().first.get();
  bool served = false;
  if (koios::object_wait_one(ours, Signals::Readable, deadline_in(20'000), nullptr) == Status::Ok) {
    Ping request{}, reply{{0, 1}, "pong"};
    koios::MessageSizes got{};
    if (koios::channel_read(ours, 0, &request, nullptr, sizeof request, 0, &got) == Status::Ok &&
        std::strcmp(request.text, "ping") == 0) {
      reply.header.txid = request.header.txid;
      served = koios::channel_write(ours, 0, &reply, sizeof reply, nullptr, 0) == Status::Ok;
    }
  }
  char detail[96];
  bool ok = exited_zero(koios::wait_process(p.value().get(), deadline_in(20'000)), detail, sizeof detail);
  check("channel_through_three", served && ok, detail);
}

void exit_closes_handles() {
  auto channel = koios::make_channel();
  auto socket = koios::make_socket();
  if (!channel.ok() || !socket.ok()) return check("exit_closes_handles", false, "(create)");
  koios::SpawnHandle extra[] = {{channel.value().second.release(), StartupHandleKind::User, 0},
                                {socket.value().second.release(), StartupHandleKind::User, 1}};
  char detail[96];
  bool ok = run_role("exit-holding", nullptr, extra, 2, detail, sizeof detail);
  Signals a = Signals::None, b = Signals::None;
  bool closed = koios::object_wait_one(channel.value().first.get(), Signals::PeerClosed, deadline_in(5'000), &a) == Status::Ok &&
                koios::object_wait_one(socket.value().first.get(), Signals::PeerClosed, deadline_in(5'000), &b) == Status::Ok;
  check("exit_closes_handles", ok && closed, detail);
}

void kill_blocked_in_call() {
  koios::InfoKernelCounts before = settled_counts(), after{};
  char detail[200] = "";
  bool ok = false;
  {
    auto pair = koios::make_channel();
    if (!pair.ok()) return check("kill_blocked_in_call", false, "(channel_create)");
    koios::SpawnHandle extra[] = {{pair.value().second.release(), StartupHandleKind::User, 0}};
    auto p = spawn_role("block-in-call", nullptr, extra, 1);
    if (!p.ok()) return check("kill_blocked_in_call", false, koios::status_name(p.status()));
    Handle ours = pair.value().first.get();
    // Its request has arrived: it is in the call (or about to block there).
    bool called = koios::object_wait_one(ours, Signals::Readable, deadline_in(20'000), nullptr) == Status::Ok;
    sleep_ms(20);
    bool killed = koios::task_kill(p.value().get()) == Status::Ok;
    auto info = koios::wait_process(p.value().get(), deadline_in(20'000));
    bool reason = info.ok() && info.value().exit_reason == koios::ProcessExitReason::Killed;
    bool peer_closed = koios::object_wait_one(ours, Signals::PeerClosed, deadline_in(5'000), nullptr) == Status::Ok;
    std::snprintf(detail, sizeof detail, "(called %d, killed %d, reason %d, peer closed %d)", called, killed, reason,
                  peer_closed);
    ok = called && killed && reason && peer_closed;
  }
  // The queued request (and everything of the child) is gone with the handles closed above.
  if (ok && !counts_return_to(before, &after)) {
    ok = false;
    describe_counts(before, after, detail, sizeof detail);
  }
  check("kill_blocked_in_call", ok, detail);
}

void koids_monotonic() {
  koios::Koid last = 0;
  u32 bad = 0, made = 0;
  for (u32 i = 0; i < 100'000; ++i) {
    Handle e = koios::kInvalidHandle;
    if (koios::event_create(0, &e) != Status::Ok) break;
    koios::InfoBasic b{};
    (void)koios::object_get_info(e, u32(koios::InfoTopic::Basic), &b, sizeof b, nullptr, nullptr);
    (void)koios::handle_close(e);
    if (b.koid <= last) ++bad;
    last = b.koid;
    ++made;
  }
  char detail[64];
  std::snprintf(detail, sizeof detail, "(%u made, %u out of order)", made, bad);
  check("koids_monotonic_100k", made == 100'000 && bad == 0, detail);
}

void shared_vmo() {
  Handle vmo = koios::kInvalidHandle;
  Handle vmar = koios::startup_handle(StartupHandleKind::RootVmar);
  u64 addr = 0;
  if (koios::vmo_create(koios::kPageSize, 0, &vmo) != Status::Ok ||
      koios::vmar_map(vmar, koios::kVmPermRead | koios::kVmPermWrite, 0, vmo, 0, koios::kPageSize, &addr) != Status::Ok)
    return check("shared_vmo", false, "(vmo)");
  auto* words = reinterpret_cast<volatile u64*>(addr);
  words[0] = 0x1234'5678'9abc'def0ull;
  koios::SpawnHandle extra[] = {{dup(vmo), StartupHandleKind::User, 0}};
  char detail[96];
  bool ok = run_role("shared-vmo", nullptr, extra, 1, detail, sizeof detail);
  check("shared_vmo", ok && words[1] == 0x0fed'cba9'8765'4321ull, detail);
  (void)koios::vmar_unmap(vmar, addr, koios::kPageSize);
  (void)koios::handle_close(vmo);
  (void)koios::handle_close(vmar);
}

void unmap_faults_reader() {
  auto p = spawn_role("unmap-reader", nullptr, nullptr, 0);
  if (!p.ok()) return check("unmap_faults_reader", false, koios::status_name(p.status()));
  auto info = koios::wait_process(p.value().get(), deadline_in(30'000));
  char detail[96];
  (void)exited_zero(info, detail, sizeof detail);
  constexpr u64 kLoadPageFault = 13;
  check("unmap_faults_reader",
        info.ok() && info.value().exit_reason == koios::ProcessExitReason::Fault && info.value().fault_cause == kLoadPageFault,
        detail);
}

void spawn_churn() {
  // Warm up first: the kernel keeps caches (exited threads' stacks, heap pages) that fill once.
  for (int i = 0; i < 40; ++i) {
    auto p = koios::spawn(g_job, *g_bootfs, "true", nullptr, nullptr);
    if (p.ok()) (void)koios::wait_process(p.value().get(), deadline_in(10'000));
  }
  koios::InfoKernelCounts before{}, after{};
  before = settled_counts();
  u32 ok_runs = 0;
  for (int i = 0; i < 1000; ++i) {
    auto p = koios::spawn(g_job, *g_bootfs, "true", nullptr, nullptr);
    if (!p.ok()) break;
    auto info = koios::wait_process(p.value().get(), deadline_in(10'000));
    if (info.ok() && info.value().exit_reason == koios::ProcessExitReason::Exited && info.value().return_code == 0)
      ++ok_runs;
  }
  char detail[200];
  bool same = counts_return_to(before, &after);
  describe_counts(before, after, detail, sizeof detail);
  if (ok_runs != 1000) std::snprintf(detail, sizeof detail, "(%u of 1000 runs exited 0)", ok_runs);
  check("spawn_churn_1000", ok_runs == 1000 && same, detail);
}

int driver(bool full) {
  g_job = koios::startup_handle(StartupHandleKind::Job);
  g_info = koios::startup_handle(StartupHandleKind::Resource, u32(koios::ResourceKind::Info));
  auto fs = koios::Bootfs::open(koios::startup_handle(StartupHandleKind::BootfsVmo));
  if (g_job == koios::kInvalidHandle || g_info == koios::kInvalidHandle || !fs.ok()) {
    check("startup_handles", false, "(job, info resource, boot filesystem)");
    return 1;
  }
  g_bootfs = &fs.value();
  handle_value_is_per_process();
  channel_through_three();
  exit_closes_handles();
  kill_blocked_in_call();
  shared_vmo();
  unmap_faults_reader();
  if (full) {  // about a second of a boot each under TCG: only when asked (init.tests=full)
    koids_monotonic();
    spawn_churn();
  }
  std::printf("multiproc: %d failed\n", g_failures);
  return g_failures;
}

}  // namespace

int main(int argc, char** argv) {
  const char* role = argc >= 2 ? argv[1] : "";
  if (std::strcmp(role, "bad-handle") == 0 && argc >= 3) return role_bad_handle(argv[2]);
  if (std::strcmp(role, "relay") == 0) return role_relay();
  if (std::strcmp(role, "leaf") == 0) return role_leaf();
  if (std::strcmp(role, "exit-holding") == 0) return role_exit_holding();
  if (std::strcmp(role, "block-in-call") == 0) return role_block_in_call();
  if (std::strcmp(role, "shared-vmo") == 0) return role_shared_vmo();
  if (std::strcmp(role, "unmap-reader") == 0) return role_unmap_reader();
  return driver(std::strcmp(role, "full") == 0);
}
