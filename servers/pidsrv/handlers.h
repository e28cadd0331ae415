// servers/pidsrv/handlers.h: pidsrv's requests as pure functions. dispatch() checks a message's
// size and op, calls the one handler for it and sends the reply through KernelOps::send (now,
// later for a wait that blocks, never for a successful Exec or SigReturn); main.cc only adds the
// channel loop around it.
#pragma once

#include <cstdint>

#include "koios/handle.h"
#include "servers/pidsrv/process_table.h"
#include "servers/proto/pid.h"

namespace pidsrv {

// What only a TokenReply adds: the token minted for it, which goes with it as its one handle.
// (Other replies stay as small as they were: getpid's and kill's paths are measured.)
template <typename R>
struct OutExtra {};
template <>
struct OutExtra<proto::pid::TokenReply> {
  Koid token = ns::kInvalidKoid;
};

// A reply, or none (`send` false): the call is answered later or its caller is gone.
template <typename R>
struct Out : OutExtra<R> {
  R reply{};
  bool send = true;
};

// One message from `caller`'s channel. Returns whether the message's handles were taken (moved
// into a spawned process); otherwise the caller of dispatch closes them. Requests that use tokens
// bring them as handles; dispatch checks their number (missing: EBADF, extra: EINVAL) and turns
// each into its KoID and rights (KernelOps::token_arg) before the handler runs.
bool dispatch(ProcessTable& table, KernelOps& kernel, Koid caller, const void* bytes, uint32_t size,
              const koios::Handle* handles, uint32_t handle_count);

// One handler per request; each fills everything but the header.
Out<proto::pid::Reply> handle_getpid(ProcessTable&, Koid caller, const proto::pid::Request&);
Out<proto::pid::Reply> handle_getppid(ProcessTable&, Koid caller, const proto::pid::Request&);
Out<proto::pid::TokenReply> handle_spawn(ProcessTable&, Koid caller, const proto::pid::SpawnRequest&,
                                    const koios::Handle* handles, uint32_t handle_count);
Out<proto::pid::Reply> handle_exec(ProcessTable&, Koid caller, const proto::pid::SpawnRequest&,
                                   const koios::Handle* handles, uint32_t handle_count);
Out<proto::pid::Reply> handle_exit(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::Reply> handle_kill(ProcessTable&, Koid caller, const proto::pid::KillRequest&);
Out<proto::pid::WaitReply> handle_wait(ProcessTable&, Koid caller, const proto::pid::WaitRequest&,
                                       const TokenArg& pidfd);
Out<proto::pid::Reply> handle_setpgid(ProcessTable&, Koid caller, const proto::pid::PidPairRequest&);
Out<proto::pid::Reply> handle_getpgid(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::Reply> handle_setsid(ProcessTable&, Koid caller, const proto::pid::Request&);
Out<proto::pid::Reply> handle_getsid(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::ListReply> handle_list(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::Reply> handle_translate(ProcessTable&, Koid caller, const proto::pid::TranslateRequest&,
                                        const TokenArg& from, const TokenArg& to);
Out<proto::pid::TokenReply> handle_pidfd_open(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::Reply> handle_pidfd_send_signal(ProcessTable&, Koid caller, const proto::pid::TokenRequest&,
                                                const TokenArg& pidfd);
Out<proto::pid::Reply> handle_pidfd_getpid(ProcessTable&, Koid caller, const proto::pid::TokenRequest&,
                                           const TokenArg& pidfd);
Out<proto::pid::SigActionReply> handle_sigaction(ProcessTable&, Koid caller, const proto::pid::SigActionRequest&);
Out<proto::pid::MaskReply> handle_sigprocmask(ProcessTable&, Koid caller, const proto::pid::SigMaskRequest&);
Out<proto::pid::Reply> handle_sigreturn(ProcessTable&, Koid caller, const proto::pid::Request&);
Out<proto::pid::MaskReply> handle_sigpending(ProcessTable&, Koid caller, const proto::pid::Request&);
Out<proto::pid::TokenReply> handle_open_pid_ns(ProcessTable&, Koid caller, const proto::pid::PidNsRequest&);
Out<proto::pid::Reply> handle_setns(ProcessTable&, Koid caller, const proto::pid::TokenRequest&,
                                    const TokenArg& token);
Out<proto::pid::Reply> handle_unshare(ProcessTable&, Koid caller, const proto::pid::FlagsRequest&);
Out<proto::pid::Reply> handle_set_subreaper(ProcessTable&, Koid caller, const proto::pid::ValueRequest&);
Out<proto::pid::StatsReply> handle_stats(ProcessTable&, KernelOps&, Koid caller, const proto::pid::Request&);
Out<proto::pid::Reply> handle_adopt(ProcessTable&, Koid caller, const proto::pid::AdoptRequest&,
                                    const koios::Handle* handles, uint32_t handle_count);
Out<proto::pid::SysInfoReply> handle_sysinfo(ProcessTable&, KernelOps&, Koid caller, const proto::pid::Request&);

}  // namespace pidsrv
