// tests/kernel/runtime_test.cc: the user runtime (servers/runtime) as a program sees it: the
// start-up message's argv, envp and handles reach main, and printf reaches fd 1's socket.
#include <cstring>

#include "kernel/object/event.h"
#include "kernel/object/socket.h"
#include "kernel/sched/scheduler.h"
#include "kernel/user_program.h"
#include "kernel/vm/user_aspace.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"

namespace kernel::selftest {

void user_runtime_test(Context& ctx) {
  koios::u64 objects_before = KernelObject::live_count();
  koios::u64 user_pages_before = UserAspace::live_pages();
  auto sockets = Socket::create();
  auto event = Event::create();
  if (!ctx.check(sockets.ok() && event.ok(), "a socket pair and an event are created")) return;
  RefPtr<Socket> stdout_peer = std::move(sockets.value().first);
  const char* argv[] = {"args", "one", "two words"};
  const char* envp[] = {"KOIOS=1", "EMPTY="};
  KernelHandle handles[] = {KernelHandle(std::move(sockets.value().second), Socket::kDefaultRights),
                            KernelHandle(std::move(event.value()), Event::kDefaultRights)};
  koios::StartupHandleInfo infos[] = {{koios::StartupHandleKind::Fd, 1}, {koios::StartupHandleKind::Token, 5}};
  auto start = make_startup_channel(argv, 3, envp, 2, handles, infos, 2);
  if (!ctx.check(start.ok(), "a start-up message is built")) return;
  koios::i64 code = -1;
  ctx.check(run_user_program("args", 0, 2'000'000'000, &code, &start.value()) == koios::Status::Ok, "args runs");
  ctx.check(code == 0, "argv, envp, getenv, start-up handles and constructors reach main (args' exit code names the check)");
  // What it printed waits in the socket: printf and write(2) in order, the last line flushed by exit.
  static const char kExpected[] = "args: 3 [one] [two words] 1\nraw write\nunterminated";
  char out[sizeof kExpected + 16] = {};
  koios::usize got = 0;
  ctx.check(stdout_peer->read(reinterpret_cast<koios::u8*>(out), sizeof out, &got) == koios::Status::Ok,
            "the program's stdout arrived on its socket");
  ctx.check(got == sizeof kExpected - 1 && std::memcmp(out, kExpected, got) == 0, "stdout holds exactly what it printed");
  stdout_peer.reset();
  // Wait for the process to be freed (its last thread goes on another hart, possibly later).
  koios::u64 deadline = platform::now_ns() + 1'000'000'000;
  while (KernelObject::live_count() != objects_before && platform::now_ns() < deadline) Scheduler::sleep_ns(500'000);
  ctx.check(KernelObject::live_count() == objects_before, "the program, its handles and the channel are freed");
  ctx.check(UserAspace::live_pages() == user_pages_before, "every page of its address space is freed");
}

}  // namespace kernel::selftest
