// kernel/lib/elf.cc
#include "kernel/lib/elf.h"

namespace kernel::elf {
namespace {

using koios::Status;
using koios::u16;
using koios::u32;
using koios::u64;
using koios::u8;

constexpr u64 kPage = 4096;
constexpr u16 kMachineRiscv = 243;
constexpr u16 kTypeExec = 2;
constexpr u32 kPtLoad = 1;

template <typename T>
T read(const u8* p) {
  T v = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) v |= T(T(p[i]) << (8 * i));  // little endian
  return v;
}

}  // namespace

koios::Result<Image> parse(const void* data, koios::usize size, u64 low, u64 high) {
  const u8* b = static_cast<const u8*>(data);
  if (b == nullptr || size < 64) return Status::BadFormat;
  if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return Status::BadFormat;
  if (b[4] != 2 /* 64-bit */ || b[5] != 1 /* little endian */ || b[6] != 1) return Status::BadFormat;
  if (read<u16>(b + 16) != kTypeExec || read<u16>(b + 18) != kMachineRiscv) return Status::BadFormat;
  Image image{};
  image.entry = read<u64>(b + 24);
  u64 phoff = read<u64>(b + 32);
  u16 phentsize = read<u16>(b + 54), phnum = read<u16>(b + 56);
  if (phentsize != 56 || phoff > size || u64(phnum) * 56 > size - phoff) return Status::BadFormat;
  bool entry_ok = false;
  for (u16 i = 0; i < phnum; ++i) {
    const u8* ph = b + phoff + u64(i) * 56;
    if (read<u32>(ph) != kPtLoad) continue;
    Segment s{};
    s.flags = read<u32>(ph + 4) & 7;
    s.file_offset = read<u64>(ph + 8);
    s.vaddr = read<u64>(ph + 16);
    s.file_size = read<u64>(ph + 32);
    s.mem_size = read<u64>(ph + 40);
    if (s.mem_size == 0) continue;
    if (image.segment_count == kMaxSegments) return Status::BadFormat;
    if (s.file_size > s.mem_size) return Status::BadFormat;
    if (s.file_offset > size || s.file_size > size - s.file_offset) return Status::BadFormat;
    if (s.vaddr % kPage != s.file_offset % kPage) return Status::BadFormat;
    if (s.vaddr < low || s.vaddr >= high || s.mem_size > high - s.vaddr) return Status::BadFormat;
    if ((s.flags & kWrite) && (s.flags & kExecute)) return Status::BadFormat;  // W^X
    u64 start = s.vaddr / kPage * kPage, end = (s.vaddr + s.mem_size + kPage - 1) / kPage * kPage;
    for (u32 k = 0; k < image.segment_count; ++k) {
      const Segment& o = image.segments[k];
      u64 o_start = o.vaddr / kPage * kPage, o_end = (o.vaddr + o.mem_size + kPage - 1) / kPage * kPage;
      if (start < o_end && o_start < end) return Status::BadFormat;  // segments share a page
    }
    if ((s.flags & kExecute) && image.entry >= s.vaddr && image.entry < s.vaddr + s.mem_size) entry_ok = true;
    image.segments[image.segment_count++] = s;
  }
  if (image.segment_count == 0 || !entry_ok) return Status::BadFormat;
  return image;
}

}  // namespace kernel::elf
