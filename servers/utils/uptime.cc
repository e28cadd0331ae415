// servers/utils/uptime.cc: uptime [-p] as procps prints it, from sysinfo(2). Not modelled: the
// time of day (no wall clock yet: the clock reads the time since boot, from 00:00:00), logged-in
// users (no utmp: 0) and load averages (0.00).
#include <cstdio>
#include <cstring>
#include <sys/sysinfo.h>

#include "servers/utils/procfmt.h"

int main(int argc, char** argv) {
  bool pretty = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-p") == 0 || std::strcmp(argv[i], "--pretty") == 0) {
      pretty = true;
    } else {
      std::fprintf(stderr, "uptime: invalid option -- '%s'\n\nUsage:\n uptime [options]\n",
                   argv[i][0] == '-' ? argv[i] + 1 : argv[i]);
      return 1;
    }
  }
  struct sysinfo info;
  if (sysinfo(&info) != 0) {
    std::perror("uptime: sysinfo");
    return 1;
  }
  long up = info.uptime;
  if (pretty) {
    long days = up / 86400, hours = up / 3600 % 24, minutes = up / 60 % 60;
    std::printf("up");
    const char* sep = " ";
    if (days) { std::printf("%s%ld day%s", sep, days, days != 1 ? "s" : ""); sep = ", "; }
    if (hours) { std::printf("%s%ld hour%s", sep, hours, hours != 1 ? "s" : ""); sep = ", "; }
    if (minutes || (!days && !hours)) std::printf("%s%ld minute%s", sep, minutes, minutes != 1 ? "s" : "");
    std::printf("\n");
    return 0;
  }
  const double loads[3] = {0, 0, 0};
  char buf[128];
  int64_t ns = static_cast<int64_t>(up) * 1'000'000'000;
  utils::format_uptime(ns, ns, 0, loads, buf, sizeof buf);
  std::printf("%s\n", buf);
  return 0;
}
