// servers/utils/touch.cc: touch [-c] FILE...: creates missing files (empty). An existing file is
// left as it is without error: mountsrv keeps no times, so there is nothing to update.
#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

int main(int argc, char** argv) {
  utils::init("touch");
  bool no_create = false;
  int n = utils::parse_options(argc, argv, "acm", 1, "[OPTION]... FILE...", [&](char o, const char*) {
    if (o == 'c') no_create = true;
  });
  if (n == 0) {
    utils::error("missing file operand");
    utils::try_help(1);
  }
  int status = 0;
  for (int i = 1; i <= n; ++i) {
    struct stat st;
    if (stat(argv[i], &st) == 0 || no_create) continue;
    int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
    if (fd < 0) {
      utils::error("cannot touch '%s': %s", argv[i], utils::errtext(errno));
      status = 1;
      continue;
    }
    close(fd);
  }
  return status;
}
