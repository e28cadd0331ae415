// servers/pidsrv/handlers.cc: one function per request, and the dispatch that checks a message
// before any of them sees it (size, op, handles), so a malformed request only ever gets an errno.
#include "servers/pidsrv/handlers.h"

#include <cstring>

#include "koios/startup.h"

namespace pidsrv {

using namespace proto::pid;

namespace {

template <typename R, typename V>
Out<R> value_reply(const Result<V>& r) {
  Out<R> out;
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  if (r.ok()) out.reply.value = static_cast<i32>(r.value());
  return out;
}

Out<Reply> status_reply(const Status& s) {
  Out<Reply> out;
  out.reply.error = s.ok() ? Errno::Ok : s.error();
  return out;
}

template <typename R>
Out<R> token_reply(const Result<Koid>& r) {
  Out<R> out;
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  if (r.ok()) out.token = r.value();
  return out;
}

template <typename R>
Out<R> mask_reply(const Result<SigSet>& r) {
  Out<R> out;
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  if (r.ok()) out.reply.mask = r.value();
  return out;
}

// Checks every field a hostile client controls before anything is created.
Status parse_spawn(const SpawnRequest& req, const koios::Handle* handles, uint32_t handle_count, SpawnArgs* args) {
  size_t path_len = strnlen(req.path, kMaxPath);
  if (path_len == kMaxPath) return Errno::NameTooLong;
  if (path_len == 0) return Errno::NoEnt;
  if (req.strings_size > kMaxSpawnStrings) return Errno::TooBig;
  if (req.argc > kMaxSpawnStrings || req.envc > kMaxSpawnStrings) return Errno::TooBig;
  uint32_t nuls = 0;
  for (uint32_t i = 0; i < req.strings_size; ++i) nuls += req.strings[i] == '\0';
  if (nuls != req.argc + req.envc) return Errno::Inval;
  if (req.strings_size > 0 && req.strings[req.strings_size - 1] != '\0') return Errno::Inval;
  if (req.extra_count > kMaxSpawnExtra) return Errno::Inval;
  // The working directory: NUL-terminated inside the field, absolute or empty ("/").
  size_t cwd_len = strnlen(req.cwd, kMaxCwd);
  if (cwd_len == kMaxCwd) return Errno::NameTooLong;
  if (cwd_len != 0 && req.cwd[0] != '/') return Errno::Inval;
  for (uint32_t i = 0; i < req.extra_count; ++i) {
    // Only handles whose meaning the child cannot confuse with what pidsrv gives it.
    switch (static_cast<koios::StartupHandleKind>(req.extra[i].kind)) {
      case koios::StartupHandleKind::Job: case koios::StartupHandleKind::Resource:
      case koios::StartupHandleKind::BootfsVmo: case koios::StartupHandleKind::User:
      case koios::StartupHandleKind::Token:
        break;
      case koios::StartupHandleKind::Server:
        if (req.extra[i].arg == static_cast<uint32_t>(koios::StartupServer::Pid)) return Errno::Inval;
        break;
      default: return Errno::Inval;
    }
  }
  // One handle per bit of fd_mask (64 bits: fds 0..kMaxSpawnFds-1, each at most once), then the extras.
  static_assert(kMaxSpawnFds == 64);
  uint32_t fds = static_cast<uint32_t>(__builtin_popcountll(req.fd_mask));
  if (fds + req.extra_count > kMaxSpawnHandles || fds + req.extra_count != handle_count) return Errno::Inval;
  args->path = req.path;
  args->strings = req.strings;
  args->strings_size = req.strings_size;
  args->argc = req.argc;
  args->envc = req.envc;
  args->fd_mask = req.fd_mask;
  args->handles = handles;
  args->cwd = cwd_len == 0 ? "/" : req.cwd;
  args->extra_count = req.extra_count;
  args->extra = req.extra;
  return {};
}

template <typename R>
void send_reply(KernelOps& kernel, Koid caller, const koios::MessageHeader& request, Out<R> out) {
  if (!out.send) return;
  out.reply.header = request;
  // Only a TokenReply carries a handle.
  if constexpr (std::is_same_v<R, TokenReply>) {
    if (out.token != ns::kInvalidKoid) {
      kernel.send_token(caller, &out.reply, sizeof out.reply, out.token);
      return;
    }
  }
  kernel.send(caller, &out.reply, sizeof out.reply);
}

// How many token handles a request brings; -1: a field says something impossible (EINVAL).
int token_count(const TokenRequest&) { return 1; }
int token_count(const WaitRequest& r) { return r.idtype == IdType::Pidfd ? 1 : 0; }
int token_count(const TranslateRequest& r) {
  if (r.tokens & ~(kTranslateFrom | kTranslateTo)) return -1;
  return __builtin_popcount(r.tokens);
}

}  // namespace

Out<Reply> handle_getpid(ProcessTable& t, Koid caller, const Request&) {
  return value_reply<Reply>(t.getpid(caller));
}

Out<Reply> handle_getppid(ProcessTable& t, Koid caller, const Request&) {
  return value_reply<Reply>(t.getppid(caller));
}

// A TokenReply, which has Reply's layout: with kSpawnPidfd it brings the child's pidfd as its
// handle (none if pidsrv could not mint it: the child runs, and pidfd_open may still be asked).
Out<TokenReply> handle_spawn(ProcessTable& t, Koid caller, const SpawnRequest& req, const koios::Handle* handles,
                             uint32_t handle_count) {
  Out<TokenReply> out;
  SpawnArgs args;
  Status parsed = parse_spawn(req, handles, handle_count, &args);
  if (parsed.ok() && req.reserved != 0) parsed = Errno::Inval;
  if (!parsed.ok()) {
    out.reply.error = parsed.error();
    return out;
  }
  auto pid = t.spawn(caller, args, req.flags, req.pgroup);
  if (!pid.ok()) {
    out.reply.error = pid.error();
    return out;
  }
  out.reply.value = pid.value();
  if (req.flags & kSpawnPidfd) {
    if (auto token = t.pidfd_open(caller, pid.value()); token.ok()) out.token = token.value();
  }
  return out;
}

Out<Reply> handle_exec(ProcessTable& t, Koid caller, const SpawnRequest& req, const koios::Handle* handles,
                       uint32_t handle_count) {
  SpawnArgs args;
  Status parsed = parse_spawn(req, handles, handle_count, &args);
  if (!parsed.ok()) return status_reply(parsed);
  if (req.flags != 0) return status_reply(Errno::Inval);
  Out<Reply> out = status_reply(t.exec(caller, args));
  out.send = out.reply.error != Errno::Ok;   // on success the caller is gone
  return out;
}

Out<Reply> handle_exit(ProcessTable& t, Koid caller, const ValueRequest& req) {
  return status_reply(t.report_exit(caller, req.value));
}

Out<Reply> handle_kill(ProcessTable& t, Koid caller, const KillRequest& req) {
  return status_reply(t.kill(caller, req.pid, req.sig));
}

Out<WaitReply> handle_wait(ProcessTable& t, Koid caller, const WaitRequest& req, const TokenArg& pidfd) {
  if (req.reserved != 0) {
    Out<WaitReply> out;
    out.reply.error = Errno::Inval;
    return out;
  }
  Waiter w{req.header.txid, req.idtype, req.id, req.options, pidfd.koid};
  bool deferred = false;
  auto r = t.wait(caller, w, &deferred);
  Out<WaitReply> out;
  out.send = !deferred;
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  if (r.ok()) {
    out.reply.pid = r.value().pid;
    out.reply.status = r.value().status;
    out.reply.code = r.value().code;
    out.reply.si_status = r.value().si_status;
    out.reply.uid = r.value().uid;
  }
  return out;
}

Out<Reply> handle_setpgid(ProcessTable& t, Koid caller, const PidPairRequest& req) {
  return status_reply(t.setpgid(caller, req.pid, req.pgid));
}

Out<Reply> handle_getpgid(ProcessTable& t, Koid caller, const ValueRequest& req) {
  return value_reply<Reply>(t.getpgid(caller, req.value));
}

Out<Reply> handle_setsid(ProcessTable& t, Koid caller, const Request&) {
  return value_reply<Reply>(t.setsid(caller));
}

Out<Reply> handle_getsid(ProcessTable& t, Koid caller, const ValueRequest& req) {
  return value_reply<Reply>(t.getsid(caller, req.value));
}

Out<ListReply> handle_list(ProcessTable& t, Koid caller, const ValueRequest& req) {
  Out<ListReply> out;
  auto r = t.list(caller, req.value, out.reply.procs, kListBatch);
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  out.reply.count = r.ok() ? r.value() : 0;
  return out;
}

Out<Reply> handle_translate(ProcessTable& t, Koid caller, const TranslateRequest& req, const TokenArg& from,
                            const TokenArg& to) {
  return value_reply<Reply>(t.translate(caller, req.pid, from.koid, to.koid));
}

Out<TokenReply> handle_pidfd_open(ProcessTable& t, Koid caller, const ValueRequest& req) {
  return token_reply<TokenReply>(t.pidfd_open(caller, req.value));
}

Out<Reply> handle_pidfd_send_signal(ProcessTable& t, Koid caller, const TokenRequest& req, const TokenArg& pidfd) {
  if (req.reserved != 0) return status_reply(Errno::Inval);
  return status_reply(t.pidfd_send_signal(caller, pidfd.koid, req.sig));
}

Out<Reply> handle_pidfd_getpid(ProcessTable& t, Koid caller, const TokenRequest& req, const TokenArg& pidfd) {
  if (req.sig != 0 || req.reserved != 0) return status_reply(Errno::Inval);
  return value_reply<Reply>(t.pidfd_getpid(caller, pidfd.koid));
}

Out<SigActionReply> handle_sigaction(ProcessTable& t, Koid caller, const SigActionRequest& req) {
  Out<SigActionReply> out;
  auto r = t.sigaction(caller, req.sig, req.set ? &req.action : nullptr);
  out.reply.error = r.ok() ? Errno::Ok : r.error();
  if (r.ok()) out.reply.old = r.value();
  return out;
}

Out<MaskReply> handle_sigprocmask(ProcessTable& t, Koid caller, const SigMaskRequest& req) {
  return mask_reply<MaskReply>(t.sigprocmask(caller, req.how, req.set ? &req.mask : nullptr));
}

Out<Reply> handle_sigreturn(ProcessTable& t, Koid caller, const Request&) {
  Out<Reply> out = status_reply(t.sigreturn(caller));
  out.send = out.reply.error != Errno::Ok;   // on success the thread goes on where it was
  return out;
}

Out<MaskReply> handle_sigpending(ProcessTable& t, Koid caller, const Request&) {
  return mask_reply<MaskReply>(t.sigpending(caller));
}

Out<TokenReply> handle_open_pid_ns(ProcessTable& t, Koid caller, const PidNsRequest& req) {
  if (req.for_children > 1) return token_reply<TokenReply>(Errno::Inval);
  return token_reply<TokenReply>(t.open_pid_ns(caller, req.pid, req.for_children != 0));
}

Out<Reply> handle_setns(ProcessTable& t, Koid caller, const TokenRequest& req, const TokenArg& token) {
  if (req.sig != 0 || req.reserved != 0) return status_reply(Errno::Inval);
  // Joining is what Enter allows: a holder may pass on a namespace token without it (for
  // translation only), and pidfds never carry it.
  return status_reply(t.setns(caller, token.koid, koios::contains(token.rights, koios::Rights::Enter)));
}

Out<Reply> handle_unshare(ProcessTable& t, Koid caller, const FlagsRequest& req) {
  return status_reply(t.unshare(caller, req.flags));
}

Out<Reply> handle_set_subreaper(ProcessTable& t, Koid caller, const ValueRequest& req) {
  if (req.value != 0 && req.value != 1) return status_reply(Errno::Inval);
  return status_reply(t.set_subreaper(caller, req.value != 0));
}

Out<StatsReply> handle_stats(ProcessTable& t, KernelOps& kernel, Koid caller, const Request&) {
  Out<StatsReply> out;
  if (!t.find(caller)) { out.reply.error = Errno::Srch; return out; }
  ProcessTable::Counts c = t.counts();
  out.reply.entries = c.entries;
  out.reply.registry_processes = c.registry_processes;
  out.reply.namespaces = c.namespaces;
  out.reply.ns_jobs = c.ns_jobs;
  out.reply.tokens = c.tokens;
  out.reply.waiters = c.waiters;
  out.reply.pidrefs = c.pidrefs;
  out.reply.ns_handles = c.ns_handles;
  out.reply.clients = kernel.client_count();
  out.reply.handles = kernel.handle_count();
  return out;
}

// sysinfo(2): what the kernel counts plus pidsrv's own process count; any client may ask.
Out<SysInfoReply> handle_sysinfo(ProcessTable& t, KernelOps& kernel, Koid caller, const Request&) {
  Out<SysInfoReply> out;
  if (!t.find(caller)) { out.reply.error = Errno::Srch; return out; }
  out.reply.procs = static_cast<uint32_t>(t.counts().entries);
  out.reply.uptime_ns = kernel.now_ns();
  if (auto m = kernel.memory(); m.ok()) {
    out.reply.total_bytes = m.value().total_bytes;
    out.reply.free_bytes = m.value().free_bytes;
    out.reply.user_bytes = m.value().user_bytes;
  }
  return out;
}

Out<Reply> handle_adopt(ProcessTable& t, Koid caller, const AdoptRequest& req, const koios::Handle* handles,
                        uint32_t handle_count) {
  if (handle_count < 1 || handle_count > 2 || memchr(req.name, 0, sizeof req.name) == nullptr)
    return status_reply(Errno::Inval);
  return value_reply<Reply>(t.adopt(caller, handles, handle_count, req.name));
}

namespace {

// One message being dispatched.
struct Message {
  ProcessTable& table;
  KernelOps& kernel;
  Koid caller;
  koios::MessageHeader header;
  const void* bytes;
  uint32_t size;
  const koios::Handle* handles;
  uint32_t handle_count;
};

// The requests that bring tokens, apart from dispatch() so the other requests' path (getpid's,
// kill's: measured) stays as short as it was. Tokens are read before the handler runs: a missing
// one is a closed fd (EBADF), one too many EINVAL, a handle that is not a token EBADF (setns:
// EINVAL); each error in the op's own reply type, so the client can read it.
[[gnu::noinline]] void dispatch_tokens(Message& m, Op op) {
  TokenArg tokens[2];
  auto call = [&](auto& request, auto&& handler) {
    using Req = std::remove_reference_t<decltype(request)>;
    if (m.size != sizeof(Req)) {
      send_reply(m.kernel, m.caller, m.header, status_reply(Errno::Inval));
      return;
    }
    memcpy(&request, m.bytes, sizeof(Req));
    int want = token_count(request);
    Errno bad = want < 0 || m.handle_count > static_cast<uint32_t>(want) ? Errno::Inval
                : m.handle_count < static_cast<uint32_t>(want)           ? Errno::BadF
                                                                         : Errno::Ok;
    for (uint32_t i = 0; bad == Errno::Ok && i < m.handle_count; ++i) {
      auto arg = m.kernel.token_arg(m.handles[i]);
      if (arg.ok()) tokens[i] = arg.value();
      else bad = op == Op::SetNs ? Errno::Inval : arg.error();
    }
    if (bad != Errno::Ok) {
      decltype(handler(request)) out;
      out.reply.error = bad;
      send_reply(m.kernel, m.caller, m.header, out);
      return;
    }
    m.table.begin_request(m.caller);
    auto out = handler(request);
    send_reply(m.kernel, m.caller, m.header, out);
    m.table.finish_request();
  };
  auto with = [&](auto tag, auto&& fn) {
    static decltype(tag) request;
    call(request, [&](auto& r) { return fn(m.table, m.caller, r); });
  };
  switch (op) {
    case Op::Wait:
      with(WaitRequest{}, [&](ProcessTable& t, Koid c, const WaitRequest& r) { return handle_wait(t, c, r, tokens[0]); });
      break;
    case Op::TranslatePid:
      with(TranslateRequest{}, [&](ProcessTable& t, Koid c, const TranslateRequest& r) {
        // The handles come in order: from (if named), then to (if named).
        TokenArg none;
        const TokenArg& from = r.tokens & kTranslateFrom ? tokens[0] : none;
        const TokenArg& to = r.tokens & kTranslateTo ? tokens[(r.tokens & kTranslateFrom) ? 1 : 0] : none;
        return handle_translate(t, c, r, from, to);
      });
      break;
    case Op::PidfdSendSignal:
      with(TokenRequest{}, [&](ProcessTable& t, Koid c, const TokenRequest& r) {
        return handle_pidfd_send_signal(t, c, r, tokens[0]);
      });
      break;
    case Op::PidfdGetPid:
      with(TokenRequest{}, [&](ProcessTable& t, Koid c, const TokenRequest& r) {
        return handle_pidfd_getpid(t, c, r, tokens[0]);
      });
      break;
    case Op::SetNs:
      with(TokenRequest{}, [&](ProcessTable& t, Koid c, const TokenRequest& r) { return handle_setns(t, c, r, tokens[0]); });
      break;
    default: break;
  }
}

}  // namespace

bool dispatch(ProcessTable& table, KernelOps& kernel, Koid caller, const void* bytes, uint32_t size,
              const koios::Handle* handles, uint32_t handle_count) {
  koios::MessageHeader header;
  if (size < sizeof header) return false;   // no txid to answer to: dropped
  memcpy(&header, bytes, sizeof header);
  auto op = static_cast<Op>(header.ordinal);
  bool takes_handles = op == Op::Spawn || op == Op::Exec || op == Op::Adopt;
  bool taken = false;
  // The message is copied into the request type: the bytes may be unaligned or short.
  auto call = [&](auto& request, auto&& handler) {
    using Req = std::remove_reference_t<decltype(request)>;
    if (size != sizeof(Req) || (!takes_handles && handle_count != 0)) {
      send_reply(kernel, caller, header, status_reply(Errno::Inval));
      return;
    }
    memcpy(&request, bytes, sizeof(Req));
    table.begin_request(caller);
    auto out = handler(request);
    send_reply(kernel, caller, header, out);
    table.finish_request();
    if (takes_handles && out.reply.error == Errno::Ok) taken = true;
  };
  auto with = [&](auto tag, auto&& fn) {
    static decltype(tag) request;   // big ones (SpawnRequest) stay off the stack
    call(request, [&](auto& r) { return fn(table, caller, r); });
  };
  switch (op) {
    case Op::GetPid: with(Request{}, handle_getpid); break;
    case Op::GetPpid: with(Request{}, handle_getppid); break;
    case Op::Spawn:
      with(SpawnRequest{}, [&](ProcessTable& t, Koid c, const SpawnRequest& r) {
        return handle_spawn(t, c, r, handles, handle_count);
      });
      break;
    case Op::Exec:
      with(SpawnRequest{}, [&](ProcessTable& t, Koid c, const SpawnRequest& r) {
        return handle_exec(t, c, r, handles, handle_count);
      });
      break;
    case Op::Exit: with(ValueRequest{}, handle_exit); break;
    case Op::Kill: with(KillRequest{}, handle_kill); break;
    case Op::Wait: case Op::TranslatePid: case Op::PidfdSendSignal: case Op::PidfdGetPid: case Op::SetNs: {
      Message m{table, kernel, caller, header, bytes, size, handles, handle_count};
      dispatch_tokens(m, op);
      break;
    }
    case Op::SetPgid: with(PidPairRequest{}, handle_setpgid); break;
    case Op::GetPgid: with(ValueRequest{}, handle_getpgid); break;
    case Op::SetSid: with(Request{}, handle_setsid); break;
    case Op::GetSid: with(ValueRequest{}, handle_getsid); break;
    case Op::List: with(ValueRequest{}, handle_list); break;
    case Op::PidfdOpen: with(ValueRequest{}, handle_pidfd_open); break;
    case Op::SigAction: with(SigActionRequest{}, handle_sigaction); break;
    case Op::SigProcMask: with(SigMaskRequest{}, handle_sigprocmask); break;
    case Op::SigReturn: with(Request{}, handle_sigreturn); break;
    case Op::SigPending: with(Request{}, handle_sigpending); break;
    case Op::OpenPidNs: with(PidNsRequest{}, handle_open_pid_ns); break;
    case Op::Unshare: with(FlagsRequest{}, handle_unshare); break;
    case Op::SetSubreaper: with(ValueRequest{}, handle_set_subreaper); break;
    case Op::Stats:
      with(Request{}, [&](ProcessTable& t, Koid c, const Request& r) { return handle_stats(t, kernel, c, r); });
      break;
    case Op::Adopt:
      with(AdoptRequest{}, [&](ProcessTable& t, Koid c, const AdoptRequest& r) {
        return handle_adopt(t, c, r, handles, handle_count);
      });
      break;
    case Op::SysInfo:
      with(Request{}, [&](ProcessTable& t, Koid c, const Request& r) { return handle_sysinfo(t, kernel, c, r); });
      break;
    default: send_reply(kernel, caller, header, status_reply(Errno::NoSys)); break;
  }
  return taken;
}

}  // namespace pidsrv
