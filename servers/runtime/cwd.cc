// servers/runtime/cwd.cc: the working directory (cwd.h) and chdir/getcwd. The directory is a path,
// not a handle: chdir checks it is a directory then, and a later rename or rmdir of it is only seen
// by the next path call (ENOENT), as a lexical cwd on Linux after the directory is gone.
#include "cwd.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include "mutex.h"
#include "path.h"

namespace koios {

namespace {

Mutex g_lock;              // guards g_cwd: threads resolve paths while another may chdir
char g_cwd[kPathMax] = "/";

}  // namespace

int resolve_path(const char* path, char* out, usize* length) {
  if (path == nullptr) return EFAULT;
  MutexLock hold(g_lock);
  switch (path_resolve(g_cwd, path, out, kPathMax, length)) {
    case PathError::Ok: return 0;
    case PathError::Empty: return ENOENT;
    case PathError::TooLong: break;
  }
  return ENAMETOOLONG;
}

void working_directory(char* out) {
  MutexLock hold(g_lock);
  std::memcpy(out, g_cwd, std::strlen(g_cwd) + 1);
}

namespace {
// The working directory is kept without the trailing '/' a path may keep (getcwd shows none).
void drop_trailing_slash(char* path) {
  usize n = std::strlen(path);
  if (n > 1 && path[n - 1] == '/') path[n - 1] = 0;
}
}  // namespace

void runtime::cwd_init(const char* dir) {
  if (dir == nullptr || dir[0] != '/') return;
  char resolved[kPathMax];
  if (path_resolve("/", dir, resolved, kPathMax) == PathError::Ok) {
    drop_trailing_slash(resolved);
    std::memcpy(g_cwd, resolved, std::strlen(resolved) + 1);
  }
}

}  // namespace koios

using namespace koios;

extern "C" {

int chdir(const char* path) {
  static char resolved[kPathMax];   // under g_chdir: one chdir at a time, and off the stack
  static Mutex g_chdir;
  MutexLock one(g_chdir);
  if (int e = resolve_path(path, resolved); e != 0) {
    errno = e;
    return -1;
  }
  struct stat st;
  if (stat(resolved, &st) != 0) return -1;   // ENOENT, ENOTDIR for a file on the way, ...
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  drop_trailing_slash(resolved);
  MutexLock hold(g_lock);
  std::memcpy(g_cwd, resolved, std::strlen(resolved) + 1);
  return 0;
}

// POSIX, plus glibc's extension: a null buf gets a malloc'd one (of `size` bytes, or just enough).
char* getcwd(char* buf, size_t size) {
  MutexLock hold(g_lock);
  usize need = std::strlen(g_cwd) + 1;
  if (buf == nullptr) {
    if (size == 0) size = need;
    if (size < need) {
      errno = ERANGE;
      return nullptr;
    }
    buf = static_cast<char*>(std::malloc(size));
    if (buf == nullptr) {
      errno = ENOMEM;
      return nullptr;
    }
  } else if (size == 0) {
    errno = EINVAL;
    return nullptr;
  } else if (size < need) {
    errno = ERANGE;
    return nullptr;
  }
  std::memcpy(buf, g_cwd, need);
  return buf;
}

}  // extern "C"
