// servers/utils/sleep.cc: sleep NUMBER[SUFFIX]...: pauses for the sum of the intervals; NUMBER may
// have a fraction (0.5), SUFFIX is s (default), m, h or d. GNU's messages.
#include <time.h>

#include "util.h"

// The runtime implements it (servers/runtime/signal.cc); picolibc declares it only with _POSIX_TIMERS.
extern "C" int nanosleep(const struct timespec* request, struct timespec* remaining);

namespace {

// "1.5m" -> 90 seconds. False for anything else.
bool parse_interval(const char* s, double* out) {
  double v = 0;
  bool any = false;
  for (; *s >= '0' && *s <= '9'; ++s, any = true) v = v * 10 + (*s - '0');
  if (*s == '.') {
    double scale = 0.1;
    for (++s; *s >= '0' && *s <= '9'; ++s, any = true, scale /= 10) v += (*s - '0') * scale;
  }
  if (!any) return false;
  switch (*s) {
    case 0: case 's': break;
    case 'm': v *= 60; break;
    case 'h': v *= 3600; break;
    case 'd': v *= 86400; break;
    default: return false;
  }
  if (*s != 0 && s[1] != 0) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("sleep");
  int n = utils::parse_options(argc, argv, "", 1, "NUMBER[SUFFIX]...", [](char, const char*) {});
  if (n == 0) {
    utils::error("missing operand");
    utils::try_help(1);
  }
  double total = 0;
  bool ok = true;
  for (int i = 1; i <= n; ++i) {
    double v;
    if (!parse_interval(argv[i], &v)) {
      utils::error("invalid time interval '%s'", argv[i]);
      ok = false;
      continue;
    }
    total += v;
  }
  if (!ok) utils::try_help(1);
  // Past ~68 years the seconds field would overflow: a very long sleep is long enough.
  if (total > 2e9) total = 2e9;
  struct timespec t;
  t.tv_sec = time_t(total);
  t.tv_nsec = long((total - double(t.tv_sec)) * 1e9);
  struct timespec left;
  while (nanosleep(&t, &left) != 0 && errno == EINTR) t = left;
  return 0;
}
