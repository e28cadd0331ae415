// libns/errno.cc
#include "libns/errno.h"

namespace ns {

const char* errno_name(Errno e) {
  switch (e) {
    case Errno::Ok: return "OK";
    case Errno::Perm: return "EPERM";
    case Errno::NoEnt: return "ENOENT";
    case Errno::Srch: return "ESRCH";
    case Errno::Intr: return "EINTR";
    case Errno::Io: return "EIO";
    case Errno::TooBig: return "E2BIG";
    case Errno::NoExec: return "ENOEXEC";
    case Errno::BadF: return "EBADF";
    case Errno::Child: return "ECHILD";
    case Errno::Again: return "EAGAIN";
    case Errno::NoMem: return "ENOMEM";
    case Errno::Acces: return "EACCES";
    case Errno::Busy: return "EBUSY";
    case Errno::Exist: return "EEXIST";
    case Errno::XDev: return "EXDEV";
    case Errno::NoDev: return "ENODEV";
    case Errno::NotDir: return "ENOTDIR";
    case Errno::IsDir: return "EISDIR";
    case Errno::Inval: return "EINVAL";
    case Errno::NFile: return "ENFILE";
    case Errno::MFile: return "EMFILE";
    case Errno::FBig: return "EFBIG";
    case Errno::NoSpc: return "ENOSPC";
    case Errno::Rofs: return "EROFS";
    case Errno::Range: return "ERANGE";
    case Errno::NameTooLong: return "ENAMETOOLONG";
    case Errno::NoSys: return "ENOSYS";
    case Errno::NotEmpty: return "ENOTEMPTY";
    case Errno::Loop: return "ELOOP";
    case Errno::NoMsg: return "ENOMSG";
    case Errno::Overflow: return "EOVERFLOW";
    case Errno::Users: return "EUSERS";
    case Errno::OpNotSupp: return "EOPNOTSUPP";
    case Errno::AddrInUse: return "EADDRINUSE";
    case Errno::AddrNotAvail: return "EADDRNOTAVAIL";
  }
  return "E?";
}

}  // namespace ns
