// kernel/abi/koios/bootfs.h: the boot filesystem's format, a read-only archive of programs
// (kernel/tools/mkbootfs.py writes it; the kernel links it into the image and hands it to init as
// a read-only vmo, StartupHandleKind::BootfsVmo). Little endian:
//   header  "KBFS" u32 version(1) u32 count u32 reserved
//   entries count x { char name[48] (NUL-padded), u64 offset (from the header), u64 size }
//   data    each file 4 KiB aligned and zero padded to a whole page, so it can be mapped in place
// Pure parsing of the directory, shared by the kernel (kernel/lib/bootfs) and the user-space
// spawner (servers/runtime/spawn), which reads only the directory out of the vmo.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace koios::bootfs {

inline constexpr usize kNameMax = 48;
inline constexpr u64 kHeaderSize = 16;
inline constexpr u64 kEntrySize = kNameMax + 16;
inline constexpr u64 kAlign = 4096;

struct Entry {
  const char* name;  // into the directory bytes, NUL-terminated
  u64 offset;        // from the start of the archive, kAlign aligned
  u64 size;
};

namespace detail {
inline u32 read32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
inline u64 read64(const u8* p) { return u64(read32(p)) | u64(read32(p + 4)) << 32; }
}  // namespace detail

// The number of files. `head` holds the first head_size bytes of the archive; BadFormat unless
// they start with a valid header and hold the whole directory.
inline Result<u32> count(const void* head, usize head_size) {
  const u8* a = static_cast<const u8*>(head);
  if (a == nullptr || head_size < kHeaderSize || a[0] != 'K' || a[1] != 'B' || a[2] != 'F' || a[3] != 'S' ||
      detail::read32(a + 4) != 1)
    return Status::BadFormat;
  u32 n = detail::read32(a + 8);
  if (u64(n) * kEntrySize > head_size - kHeaderSize) return Status::BadFormat;
  return n;
}

// Bytes from the start of the archive to the end of a directory of `n` entries.
inline constexpr u64 directory_size(u32 n) { return kHeaderSize + u64(n) * kEntrySize; }

// Entry `index` of an archive of archive_size bytes whose first head_size bytes are in `head`:
// NotFound past the last; BadFormat for a malformed header or entry, or a file outside the archive.
inline Result<Entry> at(const void* head, usize head_size, u64 archive_size, u32 index) {
  u32 n = TRY(count(head, head_size));
  if (index >= n) return Status::NotFound;
  const u8* e = static_cast<const u8*>(head) + kHeaderSize + u64(index) * kEntrySize;
  if (e[kNameMax - 1] != 0) return Status::BadFormat;  // names are NUL-terminated
  u64 offset = detail::read64(e + kNameMax), length = detail::read64(e + kNameMax + 8);
  if (offset > archive_size || length > archive_size - offset) return Status::BadFormat;
  return Entry{reinterpret_cast<const char*>(e), offset, length};
}

// The entry named `name`: NotFound when there is none.
inline Result<Entry> find(const void* head, usize head_size, u64 archive_size, const char* name) {
  for (u32 i = 0;; ++i) {
    Entry f = TRY(at(head, head_size, archive_size, i));
    usize k = 0;
    while (k < kNameMax && f.name[k] != 0 && f.name[k] == name[k]) ++k;
    if (k < kNameMax && f.name[k] == 0 && name[k] == 0) return f;
  }
}

}  // namespace koios::bootfs

namespace koios {

// The same layout as structs, for readers that copy the header and entries out of an image they
// cannot map (servers/mountsrv reads the boot filesystem vmo piecewise).
inline constexpr u32 kBootfsVersion = 1;
inline constexpr usize kBootfsNameMax = bootfs::kNameMax;  // with the terminating NUL

struct BootfsHeader {
  char magic[4];     // "KBFS"
  u32 version;       // kBootfsVersion
  u32 count;         // entries that follow
  u32 reserved;
};
static_assert(sizeof(BootfsHeader) == bootfs::kHeaderSize);

struct BootfsEntry {
  char name[kBootfsNameMax];
  u64 offset;
  u64 size;
};
static_assert(sizeof(BootfsEntry) == bootfs::kEntrySize);

}  // namespace koios
