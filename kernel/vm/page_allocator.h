// kernel/vm/page_allocator.h: the physical page allocator's bookkeeping, one bit per 4 KiB page
// over up to kMaxRanges ranges of RAM. Pure logic (it never touches the pages it hands out), so
// the host's unit tests run it on made-up addresses. The kernel's instance lives in pmm.cc,
// behind a lock; this class itself is not thread-safe.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel {

class PageAllocator {
 public:
  static constexpr koios::u64 kPageSize = 4096;
  static constexpr koios::u32 kMaxRanges = 4;

  // Bytes of bitmap storage a range of `size` bytes needs.
  static constexpr koios::usize bitmap_bytes(koios::u64 size) {
    koios::u64 pages = size / kPageSize;
    return koios::usize((pages + 63) / 64 * 8);
  }

  // Adds [base, base+size) with every page initially in use; `bitmap` (bitmap_bytes(size), 8-byte
  // aligned) is owned by the caller and must outlive the allocator.
  koios::Status add_range(koios::u64 base, koios::u64 size, koios::u64* bitmap);
  // Marks pages free or in use (for the parts of RAM the kernel, firmware or device tree occupy).
  // Partial pages at the edges are rounded outward for reserve and inward for release.
  void release(koios::u64 base, koios::u64 size);
  void reserve(koios::u64 base, koios::u64 size);

  koios::Result<koios::u64> alloc();
  // `count` physically contiguous pages, the first aligned to `align_pages` pages.
  koios::Result<koios::u64> alloc_contiguous(koios::u64 count, koios::u64 align_pages = 1);
  // InvalidArgs for an address outside every range or not page aligned; BadState for a page
  // that is already free (a double free), in which case nothing changes.
  koios::Status free(koios::u64 pa);
  koios::Status free_contiguous(koios::u64 pa, koios::u64 count);

  bool is_free(koios::u64 pa) const;
  koios::u64 free_pages() const { return free_pages_; }
  koios::u64 total_pages() const { return total_pages_; }

 private:
  struct Range {
    koios::u64 base = 0;
    koios::u64 pages = 0;
    koios::u64* bitmap = nullptr;  // bit set = page in use
    koios::u64 hint = 0;           // where the next search starts
  };
  Range* range_of(koios::u64 pa, koios::u64* index);
  const Range* range_of(koios::u64 pa, koios::u64* index) const;
  static bool used(const Range& r, koios::u64 i) { return (r.bitmap[i / 64] >> (i % 64)) & 1; }
  void set_used(Range& r, koios::u64 i, bool in_use);
  void mark(koios::u64 base, koios::u64 size, bool in_use);

  Range ranges_[kMaxRanges];
  koios::u32 range_count_ = 0;
  koios::u64 free_pages_ = 0;
  koios::u64 total_pages_ = 0;
};

}  // namespace kernel
