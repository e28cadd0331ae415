// servers/utils/cp.cc: cp [-rRafpv] SOURCE DEST | SOURCE... DIRECTORY: copies files; directories
// with -r (-a is taken as -r: there are no owners or times to keep). GNU's messages.
#include "tree.h"

int main(int argc, char** argv) {
  utils::init("cp");
  bool recursive = false;
  int n = utils::parse_options(argc, argv, "rRafpvn", 1, "[OPTION]... SOURCE... DEST", [&](char o, const char*) {
    if (o == 'r' || o == 'R' || o == 'a') recursive = true;
  });
  int dir = utils::target_directory(n, argv);
  if (dir < 0) return 1;
  const char* target = argv[n];
  bool into_dir = dir == 1;
  int status = 0;
  for (int i = 1; i < n; ++i) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      utils::error("cannot stat '%s': %s", argv[i], utils::errtext(errno));
      status = 1;
      continue;
    }
    char* base = into_dir ? utils::base_name(argv[i]) : nullptr;
    char* dst = into_dir && base ? utils::join(target, base) : nullptr;
    if (into_dir && dst == nullptr) {
      utils::error("%s", utils::errtext(ENOMEM));
      status = 1;
    } else if (!utils::copy_tree(argv[i], into_dir ? dst : target, st, recursive)) {
      status = 1;
    }
    std::free(base);
    std::free(dst);
  }
  return status;
}
