// servers/utils/id.cc: id [-u|-g|-G] [-n] [-r] [USER] as coreutils prints it. Every process is
// root until the user namespace server exists (FIXME(#7)): getuid() and friends answer 0.
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {

const char* name_of(unsigned id) { return id == 0 ? "root" : nullptr; }

void print_id(unsigned id, bool name) {
  const char* n = name_of(id);
  if (name && n) std::printf("%s", n);
  else std::printf("%u", id);
}

}  // namespace

int main(int argc, char** argv) {
  char only = 0;
  bool names = false;
  const char* user = nullptr;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] == '-' && a[1] != '\0') {
      for (const char* p = a + 1; *p; ++p) {
        if (*p == 'u' || *p == 'g' || *p == 'G') {
          if (only && only != *p) {
            std::fprintf(stderr, "id: cannot print \"only\" of more than one choice\n");
            return 1;
          }
          only = *p;
        } else if (*p == 'n') {
          names = true;
        } else if (*p == 'r') {
          // Real ids: the same as the effective ones here.
        } else {
          std::fprintf(stderr, "id: invalid option -- '%c'\nTry 'id --help' for more information.\n", *p);
          return 1;
        }
      }
    } else if (!user) {
      user = a;
    } else {
      std::fprintf(stderr, "id: extra operand '%s'\nTry 'id --help' for more information.\n", a);
      return 1;
    }
  }
  if (user && std::strcmp(user, "root") != 0 && std::strcmp(user, "0") != 0) {
    std::fprintf(stderr, "id: '%s': no such user\n", user);
    return 1;
  }
  if (names && !only) {
    std::fprintf(stderr, "id: cannot print only names or real IDs in default format\n");
    return 1;
  }
  unsigned uid = user ? 0 : getuid(), gid = user ? 0 : getgid();
  if (only == 'u') print_id(uid, names);
  else if (only == 'g' || only == 'G') print_id(gid, names);
  else std::printf("uid=%u(%s) gid=%u(%s) groups=%u(%s)", uid, name_of(uid) ? name_of(uid) : "?", gid,
                   name_of(gid) ? name_of(gid) : "?", gid, name_of(gid) ? name_of(gid) : "?");
  std::printf("\n");
  return 0;
}
