// tests/user/process_spawn_exit_wait.cc: the benchmark of a whole process life from user space:
// koios::spawn of `true` from the boot filesystem (process_create, segments mapped copy-on-write
// from the boot filesystem vmo, stack, thread, start-up message, process_start), its exit, and the
// wait for Terminated, then closing its handle. Linux's pair is fork_exec_wait (fork, execve of a
// static true, waitpid). Started by the kernel (bench=process_spawn_exit_wait) with a start-up
// message holding a job and the boot filesystem vmo; prints `BENCH process_spawn_exit_wait N ns`.
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"
#include "user_lib.h"

namespace {
constexpr int kWarmup = 20;
constexpr int kIterations = 500;

bool one(koios::Handle job, const koios::Bootfs& bootfs) {
  auto p = koios::spawn(job, bootfs, "true", nullptr, nullptr);
  if (!p.ok()) return false;
  auto info = koios::wait_process(p.value().get(), koios::kDeadlineInfinite);
  return info.ok() && info.value().exit_reason == koios::ProcessExitReason::Exited && info.value().return_code == 0;
}
}  // namespace

int main(int, char**, char**) {
  koios::Handle job = koios::startup_handle(koios::StartupHandleKind::Job);
  auto bootfs = koios::Bootfs::open(koios::startup_handle(koios::StartupHandleKind::BootfsVmo));
  if (job == koios::kInvalidHandle || !bootfs.ok()) return 1;
  for (int i = 0; i < kWarmup; ++i)
    if (!one(job, bootfs.value())) return 2;
  koios::i64 t0 = 0, t1 = 0;
  (void)koios::clock_get(0, &t0);
  for (int i = 0; i < kIterations; ++i)
    if (!one(job, bootfs.value())) return 3;
  (void)koios::clock_get(0, &t1);
  user::report_bench("process_spawn_exit_wait", kIterations, t1 - t0);
  return 0;
}
