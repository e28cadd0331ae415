// tests/user/args.cc: the start-up message reaches main. The kernel's self-test starts this with
// argv {"args", "one", "two words"}, envp {"KOIOS=1", "EMPTY="}, a socket as fd 1 and an event as
// Token 5, then reads what it printed from the socket. The exit code names the first check that broke.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "runtime.h"

namespace {
// A static constructor: it must run before main.
struct Constructed {
  int value;
  Constructed() : value(42) {}
};
Constructed g_constructed;
}  // namespace

extern "C" int main(int argc, char** argv, char** envp) {
  if (g_constructed.value != 42) return 1;
  if (!koios::has_startup_message()) return 2;
  if (argc != 3 || std::strcmp(argv[0], "args") != 0 || std::strcmp(argv[1], "one") != 0 ||
      std::strcmp(argv[2], "two words") != 0 || argv[3] != nullptr)
    return 3;
  if (std::strcmp(envp[0], "KOIOS=1") != 0 || std::strcmp(envp[1], "EMPTY=") != 0 || envp[2] != nullptr) return 4;
  const char* koios_env = std::getenv("KOIOS");
  if (koios_env == nullptr || std::strcmp(koios_env, "1") != 0 || std::getenv("MISSING") != nullptr) return 5;
  // stdio took fd 1; the token is ours once, and works.
  if (koios::startup_handle(koios::StartupHandleKind::Fd, 1) != koios::kInvalidHandle) return 6;
  koios::OwnedHandle token(koios::startup_handle(koios::StartupHandleKind::Token, 5));
  if (!token || koios::startup_handle(koios::StartupHandleKind::Token, 5) != koios::kInvalidHandle) return 7;
  if (koios::object_signal(token.get(), koios::Signals::None, koios::Signals::Signaled) != koios::Status::Ok) return 8;
  if (koios::startup_handle(koios::StartupHandleKind::Server, 1) != koios::kInvalidHandle) return 9;
  // printf and write(2) share fd 1, in order.
  std::printf("args: %d [%s] [%s] %s\n", argc, argv[1], argv[2], koios_env);
  if (write(1, "raw write\n", 10) != 10) return 10;
  std::printf("unterminated");   // exit flushes it
  return 0;
}
