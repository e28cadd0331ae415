// servers/utils/rmdir.cc: rmdir [-p] DIR...: removes empty directories (-p: then each parent named
// in the path), with GNU's "failed to remove" messages.
#include "util.h"

namespace {

bool remove_one(const char* path) {
  if (rmdir(path) == 0) return true;
  utils::error("failed to remove '%s': %s", path, utils::errtext(errno));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("rmdir");
  bool parents = false;
  int n = utils::parse_options(argc, argv, "pv", 1, "[OPTION]... DIRECTORY...", [&](char o, const char*) {
    if (o == 'p') parents = true;
  });
  if (n == 0) {
    utils::error("missing operand");
    utils::try_help(1);
  }
  int status = 0;
  for (int i = 1; i <= n; ++i) {
    char* path = argv[i];
    if (!remove_one(path)) {
      status = 1;
      continue;
    }
    if (!parents) continue;
    // Strip the last component (and the slashes before it) and remove again, up to the first.
    for (size_t len = std::strlen(path); len > 0;) {
      while (len > 0 && path[len - 1] == '/') --len;
      while (len > 0 && path[len - 1] != '/') --len;
      while (len > 1 && path[len - 1] == '/') --len;
      if (len == 0 || (len == 1 && path[0] == '/')) break;
      path[len] = 0;
      if (!remove_one(path)) {
        status = 1;
        break;
      }
    }
  }
  return status;
}
