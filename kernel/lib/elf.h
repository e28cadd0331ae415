// kernel/lib/elf.h: reading ELF64 executables for RISC-V. Parsing only, bounds-checked, no
// allocation: the loader (kernel/vm/user_aspace) maps what this describes. Host-tested.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel::elf {

inline constexpr koios::u32 kMaxSegments = 8;
enum SegmentFlags : koios::u32 { kExecute = 1, kWrite = 2, kRead = 4 };

struct Segment {
  koios::u64 vaddr;      // where it goes
  koios::u64 mem_size;   // bytes in memory (the tail past file_size is zero)
  koios::u64 file_offset;
  koios::u64 file_size;
  koios::u32 flags;      // SegmentFlags
};

struct Image {
  koios::u64 entry;
  Segment segments[kMaxSegments];
  koios::u32 segment_count;
};

// BadFormat for anything that is not a well-formed static RISC-V ELF64 executable whose loadable
// segments lie in [low, high), are page aligned in memory and file alike, do not overlap, and are
// never both writable and executable (W^X); the entry must be in an executable segment.
koios::Result<Image> parse(const void* data, koios::usize size, koios::u64 low, koios::u64 high);

}  // namespace kernel::elf
