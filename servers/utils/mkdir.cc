// servers/utils/mkdir.cc: mkdir [-p] [-m MODE] DIR...: GNU's messages; -p makes missing parents and
// accepts an existing directory. The mode is accepted and ignored (mountsrv keeps no owners).
#include <sys/stat.h>

#include "util.h"

namespace {

bool make(const char* path, bool parents) {
  if (mkdir(path, 0777) == 0) return true;
  int e = errno;
  struct stat st;
  if (parents && e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return true;
  utils::error("cannot create directory '%s': %s", path, utils::errtext(e));
  return false;
}

// Each prefix ending before a '/', then the whole path.
bool make_parents(char* path) {
  for (char* p = path + 1; *p; ++p) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = 0;
    struct stat st;
    bool ok = true;
    if (stat(path, &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        utils::error("cannot create directory '%s': %s", path, utils::errtext(ENOTDIR));
        ok = false;
      }
    } else {
      ok = make(path, true);
    }
    *p = '/';
    if (!ok) return false;
  }
  return make(path, true);
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("mkdir");
  bool parents = false;
  int n = utils::parse_options(argc, argv, "pvm:", 1, "[OPTION]... DIRECTORY...", [&](char o, const char*) {
    if (o == 'p') parents = true;
  });
  if (n == 0) {
    utils::error("missing operand");
    utils::try_help(1);
  }
  int status = 0;
  for (int i = 1; i <= n; ++i)
    if (!(parents ? make_parents(argv[i]) : make(argv[i], false))) status = 1;
  return status;
}
