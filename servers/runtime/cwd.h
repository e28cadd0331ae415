// servers/runtime/cwd.h: this process's working directory (cwd.cc), kept as an absolute path in the
// client (servers/runtime/README.md says why) and resolved into every path call before it goes to
// mountsrv. The C calls: chdir, getcwd (<unistd.h>). A child started through pidsrv begins in its
// parent's (SpawnRequest.cwd, then the start-up message's, koios/startup.h); a process started any
// other way begins in "/".
#pragma once

#include "koios/types.h"

namespace koios {

inline constexpr usize kPathMax = 4096;   // PATH_MAX, as mountsrv's (proto::fs::kPathMax)

// `path` made absolute against the working directory and normalised (path.h) into out, which
// holds kPathMax bytes. 0, or a picolibc errno: EFAULT (null), ENOENT (""), ENAMETOOLONG.
int resolve_path(const char* path, char* out, usize* length = nullptr);

// The working directory, NUL-terminated, into out (kPathMax bytes): for a spawner.
void working_directory(char* out);

namespace runtime {
// At start: `dir` from the start-up message (nullptr: none, "/"); a relative or too long one is
// ignored.
void cwd_init(const char* dir);
}  // namespace runtime

}  // namespace koios
