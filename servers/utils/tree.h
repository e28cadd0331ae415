// servers/utils/tree.h: file-tree work shared by cp, mv and rm: joining paths, copying a file or a
// directory tree, removing a tree. Messages are GNU's, prefixed with the program's name (util.h).
// Header-only; recursion keeps only a malloc'd path per level on the stack (the user stack is small).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

namespace utils {

// "dir/name" in a new malloc'd string (no doubled '/'), or nullptr without memory.
inline char* join(const char* dir, const char* name) {
  size_t a = std::strlen(dir), b = std::strlen(name);
  while (a > 1 && dir[a - 1] == '/') --a;
  char* out = static_cast<char*>(std::malloc(a + 1 + b + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, dir, a);
  size_t n = a;
  if (n == 0 || out[n - 1] != '/') out[n++] = '/';
  std::memcpy(out + n, name, b + 1);
  return out;
}

// The last component of a path ("a/b/" -> "b"), into a new malloc'd string.
inline char* base_name(const char* path) {
  size_t n = std::strlen(path);
  while (n > 1 && path[n - 1] == '/') --n;
  size_t start = n;
  while (start > 0 && path[start - 1] != '/') --start;
  char* out = static_cast<char*>(std::malloc(n - start + 1 + (n == start)));
  if (out == nullptr) return nullptr;
  if (n == start) {   // "/" or ""
    std::strcpy(out, n ? "/" : "");
    return out;
  }
  std::memcpy(out, path + start, n - start);
  out[n - start] = 0;
  return out;
}

inline bool is_dot_or_dotdot(const char* name) {
  return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

// Whether `inner` is `outer` or lies below it, comparing the strings (enough for the absolute
// paths the shell hands its children).
inline bool is_within(const char* outer, const char* inner) {
  size_t n = std::strlen(outer);
  while (n > 1 && outer[n - 1] == '/') --n;
  return std::strncmp(outer, inner, n) == 0 && (inner[n] == 0 || inner[n] == '/');
}

// Copies the regular file `from` to `to` (created or truncated). Reports its own errors.
inline bool copy_file(const char* from, const char* to) {
  int in = open(from, O_RDONLY);
  if (in < 0) {
    error("cannot open '%s' for reading: %s", from, errtext(errno));
    return false;
  }
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (out < 0) {
    error("cannot create regular file '%s': %s", to, errtext(errno));
    close(in);
    return false;
  }
  static char buf[4096];
  bool ok = true;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error("error reading '%s': %s", from, errtext(errno));
      ok = false;
      break;
    }
    if (n == 0) break;
    if (!write_all(out, buf, size_t(n))) {
      error("error writing '%s': %s", to, errtext(errno));
      ok = false;
      break;
    }
  }
  close(in);
  if (close(out) != 0 && ok) {
    error("error writing '%s': %s", to, errtext(errno));
    ok = false;
  }
  return ok;
}

// Copies `from` (a file, or with `recursive` a directory and everything below it) to `to`, which
// must not be a directory unless `from` is one. `st` is from's stat.
inline bool copy_tree(const char* from, const char* to, const struct stat& st, bool recursive) {
  struct stat dst;
  bool dst_exists = stat(to, &dst) == 0;
  if (!S_ISDIR(st.st_mode)) {
    if (dst_exists && S_ISDIR(dst.st_mode)) {
      error("cannot overwrite directory '%s' with non-directory", to);
      return false;
    }
    if (dst_exists && dst.st_dev == st.st_dev && dst.st_ino == st.st_ino) {
      error("'%s' and '%s' are the same file", from, to);
      return false;
    }
    return copy_file(from, to);
  }
  if (!recursive) {
    error("-r not specified; omitting directory '%s'", from);
    return false;
  }
  if (is_within(from, to)) {
    error("cannot copy a directory, '%s', into itself, '%s'", from, to);
    return false;
  }
  if (dst_exists && !S_ISDIR(dst.st_mode)) {
    error("cannot overwrite non-directory '%s' with directory '%s'", to, from);
    return false;
  }
  if (!dst_exists && mkdir(to, 0777) != 0) {
    error("cannot create directory '%s': %s", to, errtext(errno));
    return false;
  }
  DIR* d = opendir(from);
  if (d == nullptr) {
    error("cannot access '%s': %s", from, errtext(errno));
    return false;
  }
  bool ok = true;
  while (struct dirent* e = readdir(d)) {
    if (is_dot_or_dotdot(e->d_name)) continue;
    char* a = join(from, e->d_name);
    char* b = join(to, e->d_name);
    struct stat est;
    if (a == nullptr || b == nullptr) {
      error("%s", errtext(ENOMEM));
      ok = false;
    } else if (stat(a, &est) != 0) {
      error("cannot stat '%s': %s", a, errtext(errno));
      ok = false;
    } else if (!copy_tree(a, b, est, true)) {
      ok = false;
    }
    std::free(a);
    std::free(b);
  }
  closedir(d);
  return ok;
}

// Removes `path` (a file, or a directory with everything below it). Reports its own errors as
// "cannot remove"; missing entries are errors unless `force`.
inline bool remove_tree(const char* path, bool force) {
  struct stat st;
  if (stat(path, &st) != 0) {
    if (force && errno == ENOENT) return true;
    error("cannot remove '%s': %s", path, errtext(errno));
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) == 0 || (force && errno == ENOENT)) return true;
    error("cannot remove '%s': %s", path, errtext(errno));
    return false;
  }
  DIR* d = opendir(path);
  if (d == nullptr) {
    error("cannot remove '%s': %s", path, errtext(errno));
    return false;
  }
  bool ok = true;
  // Removing entries while reading the directory can make it skip some: read it again until a
  // pass removes nothing.
  for (bool again = true; again;) {
    again = false;
    rewinddir(d);
    while (struct dirent* e = readdir(d)) {
      if (is_dot_or_dotdot(e->d_name)) continue;
      char* child = join(path, e->d_name);
      if (child == nullptr) {
        error("%s", errtext(ENOMEM));
        ok = false;
        break;
      }
      if (remove_tree(child, force)) again = true;
      else ok = false;
      std::free(child);
    }
    if (!ok) break;
  }
  closedir(d);
  if (!ok) return false;
  if (rmdir(path) == 0) return true;
  error("cannot remove '%s': %s", path, errtext(errno));
  return false;
}

}  // namespace utils
