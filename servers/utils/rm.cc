// servers/utils/rm.cc: rm [-rRfd] FILE...: removes files; directories with -r (everything below
// them) or -d (empty ones). -f: missing files are no error, no operand is no error. GNU's messages,
// including its refusals of '.', '..' and a recursive '/'.
#include "tree.h"

int main(int argc, char** argv) {
  utils::init("rm");
  bool recursive = false, force = false, dirs = false;
  int n = utils::parse_options(argc, argv, "rRfdiv", 1, "[OPTION]... [FILE]...", [&](char o, const char*) {
    if (o == 'r' || o == 'R') recursive = true;
    if (o == 'f') force = true;
    if (o == 'i') force = false;
    if (o == 'd') dirs = true;
  });
  if (n == 0) {
    if (force) return 0;
    utils::error("missing operand");
    utils::try_help(1);
  }
  int status = 0;
  for (int i = 1; i <= n; ++i) {
    const char* path = argv[i];
    char* base = utils::base_name(path);
    bool dot = base != nullptr && utils::is_dot_or_dotdot(base);
    std::free(base);
    struct stat st;
    if (stat(path, &st) != 0) {
      if (!(force && errno == ENOENT)) {
        utils::error("cannot remove '%s': %s", path, utils::errtext(errno));
        status = 1;
      }
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (unlink(path) != 0 && !(force && errno == ENOENT)) {
        utils::error("cannot remove '%s': %s", path, utils::errtext(errno));
        status = 1;
      }
      continue;
    }
    if (recursive && dot) {
      utils::error("refusing to remove '.' or '..' directory: skipping '%s'", path);
      status = 1;
    } else if (recursive && std::strspn(path, "/") == std::strlen(path)) {
      utils::error("it is dangerous to operate recursively on '/'");
      utils::error("use --no-preserve-root to override this failsafe");
      status = 1;
    } else if (recursive) {
      if (!utils::remove_tree(path, force)) status = 1;
    } else if (dirs) {
      if (rmdir(path) != 0) {
        utils::error("cannot remove '%s': %s", path, utils::errtext(errno));
        status = 1;
      }
    } else {
      utils::error("cannot remove '%s': Is a directory", path);
      status = 1;
    }
  }
  return status;
}
