// servers/runtime/signal.cc: signals over pidsrv (servers/proto/pid.h) with Linux's numbers
// (linux_signal.h): sigaction, signal, sigprocmask, sigpending, kill, raise, pause; the sleeps and
// clock_gettime, which a handler may interrupt; and the C side of the trampoline (sigtramp.S).
#include <cstring>

#include "linux_signal.h"
#include "process.h"
#include "stdio_glue.h"
#include "syscalls.h"

extern "C" void koios_sigtramp();

namespace koios::runtime {

namespace {
// Written by the trampoline on this (the only) thread; read after a call returned Interrupted.
volatile u64 g_handler_serial = 0;
volatile u64 g_last_flags = 0;
}  // namespace

u64 handler_serial() { return g_handler_serial; }

bool retry_after_interrupt(u64 serial) {
  if (g_handler_serial == serial) return true;    // stopped and continued: nothing to report
  return (g_last_flags & proto::pid::kSaRestart) != 0;
}

}  // namespace koios::runtime

namespace {

using namespace proto::pid;
using koios::pid_request;

int fail(int e) {
  errno = e;
  return -1;
}

// How long ago the boot began, as a timespec (clock 0 is monotonic since boot).
koios::i64 now_ns() {
  koios::i64 t = 0;
  (void)koios::clock_get(0, &t);
  return t;
}

// Sleeps until `deadline`. Interrupted by a handler: EINTR (Linux does not restart sleeps);
// by a stop: sleeps on.
int sleep_until(koios::i64 deadline) {
  for (;;) {
    koios::u64 serial = koios::runtime::handler_serial();
    koios::Status s = koios::clock_nanosleep(deadline);
    if (s == koios::Status::Ok || s == koios::Status::TimedOut) return 0;
    if (s != koios::Status::Interrupted) return EIO;
    if (koios::runtime::handler_serial() != serial) return EINTR;
  }
}

}  // namespace

extern "C" {

// The trampoline's C part: the handler runs with errno kept for the code it interrupted.
void koios_signal_enter(int sig, koios::u64 handler, koios::u64 flags) {
  int saved_errno = errno;
  koios::runtime::g_handler_serial = koios::runtime::g_handler_serial + 1;
  koios::runtime::g_last_flags = flags;
  if (flags & kSaSigInfo) {
    siginfo_t info{};
    info.si_signo = sig;
    reinterpret_cast<void (*)(int, siginfo_t*, void*)>(handler)(sig, &info, nullptr);
  } else {
    reinterpret_cast<void (*)(int)>(handler)(sig);
  }
  errno = saved_errno;
}

[[noreturn]] void koios_sigreturn() {
  koios::Handle channel = koios::pid_channel();
  for (;;) {
    Reply r{};
    // Success never answers: pidsrv suspends this thread and restores the interrupted registers.
    koios::Status s = koios::call(channel, koios::u32(Op::SigReturn), Request{}, &r);
    if (s == koios::Status::Interrupted) continue;
    // No frame to return to: nothing sensible can go on.
    koios::runtime::stdio_flush_all();
    koios::process_exit(128 + SIGSEGV);
  }
}

int sigaction(int sig, const struct sigaction* act, struct sigaction* old) {
  SigActionRequest req{};
  req.sig = sig;
  if (act) {
    req.set = 1;
    req.action.handler = reinterpret_cast<koios::u64>(act->sa_handler);
    req.action.flags = koios::u64(koios::u32(act->sa_flags));
    req.action.mask = act->sa_mask;
    if (req.action.handler != kSigDfl && req.action.handler != kSigIgn) {
      req.action.restorer = reinterpret_cast<koios::u64>(&koios_sigtramp);
      req.action.flags |= kSaRestorer;
    }
  }
  SigActionReply r{};
  if (int e = pid_request(Op::SigAction, req, &r)) return fail(e);
  if (old) {
    *old = {};
    old->sa_handler = reinterpret_cast<_sig_func_ptr>(r.old.handler);
    old->sa_flags = int(r.old.flags & ~kSaRestorer);
    old->sa_mask = r.old.mask;
  }
  return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler) {
  struct sigaction act {}, old{};
  act.sa_handler = handler;
  act.sa_flags = SA_RESTART;   // BSD semantics, as glibc's signal()
  if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  SigMaskRequest req{};
  req.how = koios::u32(how);
  if (set) {
    req.set = 1;
    req.mask = *set;
  }
  MaskReply r{};
  if (int e = pid_request(Op::SigProcMask, req, &r)) return fail(e);
  if (old) *old = r.mask;
  return 0;
}

int sigpending(sigset_t* set) {
  MaskReply r{};
  if (int e = pid_request(Op::SigPending, Request{}, &r)) return fail(e);
  *set = r.mask;
  return 0;
}

int kill(pid_t pid, int sig) {
  Reply r{};
  if (int e = pid_request(Op::Kill, KillRequest{{}, pid, sig}, &r)) return fail(e);
  return 0;
}

// A signal the caller sends itself acts before its reply is read (pidsrv suspends it as soon as
// the reply is queued), so a handler has run by the time raise returns.
int raise(int sig) {
  pid_t self = getpid();
  if (self < 0) return -1;
  return kill(self, sig);
}

int pause() {
  for (;;) {
    koios::u64 serial = koios::runtime::handler_serial();
    (void)koios::clock_nanosleep(koios::kDeadlineInfinite);
    if (koios::runtime::handler_serial() != serial) return fail(EINTR);
  }
}

int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (req == nullptr || req->tv_nsec < 0 || req->tv_nsec >= 1'000'000'000 || req->tv_sec < 0) return fail(EINVAL);
  koios::i64 start = now_ns();
  koios::i64 deadline = start + koios::i64(req->tv_sec) * 1'000'000'000 + req->tv_nsec;
  int e = sleep_until(deadline);
  if (e == EINTR && rem) {
    koios::i64 left = deadline - now_ns();
    if (left < 0) left = 0;
    rem->tv_sec = left / 1'000'000'000;
    rem->tv_nsec = left % 1'000'000'000;
  }
  return e ? fail(e) : 0;
}

unsigned sleep(unsigned seconds) {
  koios::i64 deadline = now_ns() + koios::i64(seconds) * 1'000'000'000;
  if (sleep_until(deadline) == 0) return 0;
  koios::i64 left = deadline - now_ns();
  return left <= 0 ? 0 : unsigned((left + 999'999'999) / 1'000'000'000);
}

int usleep(useconds_t usec) {
  return sleep_until(now_ns() + koios::i64(usec) * 1000) == 0 ? 0 : fail(EINTR);
}

// No real-time clock yet: every clock counts from boot.
int clock_gettime(clockid_t, struct timespec* tp) {
  if (tp == nullptr) return fail(EFAULT);
  koios::i64 t = now_ns();
  tp->tv_sec = t / 1'000'000'000;
  tp->tv_nsec = t % 1'000'000'000;
  return 0;
}

}  // extern "C"
