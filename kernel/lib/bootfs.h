// kernel/lib/bootfs.h: the boot filesystem, a read-only archive of programs linked into the
// image (kernel/tools/mkbootfs.py writes it). Layout, little endian:
//   header  "KBFS" u32 version(1) u32 count u32 reserved
//   entries count x { char name[48] (NUL-padded), u64 offset (from the header), u64 size }
//   data    each file 4 KiB aligned, so a loader could map it in place
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel::bootfs {

inline constexpr koios::usize kNameMax = 48;

struct File {
  const char* name;
  const koios::u8* data;
  koios::usize size;
};

// The archive in the image (empty when the build packed nothing).
koios::Result<File> find(const char* name);
koios::u32 count();
koios::Result<File> at(koios::u32 index);
// The same, over any archive in memory (for tests): BadFormat for a malformed one.
koios::Result<File> find_in(const void* archive, koios::usize size, const char* name);
koios::Result<File> at_in(const void* archive, koios::usize size, koios::u32 index);

}  // namespace kernel::bootfs
