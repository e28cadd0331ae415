// servers/pidsrv/kernel_ops_koios.cc
#include "servers/pidsrv/kernel_ops_koios.h"

#include <cstring>

#include "koios/object_info.h"
#include "servers/pidsrv/handlers.h"
#include "syscalls.h"

namespace pidsrv {

using koios::Handle;
using koios::kInvalidHandle;
using koios::Signals;

namespace {

// Port keys: a KoID (a process's, or a token's handed-out side's) and what was waited for.
constexpr uint64_t kKeyChannel = 0, kKeyTerminated = 1, kKeyToken = 2, kKeyMask = 3;
uint64_t key(Koid koid, uint64_t what) { return ns::raw(koid) << 2 | what; }

// A thread that does not park within this long is treated as gone: pidsrv never waits on one
// client for long (a suspend parks at the next return to user mode, which an IPI forces).
constexpr koios::i64 kSuspendTimeoutNs = 2'000'000'000;
// Messages served from one client before others get a turn (the wait is re-armed and fires again
// at once if more are queued, behind the other clients' packets).
constexpr int kBatch = 8;

Errno errno_of(koios::Status s) {
  switch (s) {
    case koios::Status::NotFound: return Errno::NoEnt;
    case koios::Status::BadFormat: return Errno::NoExec;
    case koios::Status::OutOfRange: return Errno::TooBig;
    case koios::Status::NoMemory: case koios::Status::NoResources: return Errno::NoMem;
    case koios::Status::AccessDenied: return Errno::Perm;
    case koios::Status::BadState: case koios::Status::PeerClosed: return Errno::Srch;
    default: return Errno::Again;
  }
}

Result<Koid> koid_of(Handle h) {
  koios::InfoBasic info{};
  koios::Status s = koios::object_get_info(h, static_cast<koios::u32>(koios::InfoTopic::Basic), &info, sizeof info,
                                           nullptr, nullptr);
  if (s != koios::Status::Ok) return errno_of(s);
  return Koid{info.koid};
}

// Room for one request: the largest message and its handles (statics: pidsrv is one thread).
alignas(16) uint8_t g_message[koios::kMaxMessageBytes];
Handle g_handles[koios::kMaxMessageHandles];
// argv and envp of one spawn, pointing into the request.
const char* g_strings[proto::pid::kMaxSpawnStrings + 2];

}  // namespace

KoiosKernel::KoiosKernel(ns::Allocator& alloc, Handle port, const koios::Bootfs& bootfs)
    : alloc_(alloc), port_(port), bootfs_(bootfs), jobs_(alloc), procs_(alloc), threads_(alloc), tokens_(alloc) {}

KoiosKernel::Token* KoiosKernel::token(Koid key) const {
  Token* const* t = tokens_.find(ns::raw(key));
  return t ? *t : nullptr;
}

KoiosKernel::Proc* KoiosKernel::proc(Koid process) const {
  Proc* const* p = procs_.find(ns::raw(process));
  return p ? *p : nullptr;
}

KoiosKernel::Proc* KoiosKernel::proc_of_thread(Koid thread) const {
  const Koid* k = threads_.find(ns::raw(thread));
  return k ? proc(*k) : nullptr;
}

Handle KoiosKernel::job(Koid j) const {
  const Handle* h = jobs_.find(ns::raw(j));
  return h ? *h : kInvalidHandle;
}

void KoiosKernel::close(Handle& h) {
  if (h == kInvalidHandle) return;
  (void)koios::handle_close(h);
  h = kInvalidHandle;
  --handles_;
}

// ---- ps and sysinfo ----------------------------------------------------------------------------

uint64_t KoiosKernel::cpu_time_ns(Koid thread) const {
  Proc* p = proc_of_thread(thread);
  if (!p || p->thread == kInvalidHandle) return 0;
  koios::InfoThreadStats stats{};
  if (koios::object_get_info(p->thread, static_cast<koios::u32>(koios::InfoTopic::ThreadStats), &stats, sizeof stats,
                             nullptr, nullptr) != koios::Status::Ok)
    return 0;
  return stats.total_ns;
}

bool KoiosKernel::thread_blocked(Koid thread) const {
  Proc* p = proc_of_thread(thread);
  if (!p || p->thread == kInvalidHandle) return false;
  koios::InfoThread info{};
  if (koios::object_get_info(p->thread, static_cast<koios::u32>(koios::InfoTopic::Thread), &info, sizeof info, nullptr,
                             nullptr) != koios::Status::Ok)
    return false;
  return info.state == koios::ThreadState::Blocked;
}

int64_t KoiosKernel::now_ns() const {
  koios::i64 t = 0;
  (void)koios::clock_get(0, &t);
  return t;
}

Result<KernelOps::Memory> KoiosKernel::memory() const {
  if (info_resource_ == kInvalidHandle) return Errno::NoSys;
  koios::InfoKernelCounts counts{};
  koios::Status s = koios::object_get_info(info_resource_, static_cast<koios::u32>(koios::InfoTopic::KernelCounts),
                                           &counts, sizeof counts, nullptr, nullptr);
  if (s != koios::Status::Ok) return errno_of(s);
  constexpr uint64_t kPage = 4096;
  return Memory{counts.pages_total * kPage, counts.pages_free * kPage, counts.user_pages * kPage};
}

// ---- start-up ---------------------------------------------------------------------------------

Result<Koid> KoiosKernel::adopt_job(Handle j) {
  Koid k = NS_TRY(koid_of(j));
  NS_TRY_STATUS(jobs_.insert(ns::raw(k), j));
  ++handles_;
  return k;
}

Result<Koid> KoiosKernel::adopt_init(Handle process, Handle thread, Handle channel, Koid* thread_koid) {
  Koid k = NS_TRY(koid_of(process));
  // The kernel gives init no handle to its own thread: then no handler can be delivered to it.
  Koid t = thread != kInvalidHandle ? NS_TRY(koid_of(thread)) : ns::kInvalidKoid;
  auto* p = alloc_.make<Proc>();
  if (!p) return Errno::NoMem;
  if (!procs_.insert(ns::raw(k), p).ok() ||
      (thread != kInvalidHandle && !threads_.insert(ns::raw(t), k).ok())) {
    procs_.erase(ns::raw(k));
    alloc_.destroy(p);
    return Errno::NoMem;
  }
  p->koid = k;
  p->process = process;
  p->thread = thread;
  p->thread_koid = t;
  p->channel = channel;
  handles_ += thread != kInvalidHandle ? 3 : 2;
  ++clients_;
  (void)arm_channel(*p);
  (void)arm_terminated(*p);
  *thread_koid = t;
  return k;
}

Result<Koid> KoiosKernel::adopt_process(const Handle* handles, uint32_t count, Koid* thread_koid) {
  if (count < 1 || count > 2) return Errno::Inval;
  koios::InfoBasic info{};
  auto basic = [&](Handle h) {
    return koios::object_get_info(h, static_cast<koios::u32>(koios::InfoTopic::Basic), &info, sizeof info, nullptr,
                                  nullptr) == koios::Status::Ok;
  };
  if (!basic(handles[0]) || info.type != koios::ObjectType::Process) return Errno::Inval;
  Koid k{info.koid};
  Koid t = ns::kInvalidKoid;
  if (count == 2) {
    if (!basic(handles[1]) || info.type != koios::ObjectType::Thread || info.related_koid != ns::raw(k))
      return Errno::Inval;
    t = Koid{info.koid};
  }
  if (proc(k)) return Errno::Exist;
  auto* p = alloc_.make<Proc>();
  if (!p) return Errno::NoMem;
  if (!procs_.insert(ns::raw(k), p).ok() || (count == 2 && !threads_.insert(ns::raw(t), k).ok())) {
    procs_.erase(ns::raw(k));
    alloc_.destroy(p);
    return Errno::NoMem;
  }
  p->koid = k;
  p->process = handles[0];
  p->thread = count == 2 ? handles[1] : kInvalidHandle;
  p->thread_koid = t;
  handles_ += count;
  // Taken: serve() must not close them after the request (`handles` may be current_handles_).
  const Handle taken[2] = {p->process, p->thread};
  for (uint32_t i = 0; current_handles_ && i < current_handle_count_; ++i)
    if (current_handles_[i] == taken[0] || (count == 2 && current_handles_[i] == taken[1]))
      current_handles_[i] = kInvalidHandle;
  (void)arm_terminated(*p);
  *thread_koid = t;
  return k;
}

// ---- waits --------------------------------------------------------------------------------------

Status KoiosKernel::arm_channel(Proc& p) {
  if (p.channel == kInvalidHandle) return Errno::BadF;
  koios::Status s = koios::object_wait_async(p.channel, port_, key(p.koid, kKeyChannel),
                                             Signals::Readable | Signals::PeerClosed, koios::kWaitAsyncOnce);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

Status KoiosKernel::arm_terminated(Proc& p) {
  koios::Status s = koios::object_wait_async(p.process, port_, key(p.koid, kKeyTerminated), Signals::Terminated,
                                             koios::kWaitAsyncOnce);
  p.watching = s == koios::Status::Ok;
  return p.watching ? Status() : Status(errno_of(s));
}

void KoiosKernel::close_channel(Proc& p) {
  if (p.channel == kInvalidHandle) return;
  // An armed wait keeps the channel alive and would fire later: cancel it first.
  (void)koios::port_cancel(port_, p.channel, key(p.koid, kKeyChannel));
  close(p.channel);
  --clients_;
}

void KoiosKernel::on_packet(ProcessTable& table, const koios::PortPacket& packet) {
  Koid k{packet.key >> 2};
  Proc* p = proc(k);
  if (!p) {
    // Not a process (or one released since the packet was queued): a token whose handed-out
    // side has lost its last handle; the table frees it (and drop_token closes the kept side).
    // Looked at second, so a client's packet costs what it did before tokens.
    if ((packet.key & kKeyMask) == kKeyToken && token(k)) table.on_token_closed(k);
    return;
  }
  if ((packet.key & kKeyMask) == kKeyTerminated) {
    p->watching = false;
    koios::InfoProcess info{};
    (void)koios::object_get_info(p->process, static_cast<koios::u32>(koios::InfoTopic::Process), &info, sizeof info,
                                 nullptr, nullptr);
    // Its requests died with it; the entry (a zombie now) keeps the process handle until reaped.
    close_channel(*p);
    table.on_terminated(k, info.exit_reason, info.return_code, info.fault_cause);
    return;
  }
  serve(table, k);
}

void KoiosKernel::serve(ProcessTable& table, Koid k) {
  for (int i = 0; i < kBatch; ++i) {
    Proc* p = proc(k);
    if (!p || p->channel == kInvalidHandle) return;
    koios::MessageSizes sizes{0, 0};
    koios::Status s = koios::channel_read(p->channel, 0, g_message, g_handles, sizeof g_message,
                                          koios::kMaxMessageHandles, &sizes);
    if (s == koios::Status::ShouldWait) break;
    if (s != koios::Status::Ok) {   // PeerClosed: the process let go of pidsrv
      close_channel(*p);
      return;
    }
    current_handles_ = g_handles;
    current_handle_count_ = sizes.handles;
    (void)dispatch(table, *this, k, g_message, sizes.bytes, g_handles, sizes.handles);
    // Whatever start_process did not take goes back (a failed or malformed request's handles).
    for (uint32_t h = 0; h < sizes.handles; ++h)
      if (g_handles[h] != kInvalidHandle) (void)koios::handle_close(g_handles[h]);
    current_handles_ = nullptr;
    current_handle_count_ = 0;
  }
  if (Proc* p = proc(k); p && p->channel != kInvalidHandle && !arm_channel(*p).ok()) close_channel(*p);
}

void KoiosKernel::drop_queued(Proc& p) {
  // Requests the thread had queued: the calls have returned Interrupted and will be made again.
  if (p.channel == kInvalidHandle) return;
  for (;;) {
    koios::MessageSizes sizes{0, 0};
    Handle handles[koios::kMaxMessageHandles];
    static uint8_t scratch[koios::kMaxMessageBytes];
    if (koios::channel_read(p.channel, 0, scratch, handles, sizeof scratch, koios::kMaxMessageHandles, &sizes) !=
        koios::Status::Ok)
      return;
    for (uint32_t h = 0; h < sizes.handles; ++h) (void)koios::handle_close(handles[h]);
  }
}

// ---- KernelOps ------------------------------------------------------------------------------

bool KoiosKernel::has_room() const {
  if (self_ == kInvalidHandle) return true;
  koios::InfoProcessHandles info{};
  if (koios::object_get_info(self_, static_cast<koios::u32>(koios::InfoTopic::ProcessHandles), &info, sizeof info,
                             nullptr, nullptr) != koios::Status::Ok)
    return true;
  // A request's own handles are in the count already; the rest covers what one request makes
  // before it is done (a process, its vmar, thread and channel, a job, a token pair).
  constexpr koios::u32 kSlack = 16;
  return info.handle_count + koios::kMaxMessageHandles + kSlack <= info.quota;
}

Result<Koid> KoiosKernel::create_job(Koid parent) {
  if (!has_room()) return Errno::Again;
  Handle ph = job(parent);
  if (ph == kInvalidHandle) return Errno::Srch;
  Handle h = kInvalidHandle;
  if (koios::Status s = koios::job_create(ph, 0, &h); s != koios::Status::Ok) return errno_of(s);
  ++handles_;
  auto k = koid_of(h);
  if (!k.ok() || !jobs_.insert(ns::raw(k.value()), h).ok()) {
    close(h);
    return Errno::NoMem;
  }
  return k.value();
}

void KoiosKernel::close_job(Koid j) {
  Handle h = job(j);
  if (h == kInvalidHandle) return;
  jobs_.erase(ns::raw(j));
  close(h);
}

Result<Koid> KoiosKernel::create_process(Koid j, const char* name) {
  Handle jh = job(j);
  if (jh == kInvalidHandle) return Errno::Srch;
  if (!has_room()) return Errno::Again;   // fork's answer when a limit is reached
  auto* p = alloc_.make<Proc>();
  if (!p) return Errno::NoMem;
  koios::Status s = koios::process_create(jh, name, static_cast<koios::u32>(strlen(name)), 0, &p->process, &p->vmar);
  if (s != koios::Status::Ok) {
    alloc_.destroy(p);
    return errno_of(s);
  }
  handles_ += 2;
  auto k = koid_of(p->process);
  if (!k.ok() || !procs_.insert(ns::raw(k.value()), p).ok()) {
    close(p->process);
    close(p->vmar);
    alloc_.destroy(p);
    return Errno::NoMem;
  }
  p->koid = k.value();
  return p->koid;
}

Result<Koid> KoiosKernel::start_process(Koid process, const SpawnArgs& args) {
  Proc* p = proc(process);
  if (!p || p->vmar == kInvalidHandle) return Errno::Srch;
  // The client channel: pidsrv's end is bound to this process. Its end must carry Transfer to
  // move into the start-up message (the kernel requires it); the runtime drops that right when it
  // takes the handle (process.cc), so a program does not hand its identity on by mistake. One that
  // does so on purpose only delegates its own authority, as a proxy could.
  // An fd is a socket, a file channel, a terminal (a Console resource, which the console shell
  // hands its foreground programs) or a token (a pidfd: posix_spawn and execve hand every open fd
  // on, as Linux's exec does), nothing else: checked while the handles are still the request's, so
  // a refused spawn leaves nothing behind.
  uint32_t fds = static_cast<uint32_t>(__builtin_popcountll(args.fd_mask));
  for (uint32_t i = 0; i < fds; ++i) {
    koios::InfoBasic info{};
    if (koios::object_get_info(args.handles[i], static_cast<uint32_t>(koios::InfoTopic::Basic), &info, sizeof info,
                               nullptr, nullptr) != koios::Status::Ok ||
        (info.type != koios::ObjectType::Socket && info.type != koios::ObjectType::Channel &&
         info.type != koios::ObjectType::Resource && info.type != koios::ObjectType::Token))
      return Errno::BadF;
  }
  Handle ours = kInvalidHandle, restricted = kInvalidHandle;
  if (koios::Status s = koios::channel_create(0, &ours, &restricted); s != koios::Status::Ok) return errno_of(s);
  // argv and envp point into the request (NUL-terminated, checked by dispatch).
  const char** argv = g_strings;
  uint32_t n = 0;
  for (uint32_t off = 0; n < args.argc + args.envc && off < args.strings_size; ++n) {
    g_strings[n + (n >= args.argc ? 1 : 0)] = args.strings + off;
    off += static_cast<uint32_t>(strlen(args.strings + off)) + 1;
  }
  g_strings[args.argc] = nullptr;
  g_strings[args.argc + args.envc + 1] = nullptr;
  const char* const* envp = g_strings + args.argc + 1;
  // Start-up handles: the fds, the caller's extras, then the pidsrv channel.
  static koios::SpawnHandle extra[proto::pid::kMaxSpawnHandles + 1];
  uint32_t count = 0, used = 0;
  for (uint32_t fd = 0; fd < proto::pid::kMaxSpawnFds; ++fd)
    if (args.fd_mask & (uint64_t{1} << fd)) extra[count++] = {args.handles[used++], koios::StartupHandleKind::Fd, fd};
  for (uint32_t i = 0; i < args.extra_count; ++i)
    extra[count++] = {args.handles[used++], static_cast<koios::StartupHandleKind>(args.extra[i].kind), args.extra[i].arg};
  extra[count++] = {restricted, koios::StartupHandleKind::Server, static_cast<koios::u32>(koios::StartupServer::Pid)};
  // spawn_into consumes them all, whatever the outcome: the request no longer holds them.
  for (uint32_t i = 0; i < current_handle_count_; ++i) current_handles_[i] = kInvalidHandle;
  Handle vmar = p->vmar;
  p->vmar = kInvalidHandle;
  --handles_;
  auto thread = koios::spawn_into(p->process, vmar, bootfs_, args.path, argv, envp, extra, count, args.cwd);
  if (!thread.ok()) {
    (void)koios::handle_close(ours);
    return errno_of(thread.status());
  }
  p->thread = thread.value().release();
  ++handles_;
  auto tk = koid_of(p->thread);
  if (!tk.ok() || !threads_.insert(ns::raw(tk.value()), process).ok()) {
    (void)koios::handle_close(ours);
    (void)koios::task_kill(p->process);
    return Errno::NoMem;
  }
  p->thread_koid = tk.value();
  p->channel = ours;
  ++handles_;
  ++clients_;
  if (!arm_channel(*p).ok()) close_channel(*p);
  (void)arm_terminated(*p);
  return p->thread_koid;
}

Status KoiosKernel::kill_job(Koid j) {
  Handle h = job(j);
  if (h == kInvalidHandle) return Errno::Srch;
  koios::Status s = koios::task_kill(h);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

Status KoiosKernel::kill_process(Koid process) {
  Proc* p = proc(process);
  if (!p) return Errno::Srch;
  koios::Status s = koios::task_kill(p->process);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

void KoiosKernel::release_process(Koid process) {
  Proc* p = proc(process);
  if (!p) return;
  close_channel(*p);
  if (p->watching) (void)koios::port_cancel(port_, p->process, key(p->koid, kKeyTerminated));
  if (p->thread_koid != ns::kInvalidKoid) threads_.erase(ns::raw(p->thread_koid));
  close(p->thread);
  close(p->vmar);
  close(p->process);   // an unstarted process dies with its last handle
  procs_.erase(ns::raw(process));
  alloc_.destroy(p);
}

Status KoiosKernel::suspend_thread(Koid thread) {
  Proc* p = proc_of_thread(thread);
  if (!p || p->thread == kInvalidHandle) return Errno::Srch;
  if (koios::task_suspend(p->thread) != koios::Status::Ok) return Errno::Srch;
  Signals seen = Signals::None;
  koios::Status s = koios::object_wait_one(p->thread, Signals::Suspended | Signals::Terminated,
                                           now_ns() + kSuspendTimeoutNs, &seen);
  if (s != koios::Status::Ok || !koios::contains(seen, Signals::Suspended)) {
    (void)koios::task_resume(p->thread);
    return Errno::Srch;
  }
  drop_queued(*p);
  return {};
}

Status KoiosKernel::read_state(Koid thread, koios::ThreadStateGeneral* regs) {
  Proc* p = proc_of_thread(thread);
  if (!p) return Errno::Srch;
  koios::Status s = koios::thread_read_state(p->thread, static_cast<koios::u32>(koios::ThreadStateKind::General), regs,
                                             sizeof *regs);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

Status KoiosKernel::write_state(Koid thread, const koios::ThreadStateGeneral& regs) {
  Proc* p = proc_of_thread(thread);
  if (!p) return Errno::Srch;
  koios::Status s = koios::thread_write_state(p->thread, static_cast<koios::u32>(koios::ThreadStateKind::General),
                                              &regs, sizeof regs);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

Status KoiosKernel::resume_thread(Koid thread) {
  Proc* p = proc_of_thread(thread);
  if (!p) return Errno::Srch;
  koios::Status s = koios::task_resume(p->thread);
  return s == koios::Status::Ok ? Status() : Status(errno_of(s));
}

void KoiosKernel::send(Koid client, const void* bytes, uint32_t size) {
  Proc* p = proc(client);
  if (!p || p->channel == kInvalidHandle) return;
  // Never blocks: a client whose queue is full (it does not read its replies) loses this one.
  if (koios::channel_write(p->channel, 0, bytes, size, nullptr, 0) != koios::Status::Ok) ++dropped_;
}

}  // namespace pidsrv

// ---- tokens -------------------------------------------------------------------------------------

namespace pidsrv {

Result<Koid> KoiosKernel::mint_token(bool enter) {
  if (!has_room()) return Errno::NFile;   // as kMaxTokens: the system-wide table is full
  auto* t = alloc_.make<Token>();
  if (!t) return Errno::NoMem;
  Handle out = kInvalidHandle;
  if (koios::Status s = koios::token_create(0, &t->kept, &out); s != koios::Status::Ok) {
    alloc_.destroy(t);
    return errno_of(s);
  }
  handles_ += 2;
  // The client's side may wait, be duplicated and passed on, and join (namespace tokens only);
  // not signal pidsrv's side.
  koios::Rights rights = koios::kRightsBasic | (enter ? koios::Rights::Enter : koios::Rights::None);
  koios::Status s = koios::handle_replace(out, rights, &t->out);
  if (s != koios::Status::Ok) t->out = out;   // replace failed: the original is still valid
  auto k = s == koios::Status::Ok ? koid_of(t->out) : Result<Koid>(errno_of(s));
  if (!k.ok() || !tokens_.insert(ns::raw(k.value()), t).ok() ||
      koios::object_wait_async(t->kept, port_, key(k.value(), kKeyToken), Signals::PeerClosed,
                               koios::kWaitAsyncOnce) != koios::Status::Ok) {
    if (k.ok()) tokens_.erase(ns::raw(k.value()));
    close(t->out);
    close(t->kept);
    alloc_.destroy(t);
    return k.ok() ? Errno::NoMem : k.error();
  }
  return k.value();
}

void KoiosKernel::send_token(Koid client, const void* bytes, uint32_t size, Koid k) {
  Token* t = token(k);
  Proc* p = proc(client);
  if (!t || t->out == kInvalidHandle) return;
  if (p && p->channel != kInvalidHandle &&
      koios::channel_write(p->channel, 0, bytes, size, &t->out, 1) == koios::Status::Ok) {
    t->out = kInvalidHandle;   // moved to the client
    --handles_;
    return;
  }
  // Undelivered: closing the only handle to it frees the token as the client closing it would.
  ++dropped_;
  close(t->out);
}

void KoiosKernel::signal_token(Koid k) {
  Token* t = token(k);
  if (t) (void)koios::object_signal_peer(t->kept, Signals::None, proto::pid::kPidfdExited);
}

void KoiosKernel::drop_token(Koid k) {
  Token* t = token(k);
  if (!t) return;
  // An armed wait keeps the kept side alive and would fire later: cancel it first.
  (void)koios::port_cancel(port_, t->kept, key(k, kKeyToken));
  close(t->out);
  close(t->kept);
  tokens_.erase(ns::raw(k));
  alloc_.destroy(t);
}

Result<TokenArg> KoiosKernel::token_arg(Handle h) {
  koios::InfoBasic info{};
  if (koios::object_get_info(h, static_cast<koios::u32>(koios::InfoTopic::Basic), &info, sizeof info, nullptr,
                             nullptr) != koios::Status::Ok ||
      info.type != koios::ObjectType::Token)
    return Errno::BadF;
  return TokenArg{Koid{info.koid}, info.rights};
}

}  // namespace pidsrv
