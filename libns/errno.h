// libns/errno.h: the errno values libns reports, numbered as Linux numbers them (asm-generic/errno*.h),
// so a server can hand them to a Linux-compatible caller unchanged. CamelCase names keep clear of
// the <errno.h> macros, which the host tests include.
#pragma once

namespace ns {

enum class Errno : int {
  Ok = 0,
  Perm = 1,          // EPERM
  NoEnt = 2,         // ENOENT
  Srch = 3,          // ESRCH
  Intr = 4,          // EINTR
  Io = 5,            // EIO
  TooBig = 7,        // E2BIG
  NoExec = 8,        // ENOEXEC
  BadF = 9,          // EBADF
  Child = 10,        // ECHILD
  Again = 11,        // EAGAIN
  NoMem = 12,        // ENOMEM
  Acces = 13,        // EACCES
  Busy = 16,         // EBUSY
  Exist = 17,        // EEXIST
  XDev = 18,         // EXDEV
  NoDev = 19,        // ENODEV
  NotDir = 20,       // ENOTDIR
  IsDir = 21,        // EISDIR
  Inval = 22,        // EINVAL
  NFile = 23,        // ENFILE
  MFile = 24,        // EMFILE
  FBig = 27,         // EFBIG
  NoSpc = 28,        // ENOSPC
  Rofs = 30,         // EROFS
  Range = 34,        // ERANGE
  NameTooLong = 36,  // ENAMETOOLONG
  NoSys = 38,        // ENOSYS
  NotEmpty = 39,     // ENOTEMPTY
  Loop = 40,         // ELOOP
  NoMsg = 42,        // ENOMSG
  Overflow = 75,     // EOVERFLOW
  Users = 87,        // EUSERS
  AddrInUse = 98,    // EADDRINUSE
  OpNotSupp = 95,    // EOPNOTSUPP
  AddrNotAvail = 99, // EADDRNOTAVAIL
};

constexpr int errno_value(Errno e) { return static_cast<int>(e); }
const char* errno_name(Errno e);  // "EPERM", ...; for test output and logs

}  // namespace ns
