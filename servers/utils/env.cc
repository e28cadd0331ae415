// servers/utils/env.cc: env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG...]]: without a command
// prints the environment, one NAME=VALUE a line; with one, runs it (a boot filesystem program, as
// the shell finds it on PATH=/bin) with the environment changed, and exits with its status: 127
// when it cannot be found, 126 when it cannot be run. The command is spawned through pidsrv and
// waited for (execve would leave it without the directory channel to mountsrv).
#include <sys/wait.h>

#include "fd.h"
#include "linux_signal.h"
#include "process.h"
#include "util.h"

extern "C" char** environ;

namespace {

char** g_env;
int g_count;

int find(const char* name, size_t n) {
  for (int i = 0; i < g_count; ++i)
    if (std::strncmp(g_env[i], name, n) == 0 && g_env[i][n] == '=') return i;
  return -1;
}

void unset(const char* name) {
  int i = find(name, std::strlen(name));
  if (i < 0) return;
  g_env[i] = g_env[--g_count];
  g_env[g_count] = nullptr;
}

bool set(char* assignment) {
  size_t n = size_t(std::strchr(assignment, '=') - assignment);
  int i = find(assignment, n);
  if (i >= 0) {
    g_env[i] = assignment;
    return true;
  }
  auto* grown = static_cast<char**>(std::realloc(g_env, sizeof(char*) * size_t(g_count + 2)));
  if (grown == nullptr) return false;
  g_env = grown;
  g_env[g_count++] = assignment;
  g_env[g_count] = nullptr;
  return true;
}

// Runs argv[0] and answers its exit status as the shell would report it.
int run(char** argv) {
  const char* name = argv[0];
  if (std::strncmp(name, "/bin/", 5) == 0) name += 5;
  koios::SpawnOptions o;
  // The child gets env's fds, directory channel and working directory, as after exec on Linux.
  if (int e = koios::inherit_fds(o)) {
    utils::error("%s", utils::errtext(e));
    return 125;
  }
  auto mount = koios::mount_clone();
  if (mount.ok()) {
    o.extra_handles[o.extra_count] = mount.value().release();
    o.extra[o.extra_count++] = {koios::u32(koios::StartupHandleKind::Server), koios::u32(koios::StartupServer::Mount)};
  }
  int pid = 0;
  int e = std::strchr(name, '/') ? ENOENT : koios::pid_spawn(name, argv, g_env, o, &pid);
  if (e != 0) {
    utils::error("'%s': %s", argv[0], utils::errtext(e));
    return e == ENOENT ? 127 : 126;
  }
  int st = 0;
  pid_t r;
  do {
    r = waitpid(pid, &st, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    utils::error("%s", utils::errtext(errno));
    return 125;
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("env");
  bool ignore = false;
  bool ok = true;
  // Unsets wait until the environment is copied: remember them in order.
  char** unsets = static_cast<char**>(std::calloc(size_t(argc), sizeof(char*)));
  int nunsets = 0;
  int n = utils::parse_options(argc, argv, "+iu:", 125, "[OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]",
                               [&](char o, const char* arg) {
                                 if (o == 'i') ignore = true;
                                 if (o == 'u' && unsets) unsets[nunsets++] = const_cast<char*>(arg);
                               });
  int i = 1;
  if (i <= n && std::strcmp(argv[i], "-") == 0) {
    ignore = true;
    ++i;
  }
  g_env = static_cast<char**>(std::calloc(1, sizeof(char*)));
  if (g_env == nullptr || unsets == nullptr) ok = false;
  for (char** e = environ; ok && !ignore && e && *e; ++e)
    if (std::strchr(*e, '=') != nullptr) ok = set(*e);
  for (int k = 0; ok && k < nunsets; ++k) unset(unsets[k]);
  for (; ok && i <= n && std::strchr(argv[i], '=') != nullptr && argv[i][0] != '='; ++i) ok = set(argv[i]);
  if (!ok) {
    utils::error("%s", utils::errtext(ENOMEM));
    return 125;
  }
  if (i > n) {
    for (int k = 0; k < g_count; ++k) std::printf("%s\n", g_env[k]);
    return 0;
  }
  return run(argv + i);
}
