// tests/user/review.cc: regression checks from the review of pidsrv, the runtime and the shell
// (issues 6 and 7): failure paths that must give back every handle they took. The shell runs it
// (tests/qemu/scenarios/shell_review.scn) with stdio and a directory channel, so posix_spawn and
// execve have fds and a mount Clone to hand on. Prints `review: CHECK PASS|FAIL` per check, then
// the counts, and exits with the failure count.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "koios/object_info.h"
#include "linux_signal.h"
#include "process.h"
#include "runtime.h"
#include "syscalls.h"

namespace {

int g_passed = 0, g_failures = 0;

long handles();

void check(const char* name, bool ok) {
  std::printf("review: %s %s (%ld handles)\n", name, ok ? "PASS" : "FAIL", handles());
  ++(ok ? g_passed : g_failures);
}

koios::Handle g_self = koios::kInvalidHandle;

// Handles in this process's table now.
long handles() {
  koios::InfoProcessHandles info{};
  if (koios::object_get_info(g_self, koios::u32(koios::InfoTopic::ProcessHandles), &info, sizeof info, nullptr,
                             nullptr) != koios::Status::Ok)
    return -1;
  return long(info.handle_count);
}

// A path with a '/' longer than PATH_MAX: resolved before anything is sent (ENAMETOOLONG).
char g_long[5000];

// posix_spawn and execve duplicate every fd and Clone the directory channel before they look at
// the path: a path they refuse must not leave those duplicates behind.
void refused_paths_keep_no_handles() {
  g_long[0] = '/';
  std::memset(g_long + 1, 'a', sizeof g_long - 2);
  g_long[sizeof g_long - 1] = 0;
  char* const argv[] = {const_cast<char*>("true"), nullptr};
  long before = handles();
  bool ok = before > 0;
  for (int i = 0; i < 10 && ok; ++i) {
    pid_t pid = 0;
    ok = posix_spawn(&pid, g_long, nullptr, nullptr, argv, nullptr) == ENAMETOOLONG;
  }
  check("posix_spawn_ENAMETOOLONG_keeps_no_handle", ok && handles() == before);
  before = handles();
  ok = before > 0;
  for (int i = 0; i < 10 && ok; ++i) {
    pid_t pid = 0;
    ok = posix_spawn(&pid, nullptr, nullptr, nullptr, argv, nullptr) == EFAULT;
  }
  check("posix_spawn_EFAULT_keeps_no_handle", ok && handles() == before);
  before = handles();
  ok = before > 0;
  for (int i = 0; i < 10 && ok; ++i) ok = execve(g_long, argv, nullptr) == -1 && errno == ENAMETOOLONG;
  check("execve_ENAMETOOLONG_keeps_no_handle", ok && handles() == before);
  // And a spawn that works still gives back what it took.
  before = handles();
  pid_t pid = 0;
  int status = -1;
  ok = posix_spawn(&pid, "true", nullptr, nullptr, argv, nullptr) == 0 && waitpid(pid, &status, 0) == pid &&
       WIFEXITED(status) && WEXITSTATUS(status) == 0;
  check("posix_spawn_ok_keeps_no_handle", ok && handles() == before);
}

// `review holder`: opens pidfds on init until pidsrv or its own table says no, says so on fd 1,
// then holds them until fd 0 ends (its parent closes the pipe, or exits).
int holder() {
  int n = 0;
  while (n < 64 && pidfd_open(1, 0) >= 0) ++n;
  std::printf("%d\n", n);
  std::fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}

// Clients that hold many pidfds fill pidsrv's own handle table (one handle per token, three per
// process), which is the kernel's default quota, 1,024. Past that pidsrv can no longer receive a
// request that carries handles: a client sending one must get an errno, not lose its channel to
// pidsrv for good.
void pidsrv_full_keeps_clients() {
  constexpr int kHolders = 40;   // 40 x 64 tokens: well past 1,024
  int hold[2], said[2];
  if (pipe(hold) != 0 || pipe(said) != 0) {
    check("pidsrv_full_holders_start", false);
    return;
  }
  pid_t holders[kHolders];
  int started = 0, spawn_error = 0;
  const char* argv[] = {"review", "holder", nullptr};
  for (; started < kHolders; ++started) {
    posix_spawn_file_actions_t a;
    posix_spawn_file_actions_init(&a);
    (void)posix_spawn_file_actions_adddup2(&a, hold[0], 0);
    (void)posix_spawn_file_actions_adddup2(&a, said[1], 1);
    for (int fd : {hold[0], hold[1], said[0], said[1]}) (void)posix_spawn_file_actions_addclose(&a, fd);
    int e = posix_spawn(&holders[started], "review", &a, nullptr, const_cast<char* const*>(argv), nullptr);
    posix_spawn_file_actions_destroy(&a);
    if (e != 0) {
      spawn_error = e;
      break;
    }
    char line[16];
    int got = 0;
    while (got < int(sizeof line) - 1 && read(said[0], line + got, 1) == 1 && line[got] != '\n') ++got;
  }
  std::printf("review: %d holders started (spawn error %d)\n", started, spawn_error);
  check("pidsrv_full_spawn_answers_errno", spawn_error == 0 || spawn_error == EAGAIN || spawn_error == ENOMEM ||
                                               spawn_error == ENFILE);
  check("pidsrv_full_caller_keeps_channel", getpid() > 0);
  close(hold[1]);   // the holders read their end of file and exit
  bool reaped = true;
  for (int i = 0; i < started; ++i) {
    int status = 0;
    reaped = reaped && waitpid(holders[i], &status, 0) == holders[i];
  }
  check("pidsrv_full_holders_reaped", reaped);
  pid_t pid = 0;
  int status = -1;
  char* const targv[] = {const_cast<char*>("true"), nullptr};
  check("pidsrv_full_spawn_works_after", posix_spawn(&pid, "true", nullptr, nullptr, targv, nullptr) == 0 &&
                                             waitpid(pid, &status, 0) == pid && WIFEXITED(status));
  close(hold[0]);
  close(said[0]);
  close(said[1]);
}

// A process holding a pidfd spawns as any other: posix_spawn hands every open fd on (as Linux's
// exec without FD_CLOEXEC), and a pidfd is an fd.
void spawn_with_a_pidfd_open() {
  char* const argv[] = {const_cast<char*>("true"), nullptr};
  pid_t first = 0, second = 0;
  int status = -1;
  bool ok = posix_spawn(&first, "true", nullptr, nullptr, argv, nullptr) == 0;
  int fd = ok ? pidfd_open(first, 0) : -1;
  int e = fd >= 0 ? posix_spawn(&second, "true", nullptr, nullptr, argv, nullptr) : -1;
  if (e != 0) std::printf("review: posix_spawn with a pidfd open: %d\n", e);
  check("posix_spawn_with_pidfd_open", e == 0 && waitpid(second, &status, 0) == second && WIFEXITED(status));
  if (fd >= 0) close(fd);
  if (first > 0) (void)waitpid(first, &status, 0);
}

// A path's trailing '/' reaches the file service, which answers for it as Linux does, after the
// working directory (cwd.h) made the path absolute.
void trailing_slash_means_a_directory() {
  int fd = open("/tmp/review_f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  bool ok = fd >= 0 && close(fd) == 0;
  struct stat st;
  check("stat_file_slash_ENOTDIR", ok && stat("/tmp/review_f/", &st) == -1 && errno == ENOTDIR);
  check("unlink_file_slash_ENOTDIR", ok && unlink("/tmp/review_f/") == -1 && errno == ENOTDIR &&
                                         stat("/tmp/review_f", &st) == 0);
  check("open_create_slash_EISDIR", open("/tmp/review_new/", O_CREAT | O_WRONLY, 0644) == -1 && errno == EISDIR &&
                                        stat("/tmp/review_new", &st) == -1);
  char buf[64];
  check("chdir_slash_getcwd_has_none", chdir("/tmp/") == 0 && getcwd(buf, sizeof buf) == buf &&
                                           std::strcmp(buf, "/tmp") == 0 && chdir("/") == 0);
  (void)unlink("/tmp/review_f");
}

}  // namespace

int main(int argc, char** argv, char**) {
  if (argc > 1 && std::strcmp(argv[1], "holder") == 0) return holder();
  g_self = koios::startup_handle(koios::StartupHandleKind::Process);
  refused_paths_keep_no_handles();
  pidsrv_full_keeps_clients();
  spawn_with_a_pidfd_open();
  trailing_slash_means_a_directory();
  std::printf("review: %d passed, %d failed\n", g_passed, g_failures);
  return g_failures;
}
