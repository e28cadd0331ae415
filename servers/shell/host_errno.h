// servers/shell/host_errno.h: an errno as the shell's HostError, for both hosts (posix_host on the
// host's libc, koios_host on picolibc): by errno name, so each libc's own numbers apply.
#pragma once

#include <cerrno>

#include "servers/shell/host.h"

namespace shell {

inline HostError host_error_from_errno(int e) {
  switch (e) {
    case 0: return HostError::Ok;
    case ENOENT: return HostError::NotFound;
    case ENOTDIR: return HostError::NotDir;
    case EACCES: case EPERM: case EROFS: return HostError::Access;
    case EISDIR: return HostError::IsDir;
    case ENOEXEC: return HostError::NoExec;
    case ENOMEM: return HostError::NoMemory;
    case EBADF: return HostError::BadFd;
    case ECHILD: return HostError::NoChild;
    case ESRCH: return HostError::NoProcess;
    case EINVAL: return HostError::Invalid;
    case E2BIG: return HostError::TooBig;
    default: return HostError::Io;
  }
}

}  // namespace shell
