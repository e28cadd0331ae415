// servers/runtime/linux_signal.h: the process and signal calls with Linux's numbers. picolibc's
// <signal.h> numbers signals as BSD does (SIGUSR1 30, SIGCHLD 20...) and its sigaction has no
// SA_RESTART; Koios keeps Linux's numbers end to end (pidsrv, servers/proto/pid.h), so a program
// that sends or catches signals includes this header after (or instead of) <signal.h>: it
// redefines the numbers, the sigaction flags, sigprocmask's `how` and the wait macros to Linux's,
// and declares what picolibc lacks (posix_spawn with stdio file actions, unshare, wait, waitid,
// pidfds, setns).
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#undef SIGHUP
#undef SIGINT
#undef SIGQUIT
#undef SIGILL
#undef SIGTRAP
#undef SIGABRT
#undef SIGIOT
#undef SIGBUS
#undef SIGFPE
#undef SIGKILL
#undef SIGUSR1
#undef SIGSEGV
#undef SIGUSR2
#undef SIGPIPE
#undef SIGALRM
#undef SIGTERM
#undef SIGSTKFLT
#undef SIGCHLD
#undef SIGCLD
#undef SIGCONT
#undef SIGSTOP
#undef SIGTSTP
#undef SIGTTIN
#undef SIGTTOU
#undef SIGURG
#undef SIGXCPU
#undef SIGXFSZ
#undef SIGVTALRM
#undef SIGPROF
#undef SIGWINCH
#undef SIGIO
#undef SIGPOLL
#undef SIGPWR
#undef SIGSYS
#undef SIGEMT
#undef SIGLOST
#undef SIGRTMIN
#undef SIGRTMAX
#undef NSIG
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define SIGRTMAX 64
#define NSIG 65

#undef SA_NOCLDSTOP
#undef SA_SIGINFO
#undef SA_ONSTACK
#undef SA_RESTART
#undef SA_NODEFER
#undef SA_RESETHAND
#define SA_NOCLDSTOP 0x1
#define SA_NOCLDWAIT 0x2
#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND ((int)0x80000000u)

#undef SIG_BLOCK
#undef SIG_UNBLOCK
#undef SIG_SETMASK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#undef WNOHANG
#undef WUNTRACED
#undef WIFEXITED
#undef WIFSIGNALED
#undef WIFSTOPPED
#undef WEXITSTATUS
#undef WTERMSIG
#undef WSTOPSIG
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s) ((s) & 0x7f)
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s) (((s) >> 8) & 0xff)
#define WIFCONTINUED(s) ((s) == 0xffff)

#define CLONE_NEWPID 0x20000000
#define WSTOPPED 2
#define WEXITED 4
#define WNOWAIT 0x01000000
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#ifdef __cplusplus
extern "C" {
#endif

// posix_spawn without fork: pidsrv starts the program from the boot filesystem. The child gets
// every fd of the parent (no FD_CLOEXEC yet), then the file actions apply in order, as on Linux:
// addopen (the parent opens the file, the child gets it), adddup2, addclose. An fd number outside
// 0..63 (the fd table) is EBADF at add time; at most KOIOS_SPAWN_ACTIONS actions (ENOMEM beyond).
// A console fd reaches the child only as fd 0, 1 or 2 (the child's console). attr: flags only
// (POSIX_SPAWN_SETPGROUP with pgroup, POSIX_SPAWN_SETSIGMASK is ignored).
#define KOIOS_SPAWN_ACTIONS 16
struct koios_spawn_action {
  int kind;    // 1 open, 2 dup2, 3 close
  int fd;      // open, close: the child's fd; dup2: the source
  int newfd;   // dup2's target
  int oflag;
  mode_t mode;
  char* path;  // open: a malloc'd copy, freed by posix_spawn_file_actions_destroy
};
typedef struct {
  int count;
  struct koios_spawn_action actions[KOIOS_SPAWN_ACTIONS];
} posix_spawn_file_actions_t;
typedef struct {
  short flags;
  pid_t pgroup;
} posix_spawnattr_t;
#define POSIX_SPAWN_SETPGROUP 0x02
int posix_spawn(pid_t* pid, const char* path, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]);
int posix_spawnp(pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 const posix_spawnattr_t* attr, char* const argv[], char* const envp[]);
int posix_spawn_file_actions_init(posix_spawn_file_actions_t* actions);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* actions);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* actions, int fd, int newfd);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t* actions, int fd);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t* actions, int fd, const char* path, int oflag,
                                     mode_t mode);
int posix_spawnattr_init(posix_spawnattr_t* attr);
int posix_spawnattr_destroy(posix_spawnattr_t* attr);
int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags);
int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, pid_t pgroup);

int unshare(int flags);   // CLONE_NEWPID only (the other namespaces have their own servers)

// pidfds (pidfd_open(2)): an fd holding a pidsrv token that names one process for good (never a
// recycled pid). Pollable: pidsrv asserts proto::pid::kPidfdExited on fd_handle(pidfd) once the
// process has exited. close() closes it. flags must be 0; pidfd_send_signal takes no info.
int pidfd_open(pid_t pid, unsigned int flags);
int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned int flags);
// setns(2) for the pid namespace: fd is a pid-namespace token (koios::open_pid_ns) or a pidfd;
// nstype 0 or CLONE_NEWPID. The caller's next children enter that namespace.
int setns(int fd, int nstype);
// waitid(2). picolibc's siginfo_t has no si_pid/si_status/si_uid: si_signo is SIGCHLD, si_code a
// CLD_* code, and si_value.sival_int the exit status or signal. WNOHANG with nothing to report
// leaves si_signo 0 (as Linux leaves si_pid 0).
typedef enum { P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3 } idtype_t;
int waitid(idtype_t idtype, id_t id, siginfo_t* info, int options);

#ifdef __cplusplus
}
#endif
