// servers/utils/mv.cc: mv [-fv] SOURCE DEST | SOURCE... DIRECTORY: renames; between filesystems
// (EXDEV, e.g. from the boot filesystem to /tmp) it copies and then removes the source, as GNU mv
// does. GNU's messages.
#include "tree.h"

namespace {

bool move(const char* from, const char* to) {
  struct stat st, dst;
  if (stat(from, &st) != 0) {
    utils::error("cannot stat '%s': %s", from, utils::errtext(errno));
    return false;
  }
  if (S_ISDIR(st.st_mode) && utils::is_within(from, to) && std::strcmp(from, to) != 0) {
    utils::error("cannot move '%s' to a subdirectory of itself, '%s'", from, to);
    return false;
  }
  if (stat(to, &dst) == 0 && dst.st_dev == st.st_dev && dst.st_ino == st.st_ino) {
    utils::error("'%s' and '%s' are the same file", from, to);
    return false;
  }
  if (rename(from, to) == 0) return true;
  if (errno != EXDEV) {
    utils::error("cannot move '%s' to '%s': %s", from, to, utils::errtext(errno));
    return false;
  }
  return utils::copy_tree(from, to, st, true) && utils::remove_tree(from, false);
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("mv");
  int n = utils::parse_options(argc, argv, "fvin", 1, "[OPTION]... SOURCE... DEST", [](char, const char*) {});
  int dir = utils::target_directory(n, argv);
  if (dir < 0) return 1;
  const char* target = argv[n];
  bool into_dir = dir == 1;
  int status = 0;
  for (int i = 1; i < n; ++i) {
    if (!into_dir) {
      if (!move(argv[i], target)) status = 1;
      continue;
    }
    char* base = utils::base_name(argv[i]);
    char* dst = base ? utils::join(target, base) : nullptr;
    if (dst == nullptr) {
      utils::error("%s", utils::errtext(ENOMEM));
      status = 1;
    } else if (!move(argv[i], dst)) {
      status = 1;
    }
    std::free(base);
    std::free(dst);
  }
  return status;
}
