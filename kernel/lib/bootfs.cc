// kernel/lib/bootfs.cc
#include "kernel/lib/bootfs.h"

extern "C" const koios::u8 bootfs_start[];
extern "C" const koios::u8 bootfs_end[];

namespace kernel::bootfs {
namespace {

using koios::Status;
using koios::u32;
using koios::u64;
using koios::u8;

constexpr koios::usize kHeader = 16, kEntry = kNameMax + 16;

u32 read32(const u8* p) { return u32(p[0]) | u32(p[1]) << 8 | u32(p[2]) << 16 | u32(p[3]) << 24; }
u64 read64(const u8* p) { return u64(read32(p)) | u64(read32(p + 4)) << 32; }

}  // namespace

koios::Result<File> at_in(const void* archive, koios::usize size, u32 index) {
  const u8* a = static_cast<const u8*>(archive);
  if (a == nullptr || size < kHeader || a[0] != 'K' || a[1] != 'B' || a[2] != 'F' || a[3] != 'S' ||
      read32(a + 4) != 1)
    return Status::BadFormat;
  u32 n = read32(a + 8);
  if (u64(n) * kEntry > size - kHeader) return Status::BadFormat;
  if (index >= n) return Status::NotFound;
  const u8* e = a + kHeader + u64(index) * kEntry;
  if (e[kNameMax - 1] != 0) return Status::BadFormat;  // names are NUL-terminated
  u64 offset = read64(e + kNameMax), length = read64(e + kNameMax + 8);
  if (offset > size || length > size - offset) return Status::BadFormat;
  return File{reinterpret_cast<const char*>(e), a + offset, koios::usize(length)};
}

koios::Result<File> find_in(const void* archive, koios::usize size, const char* name) {
  for (u32 i = 0;; ++i) {
    auto f = at_in(archive, size, i);
    if (!f.ok()) return f.status();
    const char* n = f.value().name;
    koios::usize k = 0;
    while (k < kNameMax && n[k] != 0 && n[k] == name[k]) ++k;
    if (k < kNameMax && n[k] == 0 && name[k] == 0) return f;
  }
}

koios::Result<File> find(const char* name) { return find_in(bootfs_start, koios::usize(bootfs_end - bootfs_start), name); }
koios::Result<File> at(u32 index) { return at_in(bootfs_start, koios::usize(bootfs_end - bootfs_start), index); }
u32 count() {
  u32 n = 0;
  while (at(n).ok()) ++n;
  return n;
}

}  // namespace kernel::bootfs
