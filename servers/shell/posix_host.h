// servers/shell/posix_host.h: the Host on Linux (host build only): fork/execve, pipes, memfd,
// waitpid. It lets the same interpreter run real programs, so tests can compare it with dash.
// The process using it should ignore SIGPIPE (children get it back at exec).
#pragma once

#include "servers/shell/host.h"

namespace shell {

class PosixHost final : public Host {
 public:
  HostError spawn(const SpawnRequest& req, int* job) override;
  HostError wait(int job, int* status) override;
  bool poll(int job, int* status) override;
  HostError kill(int job, int signal) override;
  int pid() override;
  int ppid() override;
  HostError open(const char* path, OpenMode mode, int* fd) override;
  HostError close(int fd) override;
  long read(int fd, void* buf, size_t len) override;
  long write(int fd, const void* buf, size_t len) override;
  HostError pipe(int fds[2]) override;
  HostError input_from(const char* data, size_t len, int* fd) override;
  HostError stat(const char* path, FileInfo* info) override;
  HostError read_dir(const char* path, void (*each)(void* ctx, const char* name), void* ctx) override;
  HostError chdir(const char* path) override;
};

}  // namespace shell
