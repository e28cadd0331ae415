// tests/user/process_pid_bench.cc: pidsrv's benchmarks (bench=process_pid_bench). The kernel starts
// it as it starts init (a job, the boot filesystem, a1 = its own process), so it plays init: it
// starts pidsrv and is pid 1 of the root pid namespace. Three BENCH lines:
//   fork_exec_wait         posix_spawn of `true` through pidsrv + waitpid (Linux: fork, execve, waitpid)
//   getpid_via_pidsrv      getpid(): one channel call to pidsrv and back
//   kill_signal_roundtrip  raise(SIGUSR1) with a handler: the kill request, pidsrv suspends the
//                          caller, enters the handler, SigReturn restores it
#include "linux_signal.h"
#include "process.h"
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"
#include "user_lib.h"

namespace {

constexpr int kSpawnIterations = 300;
constexpr int kGetpidIterations = 2000;
constexpr int kKillIterations = 500;

volatile int g_handled = 0;
void on_usr1(int) { g_handled = g_handled + 1; }

koios::i64 now_ns() {
  koios::i64 t = 0;
  (void)koios::clock_get(0, &t);
  return t;
}

bool spawn_wait() {
  char* argv[] = {const_cast<char*>("true"), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = 0;
  int status = -1;
  return posix_spawn(&pid, "true", nullptr, nullptr, argv, envp) == 0 && waitpid(pid, &status, 0) == pid &&
         WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// getpid and the signal round trip, in a child: pid 1 (this program) is a namespace init, whose
// thread pidsrv has no handle to (the kernel started it), so no handler can be delivered to it.
int child() {
  int sum = 0;
  int self = getpid();
  for (int i = 0; i < 50; ++i) sum += getpid();
  koios::i64 t0 = now_ns();
  for (int i = 0; i < kGetpidIterations; ++i) sum += getpid();
  koios::i64 t1 = now_ns();
  if (self <= 1 || sum != self * (50 + kGetpidIterations)) return 5;
  user::report_bench("getpid_via_pidsrv", kGetpidIterations, t1 - t0);

  struct sigaction act {};
  act.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &act, nullptr) != 0) return 6;
  for (int i = 0; i < 20; ++i) (void)raise(SIGUSR1);
  int before = g_handled;
  t0 = now_ns();
  for (int i = 0; i < kKillIterations; ++i) (void)raise(SIGUSR1);
  t1 = now_ns();
  if (g_handled - before != kKillIterations) return 7;
  user::report_bench("kill_signal_roundtrip", kKillIterations, t1 - t0);
  return 0;
}

}  // namespace

int main(int argc, char** argv, char**) {
  if (argc >= 2 && argv[1][0] == 'c') return child();
  koios::Handle job = koios::startup_handle(koios::StartupHandleKind::Job);
  auto bootfs = koios::Bootfs::open(koios::startup_handle(koios::StartupHandleKind::BootfsVmo));
  if (job == koios::kInvalidHandle || !bootfs.ok()) return 1;
  auto pidsrv = koios::start_pidsrv(job, bootfs.value(), koios::kernel_given_self());
  if (!pidsrv.ok()) return 2;

  for (int i = 0; i < 20; ++i)
    if (!spawn_wait()) return 3;
  koios::i64 t0 = now_ns();
  for (int i = 0; i < kSpawnIterations; ++i)
    if (!spawn_wait()) return 4;
  user::report_bench("fork_exec_wait", kSpawnIterations, now_ns() - t0);

  char* argv_child[] = {const_cast<char*>("process_pid_bench"), const_cast<char*>("child"), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = 0;
  int status = -1;
  if (posix_spawn(&pid, "process_pid_bench", nullptr, nullptr, argv_child, envp) != 0) return 8;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 9;
  if (WEXITSTATUS(status) != 0) return WEXITSTATUS(status);
  // pidsrv goes with the machine; this program's end ends the benchmark.
  return 0;
}
