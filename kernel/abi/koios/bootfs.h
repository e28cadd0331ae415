// kernel/abi/koios/bootfs.h: the boot filesystem's image format, declared once for the kernel
// (kernel/lib/bootfs.cc), the file server (servers/mountsrv) and kernel/tools/mkbootfs.py's reader.
// Little endian; offsets are from the start of the header:
//   header  "KBFS" u32 version(1) u32 count u32 reserved
//   entries count x { char name[48] (NUL-padded, NUL-terminated), u64 offset, u64 size }
//   data    each file 4 KiB aligned, so a loader could map it in place
#pragma once

#include "koios/types.h"

namespace koios {

inline constexpr u32 kBootfsVersion = 1;
inline constexpr usize kBootfsNameMax = 48;   // with the terminating NUL

struct BootfsHeader {
  char magic[4];     // "KBFS"
  u32 version;       // kBootfsVersion
  u32 count;         // entries that follow
  u32 reserved;
};
static_assert(sizeof(BootfsHeader) == 16);

struct BootfsEntry {
  char name[kBootfsNameMax];
  u64 offset;
  u64 size;
};
static_assert(sizeof(BootfsEntry) == 64);

}  // namespace koios
