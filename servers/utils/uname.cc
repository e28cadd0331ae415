// servers/utils/uname.cc: uname [-asnrvmpio] as coreutils prints it, from the runtime's uname()
// (servers/runtime/system.cc; utssrv answers the node name once it exists).
#include <cstdio>
#include <cstring>
#include <sys/utsname.h>

namespace {

enum : unsigned { kSys = 1, kNode = 2, kRelease = 4, kVersion = 8, kMachine = 16, kProc = 32, kHw = 64, kOs = 128 };

int bad_option(const char* what) {
  std::fprintf(stderr, "uname: %s\nTry 'uname --help' for more information.\n", what);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned want = 0;
  bool all = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] != '-' || a[1] == '\0') {
      char msg[128];
      std::snprintf(msg, sizeof msg, "extra operand '%s'", a);
      return bad_option(msg);
    }
    if (a[1] == '-') {
      struct Long { const char* name; unsigned bit; } longs[] = {
          {"--all", ~0u}, {"--kernel-name", kSys}, {"--nodename", kNode}, {"--kernel-release", kRelease},
          {"--kernel-version", kVersion}, {"--machine", kMachine}, {"--processor", kProc},
          {"--hardware-platform", kHw}, {"--operating-system", kOs}};
      bool found = false;
      for (const Long& l : longs)
        if (std::strcmp(a, l.name) == 0) {
          found = true;
          if (l.bit == ~0u) all = true;
          else want |= l.bit;
        }
      if (!found) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "unrecognized option '%s'", a);
        return bad_option(msg);
      }
      continue;
    }
    for (const char* p = a + 1; *p; ++p) {
      switch (*p) {
        case 'a': all = true; break;
        case 's': want |= kSys; break;
        case 'n': want |= kNode; break;
        case 'r': want |= kRelease; break;
        case 'v': want |= kVersion; break;
        case 'm': want |= kMachine; break;
        case 'p': want |= kProc; break;
        case 'i': want |= kHw; break;
        case 'o': want |= kOs; break;
        default: {
          char msg[64];
          std::snprintf(msg, sizeof msg, "invalid option -- '%c'", *p);
          return bad_option(msg);
        }
      }
    }
  }
  struct utsname u;
  if (uname(&u) != 0) {
    std::perror("uname");
    return 1;
  }
  // -a leaves out the processor and hardware platform when they are unknown, as coreutils does.
  if (all) want |= kSys | kNode | kRelease | kVersion | kMachine | kOs;
  if (want == 0) want = kSys;
  const char* fields[] = {u.sysname, u.nodename, u.release, u.version, u.machine, "unknown", "unknown", u.sysname};
  bool first = true;
  for (unsigned bit = 0; bit < 8; ++bit) {
    if (!(want & (1u << bit))) continue;
    if (all && (bit == 5 || bit == 6)) continue;
    std::printf("%s%s", first ? "" : " ", fields[bit]);
    first = false;
  }
  std::printf("\n");
  return 0;
}
