// kernel/abi/koios/elf.h: reading ELF64 executables for RISC-V. Parsing only, bounds-checked, no
// allocation, no syscalls: the kernel's loader (kernel/vm/user_aspace) and the user-space spawner
// (servers/runtime/spawn) map what this describes, so both refuse exactly the same files.
// Host-tested (tests/unit/kernel/elf_test.cc).
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace koios::elf {

inline constexpr u32 kMaxSegments = 8;
enum SegmentFlags : u32 { kExecute = 1, kWrite = 2, kRead = 4 };
// The ELF header and the program headers sit in the first bytes of a file; a parser given only a
// prefix of the file (the spawner reads this much) still checks every segment against file_size.
inline constexpr u64 kHeaderSize = 64;
inline constexpr u64 kProgramHeaderSize = 56;

struct Segment {
  u64 vaddr;        // where it goes
  u64 mem_size;     // bytes in memory (the tail past file_size is zero)
  u64 file_offset;
  u64 file_size;
  u32 flags;        // SegmentFlags
};

struct Image {
  u64 entry;
  Segment segments[kMaxSegments];
  u32 segment_count;
};

namespace detail {
template <typename T>
T read(const u8* p) {
  T v = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) v |= T(T(p[i]) << (8 * i));  // little endian
  return v;
}
}  // namespace detail

// BadFormat for anything that is not a well-formed static RISC-V ELF64 executable whose loadable
// segments lie in [low, high), are page aligned in memory and file alike, do not overlap, and are
// never both writable and executable (W^X); the entry must be in an executable segment.
// `data` holds the first `size` bytes of a file of `file_size` bytes (the whole file when equal):
// the headers must lie within `size`, the segments' file ranges within `file_size`.
inline Result<Image> parse_prefix(const void* data, usize size, u64 file_size, u64 low, u64 high) {
  using detail::read;
  constexpr u64 kPage = 4096;
  constexpr u16 kMachineRiscv = 243;
  constexpr u16 kTypeExec = 2;
  constexpr u32 kPtLoad = 1;
  const u8* b = static_cast<const u8*>(data);
  if (b == nullptr || size < kHeaderSize || size > file_size) return Status::BadFormat;
  if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return Status::BadFormat;
  if (b[4] != 2 /* 64-bit */ || b[5] != 1 /* little endian */ || b[6] != 1) return Status::BadFormat;
  if (read<u16>(b + 16) != kTypeExec || read<u16>(b + 18) != kMachineRiscv) return Status::BadFormat;
  Image image{};
  image.entry = read<u64>(b + 24);
  u64 phoff = read<u64>(b + 32);
  u16 phentsize = read<u16>(b + 54), phnum = read<u16>(b + 56);
  if (phentsize != kProgramHeaderSize || phoff > size || u64(phnum) * kProgramHeaderSize > size - phoff)
    return Status::BadFormat;
  bool entry_ok = false;
  for (u16 i = 0; i < phnum; ++i) {
    const u8* ph = b + phoff + u64(i) * kProgramHeaderSize;
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
    if (s.file_offset > file_size || s.file_size > file_size - s.file_offset) return Status::BadFormat;
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

// The whole file in memory.
inline Result<Image> parse(const void* data, usize size, u64 low, u64 high) {
  return parse_prefix(data, size, size, low, high);
}

}  // namespace koios::elf
