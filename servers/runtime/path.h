// servers/runtime/path.h: lexical path resolution against a working directory. Pure code (no
// syscalls, no allocation, no errno): the runtime's cwd (cwd.cc) resolves every path with it
// before a path call goes to mountsrv, and the host unit tests check it (tests/unit/servers).
#pragma once

#include "koios/types.h"

namespace koios {

enum class PathError : u8 { Ok, Empty, TooLong };

// `path` made absolute against `cwd` (absolute, as path_resolve makes it) into out[0..capacity):
// repeated slashes folded, "." dropped, ".." removing the component before it (the root's ".." is
// the root, as on Linux); a trailing slash only where `path` has one (a directory is meant: the file
// service checks it) and for "/" itself. Lexical only: there are no symbolic links to follow. Empty for "" (ENOENT), TooLong when `path` or the result, with its
// NUL, does not fit in `capacity` bytes (ENAMETOOLONG); out holds a NUL-terminated path when Ok.
// `out` may not overlap `path`; it may be `cwd` only if `path` is absolute.
PathError path_resolve(const char* cwd, const char* path, char* out, usize capacity, usize* out_length = nullptr);

}  // namespace koios
