// servers/shell/koios_host.h: the Host on Koios, over the runtime (servers/runtime): programs
// are started through pidsrv (pid_spawn) from the boot filesystem, with the shell's fds handed
// over as start-up Fd handles; waitpid/kill go to pidsrv; files, pipes and stat are the runtime's
// fd layer (mountsrv and sockets). The working directory is the runtime's (chdir), so relative
// paths resolve there and children start in it. Owned by main(); lives as long as the shell.
#pragma once

#include "servers/shell/buf.h"
#include "servers/shell/host.h"
#include "cwd.h"
#include "fd.h"
#include "syscalls.h"

namespace shell {

class KoiosHost final : public Host {
 public:
  // `console`: a Console resource, for the shell's own output to console fds (console_write
  // keeps partial lines, which debug_write would end); `power`: a Power resource for poweroff
  // (kInvalidHandle: poweroff fails).
  KoiosHost(koios::Handle console, koios::Handle power) : console_(console), power_(power) {}
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
  bool inherited(int fd) override { return koios::fd_is_open(fd); }
  HostError chdir(const char* path) override;
  HostError poweroff(int status) override;
  // Also looks at the console once the line has run for kBusyNs: a loop of builtins spawns nothing
  // to wait for, and its ^C must still stop it (the interpreter asks at each iteration and list
  // item). Not sooner: a ^C typed after the next line belongs to that line's program.
  bool interrupted() override;
  void background(int job) override;

  // Back at the prompt: forget the last command's ^C.
  void at_prompt() { interrupted_ = false; }
  // A line starts to run (interrupted()'s clock).
  void line_starts();

  // Programs are boot filesystem entries: PATH is this one folder, which stands for the boot
  // filesystem's root (stat("/bin/cat") is stat("/cat"), spawn("/bin/cat") runs entry "cat").
  static constexpr const char* kBin = "/bin";

 private:
  // Waits for `job` while watching the console for ^C (its Interrupt signal): the ^C is read
  // (the input typed ahead of it is dropped, as ISIG flushes) and becomes SIGINT to every
  // foreground program of the command, as a terminal's ISIG does to its foreground group.
  HostError wait_watching_console(int job, int* status);
  // The ^C waiting in the console input: reads up to it, dropping what is ahead of it.
  void take_interrupt();
  struct Child {
    int pid;
    koios::Handle pidfd;   // its exit shows as kPidfdExited (kInvalidHandle: none was given)
    bool background;
  };
  Child* find(int job);
  HostError spawn_once(const SpawnRequest& req, const char* name, int group, int* pid, koios::Handle* pidfd);
  void forget(int job);

  koios::Handle console_;
  koios::Handle power_;
  char resolved_[koios::kPathMax];   // a path made absolute (cwd.h), for the /bin mapping
  Vec<Child> live_;        // programs spawned and not yet waited for
  bool interrupted_ = false;
  koios::i64 line_start_ns_ = 0;
  static constexpr koios::i64 kBusyNs = 300'000'000;
};

}  // namespace shell
