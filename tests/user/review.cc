// tests/user/review.cc: regression checks from the review of pidsrv, the runtime and the shell
// (issues 6 and 7): failure paths that must give back every handle they took. The shell runs it
// (tests/qemu/scenarios/shell_review.scn) with stdio and a directory channel, so posix_spawn and
// execve have fds and a mount Clone to hand on. Prints `review: CHECK PASS|FAIL` per check, then
// the counts, and exits with the failure count.
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

}  // namespace

int main(int, char**, char**) {
  g_self = koios::startup_handle(koios::StartupHandleKind::Process);
  refused_paths_keep_no_handles();
  std::printf("review: %d passed, %d failed\n", g_passed, g_failures);
  return g_failures;
}
