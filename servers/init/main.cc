// servers/init/main.cc: the first user process. The kernel starts it from the boot filesystem with
// the root job, the root resource and the boot filesystem vmo (kernel/user_program.cc start_init).
// It starts mountsrv first (the file service; every program it runs gets a directory channel).
// Until the other servers and the shell exist (issues 6 and 7) it runs the user-space test suite: each
// program of kTests in a child job of its own, one `init: NAME ok` or `init: NAME FAIL (...)` line
// each and a summary; then it tells the kernel on its bootstrap channel that start-up is done (the
// kernel's monitor takes the console from there) and stays alive, holding the root capabilities.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fd.h"
#include "koios/resource.h"
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"

namespace {

using koios::Handle;
using koios::OwnedHandle;
using koios::Status;

// Each test program prints its own PASS/FAIL line per check and exits 0 when all passed. They get
// argv {name, "quick" or "full"} (full adds the long checks), a job to spawn in, the boot
// filesystem, and the info resource (for kernel-wide counts).
constexpr const char* kTests[] = {"spawn_basics", "multiproc", "files"};
// Generous: a suite program spawns a thousand processes, and TCG may get little host time.
constexpr koios::i64 kTestTimeoutNs = 240'000'000'000;

koios::i64 now_ns() {
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  return now;
}

const char* reason_text(koios::ProcessExitReason reason) {
  switch (reason) {
    case koios::ProcessExitReason::Exited: return "exited";
    case koios::ProcessExitReason::Killed: return "killed";
    case koios::ProcessExitReason::Fault: return "fault";
    default: return "running";
  }
}

// Starts mountsrv (the file service: the boot filesystem at /, a tmpfs at /tmp) in `job`, with the
// server end of a new directory channel and the boot filesystem. init keeps the client end as its
// own directory channel (koios::mount_channel()); each program it starts gets a Clone of it as
// StartupServer::Mount. Returns mountsrv's process.
koios::Result<OwnedHandle> start_mountsrv(Handle job, const koios::Bootfs& bootfs) {
  auto dir = TRY(koios::make_channel());
  Handle vmo = koios::kInvalidHandle;
  TRY(koios::handle_duplicate(bootfs.vmo(), koios::Rights::SameRights, &vmo));
  koios::SpawnHandle extra[] = {
      {dir.second.release(), koios::StartupHandleKind::Server, static_cast<koios::u32>(koios::StartupServer::Mount)},
      {vmo, koios::StartupHandleKind::BootfsVmo, 0},
  };
  const char* argv[] = {"mountsrv", nullptr};
  auto process = TRY(koios::spawn(job, bootfs, "mountsrv", argv, nullptr, extra, 2));
  koios::set_mount_channel(dir.first.release());
  return process;
}

// Runs one test program to its end in a job of its own under `parent`; true when it exited 0.
bool run_test(const char* name, const char* mode, Handle parent, const koios::Bootfs& bootfs, Handle info_resource) {
  Handle raw = koios::kInvalidHandle;
  if (Status s = koios::job_create(parent, 0, &raw); s != Status::Ok) {
    std::printf("init: %s FAIL (job_create: %s)\n", name, koios::status_name(s));
    return false;
  }
  OwnedHandle job(raw);
  Handle job_for_child = koios::kInvalidHandle, fs_for_child = koios::kInvalidHandle,
         info_for_child = koios::kInvalidHandle;
  (void)koios::handle_duplicate(job.get(), koios::Rights::SameRights, &job_for_child);
  (void)koios::handle_duplicate(bootfs.vmo(), koios::Rights::SameRights, &fs_for_child);
  (void)koios::handle_duplicate(info_resource, koios::Rights::SameRights, &info_for_child);
  koios::SpawnHandle extra[] = {
      {job_for_child, koios::StartupHandleKind::Job, 0},
      {fs_for_child, koios::StartupHandleKind::BootfsVmo, 0},
      {info_for_child, koios::StartupHandleKind::Resource, static_cast<koios::u32>(koios::ResourceKind::Info)},
      {koios::kInvalidHandle, koios::StartupHandleKind::Server, static_cast<koios::u32>(koios::StartupServer::Mount)},
  };
  // Its own directory channel to mountsrv, when mountsrv runs.
  auto mount = koios::mount_clone();
  koios::u32 extra_count = 3;
  if (mount.ok()) extra[extra_count++].handle = mount.value().release();
  const char* argv[] = {name, mode, nullptr};
  auto process = koios::spawn(job.get(), bootfs, name, argv, nullptr, extra, extra_count);
  if (!process.ok()) {
    std::printf("init: %s FAIL (spawn: %s)\n", name, koios::status_name(process.status()));
    return false;
  }
  auto info = koios::wait_process(process.value().get(), now_ns() + kTestTimeoutNs);
  if (!info.ok()) {
    // Timed out (or the wait failed): kill its whole job, so nothing of it runs on.
    (void)koios::task_kill(job.get());
    std::printf("init: %s FAIL (wait: %s; killed)\n", name, koios::status_name(info.status()));
    return false;
  }
  const koios::InfoProcess& p = info.value();
  (void)koios::task_kill(job.get());  // anything it left running
  if (p.exit_reason == koios::ProcessExitReason::Exited && p.return_code == 0) {
    std::printf("init: %s ok\n", name);
    return true;
  }
  std::printf("init: %s FAIL (%s, code %ld, cause %lu)\n", name, reason_text(p.exit_reason),
              static_cast<long>(p.return_code), static_cast<unsigned long>(p.fault_cause));
  return false;
}

}  // namespace

int main(int, char**, char**) {
  Handle root_job = koios::startup_handle(koios::StartupHandleKind::Job);
  Handle root_resource =
      koios::startup_handle(koios::StartupHandleKind::Resource, static_cast<koios::u32>(koios::ResourceKind::Root));
  Handle bootfs_vmo = koios::startup_handle(koios::StartupHandleKind::BootfsVmo);
  if (root_job == koios::kInvalidHandle || root_resource == koios::kInvalidHandle ||
      bootfs_vmo == koios::kInvalidHandle) {
    std::printf("init: missing start-up handles (job, root resource, boot filesystem)\n");
    return 1;
  }
  auto bootfs = koios::Bootfs::open(bootfs_vmo);
  if (!bootfs.ok()) {
    std::printf("init: the boot filesystem vmo is unreadable: %s\n", koios::status_name(bootfs.status()));
    return 1;
  }
  Handle info_resource = koios::kInvalidHandle;
  if (Status s = koios::resource_create(root_resource, koios::ResourceKind::Info, 0, &info_resource); s != Status::Ok) {
    std::printf("init: resource_create(info): %s\n", koios::status_name(s));
    return 1;
  }
  // The kernel passes init.tests=full from its command line: the long checks too.
  const char* tests = std::getenv("init.tests");
  const char* mode = tests != nullptr && std::strcmp(tests, "full") == 0 ? "full" : "quick";
  std::printf("init: started; %u programs in the boot filesystem; %s tests\n", bootfs.value().count(), mode);

  auto mountsrv = start_mountsrv(root_job, bootfs.value());
  if (!mountsrv.ok()) std::printf("init: mountsrv did not start: %s\n", koios::status_name(mountsrv.status()));

  unsigned passed = 0, failed = 0;
  for (const char* name : kTests) {
    if (run_test(name, mode, root_job, bootfs.value(), info_resource)) ++passed;
    else ++failed;
  }
  std::printf("init: user tests: %u passed, %u failed\n", passed, failed);

  // Start-up is done: the kernel waits for any message on the bootstrap channel.
  koios::MessageHeader done{0, 1};
  (void)koios::channel_write(koios::bootstrap_channel(), 0, &done, sizeof done, nullptr, 0);
  // init never ends: it holds the root job and resource (the servers and the shell come here).
  for (;;) (void)koios::clock_nanosleep(koios::kDeadlineInfinite);
}
