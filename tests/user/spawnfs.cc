// tests/user/spawnfs.cc: the working directory (chdir, getcwd, relative paths in every path call,
// children starting in their parent's), fds above 2 for children (posix_spawn's inheritance and
// file actions, pidsrv's refusal of a handle that is no fd) and the fd table under two threads, all
// through the C calls. The shell runs it (tests/qemu/scenarios/shell_spawnfs.scn) through pidsrv,
// with stdio, a directory channel and its working directory. Prints `spawnfs: CHECK PASS|FAIL` per
// check, then the counts, and exits with the failure count.
//
// As `spawnfs child-cwd` it prints its working directory and writes "rel" to the relative file
// `out`; as `spawnfs child-write FD TEXT` it writes TEXT to FD (exit 1 when that fails).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fd.h"
#include "linux_signal.h"
#include "process.h"
#include "syscalls.h"
#include "thread.h"

namespace {

int g_passed = 0, g_failures = 0;

void check(const char* name, bool ok) {
  std::printf("spawnfs: %s %s\n", name, ok ? "PASS" : "FAIL");
  ++(ok ? g_passed : g_failures);
}

bool fails_with(int result, int e) { return result == -1 && errno == e; }

bool write_str(int fd, const char* s) { return write(fd, s, std::strlen(s)) == ssize_t(std::strlen(s)); }

long slurp(const char* path, char* buf, long size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  long n = read(fd, buf, size_t(size - 1));
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  return n;
}

bool make_file(const char* path, const char* text) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) return false;
  bool ok = write_str(fd, text);
  return close(fd) == 0 && ok;
}

bool cwd_is(const char* want) {
  char buf[128];
  return getcwd(buf, sizeof buf) == buf && std::strcmp(buf, want) == 0;
}

// Spawns `spawnfs ARGS...` with the file actions and waits: true when it exited 0.
bool run_child(const char* const* argv, const posix_spawn_file_actions_t* actions, const char* path = "spawnfs") {
  pid_t pid = 0;
  if (posix_spawn(&pid, path, actions, nullptr, const_cast<char* const*>(argv), nullptr) != 0) return false;
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Everything `fd` gives until its end, into buf.
long drain(int fd, char* buf, long size) {
  long got = 0, n = 0;
  while ((n = read(fd, buf + got, size_t(size - 1 - got))) > 0) got += n;
  buf[got] = 0;
  return n < 0 ? -1 : got;
}

// pidsrv's counts once they hold still: it lets go of a reaped child's handles when the child's
// Terminated signal comes in, which may be just after our waitpid returned.
bool stable_stats(proto::pid::StatsReply* out) {
  proto::pid::StatsReply last{};
  int same = 0;
  for (int i = 0; i < 200 && same < 3; ++i) {
    if (koios::pid_request(proto::pid::Op::Stats, proto::pid::Request{}, out) != 0) return false;
    same = i > 0 && out->handles == last.handles && out->entries == last.entries ? same + 1 : 0;
    last = *out;
    usleep(5000);
  }
  return same == 3;
}

void working_directory() {
  (void)mkdir("/tmp/wd", 0755);
  check("chdir_getcwd", chdir("/tmp/wd") == 0 && cwd_is("/tmp/wd"));
  struct stat st;
  check("relative_open", make_file("a", "x") && stat("/tmp/wd/a", &st) == 0 && st.st_size == 1);
  check("dot_dot", chdir("..") == 0 && cwd_is("/tmp") && chdir("wd/./../wd//") == 0 && cwd_is("/tmp/wd"));
  check("relative_path_calls", mkdir("d", 0755) == 0 && rename("a", "d/b") == 0 && stat("/tmp/wd/d/b", &st) == 0 &&
                                   access("d/b", F_OK) == 0 && unlink("./d/b") == 0 && rmdir("d/") == 0 &&
                                   fails_with(stat("d", &st), ENOENT));
  DIR* dir = opendir(".");
  bool seen = false;
  (void)make_file("seen", "");
  for (struct dirent* e = dir ? readdir(dir) : nullptr; e != nullptr; e = readdir(dir)) seen |= std::strcmp(e->d_name, "seen") == 0;
  if (dir) closedir(dir);
  check("opendir_dot", seen);
  check("ENOTDIR_chdir_file", make_file("f", "") && fails_with(chdir("f"), ENOTDIR) && cwd_is("/tmp/wd"));
  check("ENOENT_chdir_missing", fails_with(chdir("missing"), ENOENT) && fails_with(chdir(""), ENOENT) &&
                                    cwd_is("/tmp/wd"));
  static char long_path[4200];
  std::memset(long_path, 'a', sizeof long_path - 1);
  for (koios::usize i = 100; i < sizeof long_path - 1; i += 100) long_path[i] = '/';
  check("ENAMETOOLONG_path", fails_with(stat(long_path, &st), ENAMETOOLONG) &&
                                 fails_with(chdir(long_path), ENAMETOOLONG));
  char small[4];
  check("ERANGE_getcwd", getcwd(small, sizeof small) == nullptr && errno == ERANGE);

  // A child starts here: its getcwd, and its relative open.
  int p[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  bool ok = pipe(p) == 0 && posix_spawn_file_actions_adddup2(&actions, p[1], 1) == 0;
  const char* argv[] = {"spawnfs", "child-cwd", nullptr};
  ok = ok && run_child(argv, &actions);
  close(p[1]);
  char buf[64] = {};
  ok = ok && drain(p[0], buf, sizeof buf) > 0;
  close(p[0]);
  posix_spawn_file_actions_destroy(&actions);
  check("child_inherits_cwd", ok && std::strcmp(buf, "/tmp/wd\n") == 0 && slurp("/tmp/wd/out", buf, sizeof buf) == 3 &&
                                  std::strcmp(buf, "rel") == 0);
  // A program path with a '/' is a file path: relative to the cwd, the boot filesystem at "/".
  const char* argv2[] = {"spawnfs", "child-write", "1", "", nullptr};
  check("spawn_relative_path", chdir("/") == 0 && run_child(argv2, nullptr, "./spawnfs") &&
                                   run_child(argv2, nullptr, "tmp/../spawnfs") && chdir("/tmp/wd") == 0);
}

void child_fds() {
  char buf[64] = {};
  // addopen: the child's fd 3 is a file it did not open.
  posix_spawn_file_actions_t a;
  posix_spawn_file_actions_init(&a);
  const char* argv3[] = {"spawnfs", "child-write", "3", "three", nullptr};
  bool ok = posix_spawn_file_actions_addopen(&a, 3, "fd3", O_WRONLY | O_CREAT | O_TRUNC, 0644) == 0 && run_child(argv3, &a);
  posix_spawn_file_actions_destroy(&a);
  check("addopen_fd3", ok && slurp("/tmp/wd/fd3", buf, sizeof buf) == 5 && std::strcmp(buf, "three") == 0);

  // adddup2 to a high fd, the original closed in the child: the pipe ends when the child does.
  int p[2] = {-1, -1};
  posix_spawn_file_actions_init(&a);
  const char* argv9[] = {"spawnfs", "child-write", "59", "fifty-nine", nullptr};
  ok = pipe(p) == 0 && posix_spawn_file_actions_adddup2(&a, p[1], 59) == 0 &&
       posix_spawn_file_actions_addclose(&a, p[1]) == 0 && posix_spawn_file_actions_addclose(&a, p[0]) == 0 &&
       run_child(argv9, &a);
  close(p[1]);
  ok = ok && drain(p[0], buf, sizeof buf) == 10 && std::strcmp(buf, "fifty-nine") == 0;
  close(p[0]);
  posix_spawn_file_actions_destroy(&a);
  check("adddup2_fd59", ok);

  // Without actions every fd passes on, as on Linux; addclose takes one away.
  int fd = open("inherited", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  char num[8];
  std::snprintf(num, sizeof num, "%d", fd);
  const char* argvi[] = {"spawnfs", "child-write", num, "inh", nullptr};
  check("fds_inherited", fd > 2 && run_child(argvi, nullptr) && slurp("/tmp/wd/inherited", buf, sizeof buf) == 3);
  posix_spawn_file_actions_init(&a);
  check("addclose", posix_spawn_file_actions_addclose(&a, fd) == 0 && !run_child(argvi, &a));
  posix_spawn_file_actions_destroy(&a);
  close(fd);

  posix_spawn_file_actions_init(&a);
  check("EBADF_actions", posix_spawn_file_actions_adddup2(&a, 1, koios::kMaxFds) == EBADF &&
                             posix_spawn_file_actions_addclose(&a, -1) == EBADF &&
                             posix_spawn_file_actions_addopen(&a, 64, "x", O_RDONLY, 0) == EBADF);
  posix_spawn_file_actions_destroy(&a);

  // A handle that is no fd: pidsrv refuses it (EBADF) and keeps nothing.
  proto::pid::StatsReply before{}, after{};
  koios::SpawnOptions o;
  koios::Handle event = koios::kInvalidHandle;
  ok = stable_stats(&before) && koios::event_create(0, &event) == koios::Status::Ok;
  o.fds[5] = event;
  const char* argvt[] = {"true", nullptr};
  int pid = 0;
  ok = ok && koios::pid_spawn("true", argvt, nullptr, o, &pid) == EBADF;
  check("EBADF_event_as_fd", ok && stable_stats(&after) && after.handles == before.handles &&
                                 after.entries == before.entries);
}

// ---- two threads on one fd table ----

constexpr int kRounds = 300;

struct Hammer {
  const char* path;
  int high;        // dup2 target, this thread's own
  int errors = 0;
};

void hammer(void* arg) {
  auto* h = static_cast<Hammer*>(arg);
  for (int i = 0; i < kRounds; ++i) {
    int fd = open(h->path, O_CREAT | O_RDWR, 0644);
    int d = fd < 0 ? -1 : dup(fd);
    int p[2] = {-1, -1};
    if (fd < 0 || d < 0 || dup2(d, h->high) != h->high || pipe(p) != 0) ++h->errors;
    if (close(h->high) != 0 || close(d) != 0 || close(fd) != 0 || close(p[0]) != 0 || close(p[1]) != 0) ++h->errors;
  }
}

void threads() {
  int first = open("/tmp/wd/probe", O_CREAT | O_RDWR, 0644);
  close(first);
  Hammer mine{"/tmp/wd/t0", 62}, theirs{"/tmp/wd/t1", 63};
  auto t = koios::start_thread(hammer, &theirs);
  hammer(&mine);
  bool joined = t.ok() && koios::join_thread(t.value()) == koios::Status::Ok;
  int again = open("/tmp/wd/probe", O_RDWR);
  bool table_ok = again == first && fails_with(close(62), EBADF) && fails_with(close(63), EBADF);
  close(again);
  check("two_threads_open_close_dup", joined && mine.errors == 0 && theirs.errors == 0 && table_ok);
}

int child(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "child-cwd") == 0) {
    char buf[128];
    return getcwd(buf, sizeof buf) != nullptr && std::printf("%s\n", buf) > 0 && make_file("out", "rel") ? 0 : 1;
  }
  if (argc == 4 && std::strcmp(argv[1], "child-write") == 0) return write_str(std::atoi(argv[2]), argv[3]) ? 0 : 1;
  return 2;
}

}  // namespace

int main(int argc, char** argv, char**) {
  if (argc > 1) return child(argc, argv);
  working_directory();
  child_fds();
  threads();
  std::printf("spawnfs: %d passed, %d failed\n", g_passed, g_failures);
  return g_failures;
}
