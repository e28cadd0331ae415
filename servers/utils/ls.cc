// servers/utils/ls.cc: ls [DIR|FILE...]: one name a line, a directory's entries in the order the
// file service gives them (without . and ..); no options.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>

namespace {

bool list(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    std::fprintf(stderr, "ls: %s: %s\n", path, std::strerror(errno));
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    std::printf("%s\n", path);
    return true;
  }
  DIR* d = opendir(path);
  if (d == nullptr) {
    std::fprintf(stderr, "ls: %s: %s\n", path, std::strerror(errno));
    return false;
  }
  while (struct dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    std::printf("%s\n", e->d_name);
  }
  closedir(d);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return list(".") ? 0 : 1;
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    if (argc > 2) std::printf("%s:\n", argv[i]);
    if (!list(argv[i])) status = 1;
  }
  return status;
}
