// tests/user/open_read_close_4k.cc: the benchmark of a small file read through the C calls: open a
// 4 KiB file on /tmp (written once beforehand), read(fd, buf, 4096), close. Each iteration is three
// channel calls to mountsrv (Open, Read; close is a handle_close, and mountsrv drops the file when
// it sees the channel's peer closed). Started by the kernel as `mountsrv=open_read_close_4k`
// (kernel/mountsrv_boot.cc starts mountsrv and gives this program its directory channel);
// scripts/bench boots it that way. Prints `BENCH open_read_close_4k N ns`.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "syscalls.h"
#include "user_lib.h"

namespace {
constexpr int kWarmup = 20;
constexpr int kIterations = 500;
constexpr const char* kPath = "/tmp/bench_4k";
char g_buf[4096];

bool one() {
  int fd = open(kPath, O_RDONLY);
  if (fd < 0) return false;
  bool ok = read(fd, g_buf, sizeof g_buf) == ssize_t(sizeof g_buf);
  return close(fd) == 0 && ok;
}
}  // namespace

int main(int, char**, char**) {
  std::memset(g_buf, 'k', sizeof g_buf);
  int fd = open(kPath, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || write(fd, g_buf, sizeof g_buf) != ssize_t(sizeof g_buf) || close(fd) != 0) return 1;
  for (int i = 0; i < kWarmup; ++i)
    if (!one()) return 2;
  koios::i64 t0 = 0, t1 = 0;
  (void)koios::clock_get(0, &t0);
  for (int i = 0; i < kIterations; ++i)
    if (!one()) return 3;
  (void)koios::clock_get(0, &t1);
  user::report_bench("open_read_close_4k", kIterations, t1 - t0);
  return 0;
}
