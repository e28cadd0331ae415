// kernel/lib/bootfs.cc: the archive linked into the image, read through koios/bootfs.h.
#include "kernel/lib/bootfs.h"

#include "koios/bootfs.h"

extern "C" const koios::u8 bootfs_start[];
extern "C" const koios::u8 bootfs_end[];

namespace kernel::bootfs {

koios::Result<File> at_in(const void* archive, koios::usize size, koios::u32 index) {
  koios::bootfs::Entry e = TRY(koios::bootfs::at(archive, size, size, index));
  return File{e.name, static_cast<const koios::u8*>(archive) + e.offset, koios::usize(e.size)};
}

koios::Result<File> find_in(const void* archive, koios::usize size, const char* name) {
  koios::bootfs::Entry e = TRY(koios::bootfs::find(archive, size, size, name));
  return File{e.name, static_cast<const koios::u8*>(archive) + e.offset, koios::usize(e.size)};
}

koios::Result<File> find(const char* name) { return find_in(bootfs_start, koios::usize(bootfs_end - bootfs_start), name); }
koios::Result<File> at(koios::u32 index) { return at_in(bootfs_start, koios::usize(bootfs_end - bootfs_start), index); }
koios::u32 count() {
  koios::u32 n = 0;
  while (at(n).ok()) ++n;
  return n;
}
const koios::u8* image() { return bootfs_start; }
koios::usize image_size() { return koios::usize(bootfs_end - bootfs_start); }

}  // namespace kernel::bootfs
