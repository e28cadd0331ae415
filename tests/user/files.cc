// tests/user/files.cc: files through the C calls only (open, read, write, lseek, fstat, stat,
// opendir/readdir, mkdir, unlink, rmdir, rename, close, pipe, dup, dup2), over the runtime's fd table
// and mountsrv. Run by init, which gives it a directory channel (StartupServer::Mount), a job and
// the boot filesystem. Prints `files: CHECK PASS|FAIL` per check and exits with the failure count.
// The errno checks are those issue 6 lists for files, compared with <errno.h>'s names.
//
// As `files child-write FD TEXT` it writes TEXT to FD and exits (the child of child_writes_fd); as
// `files child-print TEXT` it printf()s TEXT (the child of child_stdout_is_pipe).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fd.h"
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"

namespace {

int g_passed = 0, g_failures = 0;

void check(const char* name, bool ok) {
  std::printf("files: %s %s\n", name, ok ? "PASS" : "FAIL");
  ++(ok ? g_passed : g_failures);
}

// The call failed with exactly this errno.
bool fails_with(int result, int e) { return result == -1 && errno == e; }

bool write_str(int fd, const char* s) { return write(fd, s, std::strlen(s)) == ssize_t(std::strlen(s)); }

// The whole content of `path` into buf (NUL-terminated); the byte count or -1.
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

void basics() {
  int fd = open("/tmp/a", O_CREAT | O_RDWR | O_TRUNC, 0644);
  char buf[64] = {};
  check("open_write_read_back", fd >= 3 && write_str(fd, "hello") && lseek(fd, 0, SEEK_SET) == 0 &&
                                    read(fd, buf, sizeof buf) == 5 && std::memcmp(buf, "hello", 5) == 0);
  check("read_at_end_is_0", read(fd, buf, sizeof buf) == 0);
  check("lseek_end", lseek(fd, 0, SEEK_END) == 5 && lseek(fd, -2, SEEK_CUR) == 3);
  struct stat st{};
  check("fstat_regular_size", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
  check("close", close(fd) == 0 && fails_with(close(fd), EBADF));
  st = {};
  check("stat_file", stat("/tmp/a", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
  st = {};
  check("stat_dir", stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode));

  // A program in the boot filesystem, read-only at /.
  fd = open("/hello", O_RDONLY);
  check("read_boot_image", fd >= 0 && read(fd, buf, 4) == 4 && std::memcmp(buf, "\x7f" "ELF", 4) == 0);
  close(fd);

  // Larger than one protocol transfer (4 KiB): read and write go in pieces.
  static char big[10000], back[10001];
  for (unsigned i = 0; i < sizeof big; ++i) big[i] = char('a' + i % 26);
  fd = open("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0600);
  bool ok = fd >= 0 && write(fd, big, sizeof big) == ssize_t(sizeof big) && lseek(fd, 0, SEEK_SET) == 0 &&
            read(fd, back, sizeof back) == ssize_t(sizeof big) && std::memcmp(big, back, sizeof big) == 0;
  check("read_write_10000_bytes", ok);
  close(fd);
  check("unlink", unlink("/tmp/big") == 0 && fails_with(open("/tmp/big", O_RDONLY), ENOENT));

  // picolibc's fopen stands on open/read/write/close.
  FILE* f = std::fopen("/tmp/f", "w");
  ok = f != nullptr && std::fprintf(f, "n=%d\n", 42) == 5 && std::fclose(f) == 0;
  f = std::fopen("/tmp/f", "r");
  char line[16] = {};
  ok = ok && f != nullptr && std::fgets(line, sizeof line, f) != nullptr && std::strcmp(line, "n=42\n") == 0;
  if (f != nullptr) std::fclose(f);
  check("fopen_fprintf_fgets", ok);
}

void directories() {
  bool ok = mkdir("/tmp/d", 0755) == 0 && make_file("/tmp/d/x", "x") && make_file("/tmp/d/y", "yy");
  DIR* d = opendir("/tmp/d");
  bool saw_x = false, saw_y = false, types_ok = true;
  int entries = 0;
  if (d != nullptr) {
    errno = 0;
    while (struct dirent* e = readdir(d)) {
      ++entries;
      if (std::strcmp(e->d_name, "x") == 0) saw_x = true, types_ok &= e->d_type == DT_REG;
      if (std::strcmp(e->d_name, "y") == 0) saw_y = true, types_ok &= e->d_type == DT_REG;
      if (std::strcmp(e->d_name, ".") == 0) types_ok &= e->d_type == DT_DIR;
    }
    ok = ok && errno == 0;
    rewinddir(d);
    int again = 0;
    while (readdir(d) != nullptr) ++again;
    ok = ok && again == entries;
    ok = closedir(d) == 0 && ok;
  }
  check("mkdir_opendir_readdir", ok && d != nullptr && saw_x && saw_y && types_ok);

  // The root lists the boot filesystem's programs and the /tmp mount point.
  d = opendir("/");
  bool saw_tmp = false, saw_files = false;
  while (struct dirent* e = d ? readdir(d) : nullptr) {
    if (std::strcmp(e->d_name, "tmp") == 0) saw_tmp = true;
    if (std::strcmp(e->d_name, "files") == 0) saw_files = true;
  }
  if (d != nullptr) closedir(d);
  check("readdir_root", saw_tmp && saw_files);

  struct stat st{};
  check("rename", rename("/tmp/d/x", "/tmp/d/z") == 0 && fails_with(stat("/tmp/d/x", &st), ENOENT) &&
                      stat("/tmp/d/z", &st) == 0 && st.st_size == 1);
  char buf[8];
  check("rename_replaces", rename("/tmp/d/z", "/tmp/d/y") == 0 && slurp("/tmp/d/y", buf, sizeof buf) == 1 &&
                               buf[0] == 'x');
}

void errnos() {
  check("ENOENT_open", fails_with(open("/tmp/nothing", O_RDONLY), ENOENT));
  check("ENOENT_stat", [] { struct stat st; return fails_with(stat("/tmp/no/such", &st), ENOENT); }());
  check("ENOENT_unlink", fails_with(unlink("/tmp/nothing"), ENOENT));
  check("ENOTDIR_open", fails_with(open("/tmp/a/x", O_RDONLY), ENOTDIR));
  check("ENOTDIR_opendir", opendir("/tmp/a") == nullptr && errno == ENOTDIR);
  check("ENOTDIR_rmdir", fails_with(rmdir("/tmp/a"), ENOTDIR));
  check("EISDIR_open_write", fails_with(open("/tmp/d", O_WRONLY), EISDIR));
  check("EISDIR_unlink", fails_with(unlink("/tmp/d"), EISDIR));
  check("EEXIST_mkdir", fails_with(mkdir("/tmp/d", 0755), EEXIST));
  check("EEXIST_open_excl", fails_with(open("/tmp/a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST));
  check("ENOTEMPTY_rmdir", fails_with(rmdir("/tmp/d"), ENOTEMPTY));
  check("rmdir_emptied", unlink("/tmp/d/y") == 0 && rmdir("/tmp/d") == 0 &&
                             [] { struct stat st; return fails_with(stat("/tmp/d", &st), ENOENT); }());
  static char name[300];
  std::memset(name, 'n', sizeof name - 1);
  std::memcpy(name, "/tmp/", 5);
  check("ENAMETOOLONG_component", fails_with(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG));
  static char path[5000];
  for (unsigned i = 0; i + 1 < sizeof path; i += 2) path[i] = '/', path[i + 1] = '.';
  check("ENAMETOOLONG_path", fails_with(open(path, O_RDONLY), ENAMETOOLONG));
  check("EROFS_create", fails_with(open("/new", O_CREAT | O_WRONLY, 0644), EROFS));
  check("EROFS_mkdir", fails_with(mkdir("/newdir", 0755), EROFS));
  check("EROFS_write_open", fails_with(open("/hello", O_WRONLY), EROFS));
  char c;
  check("EBADF", fails_with(int(read(42, &c, 1)), EBADF) && fails_with(int(write(-1, "x", 1)), EBADF) &&
                     fails_with(close(63), EBADF) && fails_with(int(lseek(1000, 0, SEEK_SET)), EBADF) &&
                     fails_with(dup(17), EBADF) && fails_with(dup2(0, koios::kMaxFds), EBADF));
  int fds[2] = {-1, -1};
  check("ESPIPE_pipe", pipe(fds) == 0 && fails_with(int(lseek(fds[0], 0, SEEK_SET)), ESPIPE));
  close(fds[0]);
  close(fds[1]);
  int fd = open("/tmp/a", O_RDONLY);
  check("ENOTTY_file", isatty(fd) == 0 && errno == ENOTTY);
  close(fd);
}

void pipes_and_dups() {
  int fds[2] = {-1, -1};
  char buf[16] = {};
  bool ok = pipe(fds) == 0 && write_str(fds[1], "ping") && read(fds[0], buf, sizeof buf) == 4 &&
            std::memcmp(buf, "ping", 4) == 0;
  ok = ok && close(fds[1]) == 0 && read(fds[0], buf, sizeof buf) == 0;   // the writer is gone: end of file
  close(fds[0]);
  check("pipe_write_read_eof", ok);

  // dup shares the open file's offset, as Linux's open file description does.
  int fd = open("/tmp/a", O_RDONLY);
  int copy = dup(fd);
  ok = fd >= 0 && copy > fd && read(fd, buf, 2) == 2 && lseek(copy, 0, SEEK_CUR) == 2;
  check("dup_shares_offset", ok);
  close(copy);
  check("closed_dup_leaves_original", read(fd, buf, 3) == 3 && std::memcmp(buf, "llo", 3) == 0);
  close(fd);

  // dup2 onto stdout: printf goes to the file, in order with write(1, ...).
  fd = open("/tmp/out", O_CREAT | O_RDWR | O_TRUNC, 0644);
  int saved = dup(1);
  ok = fd >= 0 && saved >= 0 && dup2(fd, 1) == 1;
  if (ok) {
    std::printf("two ");
    (void)write(1, "three ", 6);
    std::printf("four\n");
    std::fflush(stdout);
    dup2(saved, 1);
  }
  close(saved);
  char out[32] = {};
  check("dup2_stdout_to_file", ok && slurp("/tmp/out", out, sizeof out) == 15 &&
                                   std::strcmp(out, "two three four\n") == 0);
  close(fd);
}

koios::Handle g_job = koios::kInvalidHandle;
koios::Bootfs* g_bootfs = nullptr;

// Runs this program as a child with `map`'s fds; true when it exited 0.
bool run_child(const char* const* argv, const koios::FdMapping* map, koios::u32 count) {
  koios::SpawnHandle extra[8];
  auto n = koios::child_fds(map, count, extra, 8);
  if (!n.ok()) return false;
  auto p = koios::spawn(g_job, *g_bootfs, "files", argv, nullptr, extra, n.value());
  if (!p.ok()) return false;
  auto info = koios::wait_process(p.value().get(), koios::kDeadlineInfinite);
  return info.ok() && info.value().exit_reason == koios::ProcessExitReason::Exited && info.value().return_code == 0;
}

void children() {
  // A file handed to a child: it writes at the shared offset, after what the parent wrote.
  int fd = open("/tmp/shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
  const char* argv[] = {"files", "child-write", "3", "child;", nullptr};
  koios::FdMapping map[] = {{fd, 3}};
  char buf[32] = {};
  bool ok = fd >= 0 && write_str(fd, "parent;") && run_child(argv, map, 1) && lseek(fd, 0, SEEK_CUR) == 13 &&
            slurp("/tmp/shared", buf, sizeof buf) == 13 && std::strcmp(buf, "parent;child;") == 0;
  check("child_writes_fd", ok);
  close(fd);

  // A pipe as a child's stdout: its printf comes out of the read end.
  int fds[2] = {-1, -1};
  ok = pipe(fds) == 0;
  const char* argv2[] = {"files", "child-print", "hi from a child", nullptr};
  koios::FdMapping map2[] = {{fds[1], 1}};
  ok = ok && run_child(argv2, map2, 1);
  close(fds[1]);   // the child's copy is gone with it: now the pipe ends after its bytes
  long got = 0, n = 0;
  while (ok && (n = read(fds[0], buf + got, sizeof buf - 1 - size_t(got))) > 0) got += n;
  buf[got] = 0;
  close(fds[0]);
  check("child_stdout_is_pipe", ok && n == 0 && std::strcmp(buf, "hi from a child\n") == 0);
}

int child(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "child-write") == 0) return write_str(std::atoi(argv[2]), argv[3]) ? 0 : 1;
  if (argc == 3 && std::strcmp(argv[1], "child-print") == 0) return std::printf("%s\n", argv[2]) > 0 ? 0 : 1;
  return 2;
}

}  // namespace

int main(int argc, char** argv, char**) {
  if (argc >= 2 && std::strncmp(argv[1], "child-", 6) == 0) return child(argc, argv);
  g_job = koios::startup_handle(koios::StartupHandleKind::Job);
  auto bootfs = koios::Bootfs::open(koios::startup_handle(koios::StartupHandleKind::BootfsVmo));
  check("has_directory_channel", koios::mount_channel() != koios::kInvalidHandle);
  if (koios::mount_channel() == koios::kInvalidHandle) return 1;
  basics();
  directories();
  errnos();
  pipes_and_dups();
  if (bootfs.ok() && g_job != koios::kInvalidHandle) {
    g_bootfs = &bootfs.value();
    children();
  } else {
    check("child_handles", false);
  }
  // The heap grows past the 128 KiB a program without its root vmar would have (heap.cc).
  auto* big = static_cast<unsigned char*>(std::malloc(4u << 20));
  bool heap_ok = big != nullptr;
  for (std::size_t i = 0; heap_ok && i < (4u << 20); i += 4096) big[i] = static_cast<unsigned char>(i >> 12);
  for (std::size_t i = 0; heap_ok && i < (4u << 20); i += 4096) heap_ok = big[i] == static_cast<unsigned char>(i >> 12);
  std::free(big);
  check("malloc_4MiB", heap_ok);
  (void)unlink("/tmp/a");
  (void)unlink("/tmp/f");
  (void)unlink("/tmp/out");
  (void)unlink("/tmp/shared");
  std::printf("files: %d passed, %d failed\n", g_passed, g_failures);
  return g_failures;
}
