// servers/init/main.cc: the first user process. The kernel starts it from the boot filesystem with
// the root job, the root resource and the boot filesystem vmo (kernel/user_program.cc start_init).
// It starts pidsrv first (and is pid 1 of the root pid namespace), then mountsrv (the file
// service; every program it runs gets a directory channel), then, when asked (init.tests=...),
// runs the user-space test suite through pidsrv: one `init: NAME ok` or `init: NAME FAIL (...)`
// line per program and a summary; then it starts the console shell (unless init.shell=0), tells
// the kernel on its bootstrap channel that start-up is done (with init.shell=0 the kernel's monitor
// takes the console from there) and stays alive, holding the root capabilities and watching
// pidsrv and mountsrv.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fd.h"
#include "koios/resource.h"
#include "linux_signal.h"
#include "process.h"
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
// pidsrv's suite (many processes, namespaces and signals: about a second under TCG) runs only when
// asked, with init.tests=pid or init.tests=full, to keep the default boot within its budget.
constexpr const char* kPidTests = "pid_tests";
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
// server end of a new directory channel and the boot filesystem, and has pidsrv adopt it. init keeps the client end as its
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
  // process_create + spawn_into rather than spawn: pidsrv's Adopt wants the main thread too.
  Handle raw_process = koios::kInvalidHandle, raw_vmar = koios::kInvalidHandle;
  // A large handle table: mountsrv holds a channel for each open file of every program.
  if (Status s = koios::process_create(job, "mountsrv", 8, koios::kProcessLargeHandleTable, &raw_process, &raw_vmar);
      s != Status::Ok) {
    for (koios::SpawnHandle& e : extra) (void)koios::handle_close(e.handle);
    return s;
  }
  OwnedHandle process(raw_process);
  auto thread = TRY(koios::spawn_into(process.get(), raw_vmar, bootfs, "mountsrv", argv, nullptr, extra, 2));
  koios::set_mount_channel(dir.first.release());
  // A pid under init, so that ps shows it (servers/proto/pid.h's Adopt); it runs without one otherwise.
  Handle p = koios::kInvalidHandle;
  if (koios::handle_duplicate(process.get(), koios::Rights::SameRights, &p) == Status::Ok) {
    int pid = 0;
    if (int e = koios::pid_adopt(p, thread.release(), "mountsrv", &pid); e != 0)
      std::printf("init: mountsrv has no pid: errno %d\n", e);
  }
  return process;
}

// Runs one test program to its end through pidsrv, with a job of its own under `parent` for its
// own children (the kernel-level tests spawn with koios::spawn); true when it exited 0.
bool run_test(const char* name, const char* mode, Handle parent, const koios::Bootfs& bootfs, Handle info_resource) {
  Handle raw = koios::kInvalidHandle;
  if (Status s = koios::job_create(parent, 0, &raw); s != Status::Ok) {
    std::printf("init: %s FAIL (job_create: %s)\n", name, koios::status_name(s));
    return false;
  }
  OwnedHandle job(raw);
  koios::SpawnOptions options;
  (void)koios::handle_duplicate(job.get(), koios::Rights::SameRights, &options.extra_handles[0]);
  (void)koios::handle_duplicate(bootfs.vmo(), koios::Rights::SameRights, &options.extra_handles[1]);
  (void)koios::handle_duplicate(info_resource, koios::Rights::SameRights, &options.extra_handles[2]);
  options.extra[0] = {koios::u32(koios::StartupHandleKind::Job), 0};
  options.extra[1] = {koios::u32(koios::StartupHandleKind::BootfsVmo), 0};
  options.extra[2] = {koios::u32(koios::StartupHandleKind::Resource), koios::u32(koios::ResourceKind::Info)};
  options.extra_count = 3;
  // Its own directory channel to mountsrv, when mountsrv runs.
  auto mount = koios::mount_clone();
  if (mount.ok()) {
    options.extra_handles[3] = mount.value().release();
    options.extra[3] = {koios::u32(koios::StartupHandleKind::Server), koios::u32(koios::StartupServer::Mount)};
    options.extra_count = 4;
  }
  const char* argv[] = {name, mode, nullptr};
  int pid = 0;
  if (int e = koios::pid_spawn(name, argv, nullptr, options, &pid); e != 0) {
    std::printf("init: %s FAIL (spawn: errno %d)\n", name, e);
    return false;
  }
  // waitpid with a deadline: the request by hand, so that a hung test cannot hang the boot.
  proto::pid::WaitRequest w{};
  w.idtype = proto::pid::IdType::Pid;
  w.id = pid;
  w.options = proto::pid::kWExited;
  proto::pid::WaitReply reply{};
  Status s = Status::Interrupted;
  while (s == Status::Interrupted)
    s = koios::call(koios::pid_channel(), koios::u32(proto::pid::Op::Wait), w, &reply, now_ns() + kTestTimeoutNs);
  (void)koios::task_kill(job.get());  // anything it left running
  if (s != Status::Ok || reply.error != ns::Errno::Ok) {
    // Timed out (or pidsrv is gone): kill it; its late reply is read and dropped.
    (void)kill(pid, SIGKILL);
    koios::Signals seen{};
    if (koios::object_wait_one(koios::pid_channel(), koios::Signals::Readable, now_ns() + 5'000'000'000, &seen) ==
        Status::Ok) {
      koios::MessageSizes sizes{};
      (void)koios::channel_read(koios::pid_channel(), 0, &reply, nullptr, sizeof reply, 0, &sizes);
    }
    std::printf("init: %s FAIL (wait: %s; killed)\n", name, koios::status_name(s != Status::Ok ? s : Status::Internal));
    return false;
  }
  int status = reply.status;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::printf("init: %s ok\n", name);
    return true;
  }
  if (WIFEXITED(status)) std::printf("init: %s FAIL (exited, code %d)\n", name, WEXITSTATUS(status));
  else std::printf("init: %s FAIL (killed by signal %d)\n", name, WTERMSIG(status));
  return false;
}

// Starts the console shell (servers/shell) through pidsrv with a console and a power resource
// derived from `root_resource`, a Clone of init's directory channel, and an event (User, arg
// kShellConsoleTaken) it signals once it has taken console input from the kernel's monitor (its
// first console_read). Waits for that signal (so that no byte typed for the shell reaches the
// monitor, which starts when init's start-up is done) and answers the shell's pid, or 0.
constexpr koios::u32 kShellConsoleTaken = 1;   // servers/shell/main.cc agrees
int start_shell(Handle root_resource) {
  koios::SpawnOptions options;
  Handle taken = koios::kInvalidHandle;
  if (Status s = koios::event_create(0, &taken); s != Status::Ok) {
    std::printf("init: event_create: %s\n", koios::status_name(s));
    return 0;
  }
  OwnedHandle event(taken);
  const koios::ResourceKind kinds[] = {koios::ResourceKind::Console, koios::ResourceKind::Power};
  for (koios::ResourceKind kind : kinds) {
    Handle& h = options.extra_handles[options.extra_count];
    if (Status s = koios::resource_create(root_resource, kind, 0, &h); s != Status::Ok) {
      std::printf("init: resource_create: %s\n", koios::status_name(s));
      for (koios::u32 i = 0; i < options.extra_count; ++i) (void)koios::handle_close(options.extra_handles[i]);
      return 0;
    }
    options.extra[options.extra_count++] = {koios::u32(koios::StartupHandleKind::Resource), koios::u32(kind)};
  }
  (void)koios::handle_duplicate(event.get(), koios::Rights::SameRights, &options.extra_handles[options.extra_count]);
  options.extra[options.extra_count++] = {koios::u32(koios::StartupHandleKind::User), kShellConsoleTaken};
  auto mount = koios::mount_clone();
  if (mount.ok()) {
    options.extra_handles[options.extra_count] = mount.value().release();
    options.extra[options.extra_count++] = {koios::u32(koios::StartupHandleKind::Server),
                                            koios::u32(koios::StartupServer::Mount)};
  }
  const char* argv[] = {"sh", nullptr};
  int pid = 0;
  if (int e = koios::pid_spawn("sh", argv, nullptr, options, &pid); e != 0) {
    std::printf("init: cannot start sh: errno %d\n", e);
    return 0;
  }
  // A deadline loop (QEMU's icount needs an armed timer), bounded: a shell that never reads the
  // console must not keep the monitor away for good.
  koios::i64 give_up = now_ns() + 60'000'000'000;
  koios::Signals seen{};
  while (now_ns() < give_up) {
    Status s = koios::object_wait_one(event.get(), koios::Signals::Signaled, now_ns() + 10'000'000, &seen);
    if (s == Status::Ok) break;
  }
  return pid;
}

// Waits for the shell: it powers the system off at the end of its input, so this returns only
// when it ended otherwise.
void wait_shell(int pid) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) std::printf("init: waitpid(sh): errno %d\n", errno);
  else if (WIFEXITED(status)) std::printf("init: sh exited with status %d\n", WEXITSTATUS(status));
  else std::printf("init: sh killed by signal %d\n", WTERMSIG(status));
}

// The servers' ends, whenever they come: each logged and shown, never silently restarted.
void report_server_deaths(Handle pidsrv, Handle mountsrv) {
  struct Server {
    const char* name;
    Handle process;
    bool reported;
  } servers[] = {{"pidsrv", pidsrv, false}, {"mountsrv", mountsrv, mountsrv == koios::kInvalidHandle}};
  for (;;) {
    koios::WaitItem items[2];
    koios::u32 count = 0;
    Server* watched[2];
    for (Server& s : servers) {
      if (s.reported) continue;
      items[count] = {s.process, koios::Signals::Terminated, koios::Signals::None};
      watched[count++] = &s;
    }
    if (count == 0) return;
    if (koios::object_wait_many(items, count, koios::kDeadlineInfinite) != koios::Status::Ok) return;
    for (koios::u32 i = 0; i < count; ++i) {
      if ((items[i].pending & koios::Signals::Terminated) == koios::Signals::None) continue;
      watched[i]->reported = true;
      auto info = koios::wait_process(watched[i]->process, koios::kDeadlineNow);
      if (!info.ok()) continue;
      std::printf("init: %s died (%s, code %ld, cause %lu); not restarted\n", watched[i]->name,
                  reason_text(info.value().exit_reason), static_cast<long>(info.value().return_code),
                  static_cast<unsigned long>(info.value().fault_cause));
    }
  }
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
  // The kernel passes init.tests and init.shell from its command line. init.tests=quick runs the
  // user-space suite before the shell, =pid adds pidsrv's suite, =full adds the long checks too;
  // without it a boot goes straight to the shell. init.shell=0 leaves the console to the kernel's
  // monitor instead of starting the shell.
  const char* tests = std::getenv("init.tests");
  bool run_tests = tests != nullptr && std::strcmp(tests, "none") != 0;
  const char* mode = tests != nullptr && std::strcmp(tests, "full") == 0 ? "full" : "quick";
  bool pid_tests = tests != nullptr && (std::strcmp(tests, "full") == 0 || std::strcmp(tests, "pid") == 0);
  std::printf("init: started; %u programs in the boot filesystem; %s tests\n", bootfs.value().count(),
              run_tests ? mode : "no");

  // pidsrv first: init becomes pid 1 of the root pid namespace, and every program after it is
  // started through pidsrv.
  // The large handle table (thousands of processes), unless init.pidsrv_table=small: the review
  // suite fills the default one to prove pidsrv's reserve (tests/qemu/scenarios/shell_review.scn).
  const char* table = std::getenv("init.pidsrv_table");
  koios::u32 pidsrv_options =
      table != nullptr && std::strcmp(table, "small") == 0 ? 0 : koios::kProcessLargeHandleTable;
  auto pidsrv = koios::start_pidsrv(root_job, bootfs.value(), koios::kernel_given_self(), info_resource, pidsrv_options);
  if (!pidsrv.ok()) {
    std::printf("init: cannot start pidsrv: %s\n", koios::status_name(pidsrv.status()));
    return 1;
  }
  std::printf("init: pidsrv started; init is pid %d\n", getpid());
  auto mountsrv = start_mountsrv(root_job, bootfs.value());
  if (!mountsrv.ok()) std::printf("init: mountsrv did not start: %s\n", koios::status_name(mountsrv.status()));

  if (run_tests) {
    unsigned passed = 0, failed = 0;
    for (const char* name : kTests) {
      if (run_test(name, mode, root_job, bootfs.value(), info_resource)) ++passed;
      else ++failed;
    }
    if (pid_tests) {
      if (run_test(kPidTests, mode, root_job, bootfs.value(), info_resource)) ++passed;
      else ++failed;
    }
    std::printf("init: user tests: %u passed, %u failed\n", passed, failed);
  }

  // The console shell, started before the message below so that it has taken console input from
  // the kernel's monitor (which starts on that message) first.
  const char* shell = std::getenv("init.shell");
  bool want_shell = shell == nullptr || std::strcmp(shell, "0") != 0;
  int shell_pid = want_shell ? start_shell(root_resource) : 0;
  // Start-up is done: the kernel waits for any message on the bootstrap channel.
  koios::MessageHeader done{0, 1};
  (void)koios::channel_write(koios::bootstrap_channel(), 0, &done, sizeof done, nullptr, 0);
  if (shell_pid != 0) wait_shell(shell_pid);
  // init never ends: it holds the root job and resource (the servers and the shell come here).
  report_server_deaths(pidsrv.value().get(), mountsrv.ok() ? mountsrv.value().get() : koios::kInvalidHandle);
  for (;;) (void)koios::clock_nanosleep(koios::kDeadlineInfinite);
}
