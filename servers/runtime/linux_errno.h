// servers/runtime/linux_errno.h: servers answer errno with Linux's numbers (libns's ns::Errno, what
// every protocol in servers/proto carries); picolibc's <errno.h> numbers them as newlib does. The
// names mean the same and 1..34 (EPERM..ERANGE) are equal, but above that they differ (ENOSYS is 38
// on Linux, 88 in picolibc; ENOTEMPTY 39 and 90). The runtime stores picolibc's number in errno, so
// a program compares errno with the <errno.h> names and strerror() prints the right text.
#pragma once

#include <cerrno>

namespace koios::runtime {

constexpr int errno_from_linux(int linux_errno) {
  if (linux_errno >= 1 && linux_errno <= 34) return linux_errno;
  switch (linux_errno) {
    case 35: return EDEADLK;
    case 36: return ENAMETOOLONG;
    case 37: return ENOLCK;
    case 38: return ENOSYS;
    case 39: return ENOTEMPTY;
    case 40: return ELOOP;
    case 42: return ENOMSG;
    case 43: return EIDRM;
    case 61: return ENODATA;
    case 62: return ETIME;
    case 71: return EPROTO;
    case 74: return EBADMSG;
    case 75: return EOVERFLOW;
    case 84: return EILSEQ;
    case 95: return EOPNOTSUPP;
    case 98: return EADDRINUSE;
    case 99: return EADDRNOTAVAIL;
    case 104: return ECONNRESET;
    case 110: return ETIMEDOUT;
    case 111: return ECONNREFUSED;
    case 125: return ECANCELED;
    default: return EIO;   // a number this table does not know: still an error
  }
}

}  // namespace koios::runtime
