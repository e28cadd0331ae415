// servers/utils/hostname.cc: hostname [-s|-f]: the node name (uname's). Setting it is the UTS
// namespace server's (FIXME(#7)): until then the request is refused as Linux refuses it without
// CAP_SYS_ADMIN.
#include <cstdio>
#include <cstring>
#include <sys/utsname.h>

int main(int argc, char** argv) {
  bool short_name = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strcmp(a, "-s") == 0 || std::strcmp(a, "--short") == 0) {
      short_name = true;
    } else if (std::strcmp(a, "-f") == 0 || std::strcmp(a, "--fqdn") == 0 || std::strcmp(a, "--long") == 0) {
      short_name = false;
    } else if (a[0] == '-') {
      std::fprintf(stderr, "hostname: invalid option -- '%s'\nUsage: hostname [-s|-f] [name]\n", a + 1);
      return 1;
    } else {
      std::fprintf(stderr, "hostname: you must be root to change the host name\n");
      return 1;
    }
  }
  struct utsname u;
  if (uname(&u) != 0) {
    std::perror("hostname");
    return 1;
  }
  if (short_name) {
    if (char* dot = std::strchr(u.nodename, '.')) *dot = '\0';
  }
  std::printf("%s\n", u.nodename);
  return 0;
}
