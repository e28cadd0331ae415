// servers/runtime/path.cc: see path.h.
#include "path.h"

namespace koios {

namespace {

// Appends the components of `s` to out[0..*n), folding "." and "..". A component that does not fit
// is counted in *phantom instead, so that a later ".." can still take it away (only the result
// must fit, as Linux only limits the path it is given).
void append_components(const char* s, char* out, usize capacity, usize* n, usize* phantom) {
  while (*s != 0) {
    while (*s == '/') ++s;
    const char* start = s;
    while (*s != 0 && *s != '/') ++s;
    usize len = usize(s - start);
    if (len == 0 || (len == 1 && start[0] == '.')) continue;
    if (len == 2 && start[0] == '.' && start[1] == '.') {
      if (*phantom > 0) {
        --*phantom;
        continue;
      }
      while (*n > 0 && out[*n - 1] != '/') --*n;   // back to the slash before the last component
      if (*n > 0) --*n;                            // and that slash, unless it is the root
      continue;
    }
    if (*phantom > 0 || *n + 1 + len >= capacity) {   // '/', the name, and room for the NUL
      ++*phantom;
      continue;
    }
    out[(*n)++] = '/';
    for (usize i = 0; i < len; ++i) out[(*n)++] = start[i];
  }
}

}  // namespace

PathError path_resolve(const char* cwd, const char* path, char* out, usize capacity, usize* out_length) {
  if (path[0] == 0) return PathError::Empty;
  usize length = 0;
  while (path[length] != 0 && length < capacity) ++length;
  if (length >= capacity || capacity < 2) return PathError::TooLong;   // PATH_MAX counts the NUL
  usize n = 0;   // out[0..n) is the result without its trailing "/" (so the root is empty)
  usize phantom = 0;
  if (path[0] != '/') append_components(cwd, out, capacity, &n, &phantom);
  append_components(path, out, capacity, &n, &phantom);
  if (phantom > 0) return PathError::TooLong;
  if (n == 0) {
    out[n++] = '/';
  } else if (path[length - 1] == '/') {
    // "x/" names a directory: mountsrv answers ENOTDIR (or EISDIR) for a file there, as Linux.
    if (n + 2 > capacity) return PathError::TooLong;
    out[n++] = '/';
  }
  out[n] = 0;
  if (out_length != nullptr) *out_length = n;
  return PathError::Ok;
}

}  // namespace koios
