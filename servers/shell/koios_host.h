// servers/shell/koios_host.h: the Host on Koios, as far as Koios goes today: the console for
// stdin/stdout/stderr, and in-memory fds for what a builtin pipeline stage hands the next one.
// FIXME(#7): spawn/wait/kill through pidsrv, open/stat/chdir through the file service, pipes as
// kernel sockets, once those exist; until then every program is "not found" and files cannot be
// opened. Owned by main(); lives as long as the shell.
#pragma once

#include "servers/shell/buf.h"
#include "servers/shell/host.h"
#include "syscalls.h"

namespace shell {

class KoiosHost final : public Host {
 public:
  explicit KoiosHost(koios::Handle console) : console_(console) {}
  HostError spawn(const SpawnRequest& req, int* job) override;
  HostError wait(int job, int* status) override;
  HostError kill(int job, int signal) override;
  int pid() override { return 1; }
  int ppid() override { return 0; }
  HostError open(const char* path, OpenMode mode, int* fd) override;
  HostError close(int fd) override;
  long read(int fd, void* buf, size_t len) override;
  long write(int fd, const void* buf, size_t len) override;
  HostError pipe(int fds[2]) override;
  HostError input_from(const char* data, size_t len, int* fd) override;
  HostError stat(const char* path, FileInfo* info) override;
  HostError chdir(const char* path) override;

 private:
  static constexpr int kFirstMemFd = 10;
  static constexpr int kMemFds = 32;
  struct MemFd {
    bool used = false;
    Str data;
    size_t rpos = 0;
  };
  koios::Handle console_;
  MemFd mem_[kMemFds];
};

}  // namespace shell
