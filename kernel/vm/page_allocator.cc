// kernel/vm/page_allocator.cc
#include "kernel/vm/page_allocator.h"

namespace kernel {

using koios::Result;
using koios::Status;
using koios::u64;

Status PageAllocator::add_range(u64 base, u64 size, u64* bitmap) {
  if (range_count_ == kMaxRanges) return Status::NoResources;
  if (bitmap == nullptr || (base % kPageSize) != 0 || size < kPageSize || base + size < base)
    return Status::InvalidArgs;
  for (koios::u32 i = 0; i < range_count_; ++i) {
    const Range& r = ranges_[i];
    if (base < r.base + r.pages * kPageSize && r.base < base + size) return Status::AlreadyExists;
  }
  Range& r = ranges_[range_count_++];
  r.base = base;
  r.pages = size / kPageSize;
  r.bitmap = bitmap;
  r.hint = 0;
  for (u64 w = 0; w < (r.pages + 63) / 64; ++w) bitmap[w] = ~0ull;
  total_pages_ += r.pages;
  return Status::Ok;
}

PageAllocator::Range* PageAllocator::range_of(u64 pa, u64* index) {
  return const_cast<Range*>(static_cast<const PageAllocator*>(this)->range_of(pa, index));
}

const PageAllocator::Range* PageAllocator::range_of(u64 pa, u64* index) const {
  for (koios::u32 i = 0; i < range_count_; ++i) {
    const Range& r = ranges_[i];
    if (pa >= r.base && pa < r.base + r.pages * kPageSize) {
      *index = (pa - r.base) / kPageSize;
      return &r;
    }
  }
  return nullptr;
}

void PageAllocator::set_used(Range& r, u64 i, bool in_use) {
  if (used(r, i) == in_use) return;
  if (in_use) {
    r.bitmap[i / 64] |= 1ull << (i % 64);
    --free_pages_;
  } else {
    r.bitmap[i / 64] &= ~(1ull << (i % 64));
    ++free_pages_;
  }
}

void PageAllocator::mark(u64 base, u64 size, bool in_use) {
  if (size == 0 || base + size < base) return;
  // Reserving rounds outward (a partly used page is used); releasing rounds inward.
  u64 first = in_use ? base / kPageSize * kPageSize : (base + kPageSize - 1) / kPageSize * kPageSize;
  u64 end = in_use ? (base + size + kPageSize - 1) / kPageSize * kPageSize : (base + size) / kPageSize * kPageSize;
  for (u64 pa = first; pa < end; pa += kPageSize) {
    u64 i;
    if (Range* r = range_of(pa, &i)) set_used(*r, i, in_use);
  }
}

void PageAllocator::release(u64 base, u64 size) { mark(base, size, false); }
void PageAllocator::reserve(u64 base, u64 size) { mark(base, size, true); }

Result<u64> PageAllocator::alloc() { return alloc_contiguous(1, 1); }

Result<u64> PageAllocator::alloc_contiguous(u64 count, u64 align_pages) {
  if (count == 0 || align_pages == 0 || (align_pages & (align_pages - 1)) != 0) return Status::InvalidArgs;
  if (count > free_pages_) return Status::NoMemory;
  for (koios::u32 ri = 0; ri < range_count_; ++ri) {
    Range& r = ranges_[ri];
    if (count > r.pages) continue;
    // Next-fit from the hint, wrapping once, so repeated single-page allocations stay O(1) amortised.
    for (u64 pass = 0; pass < 2; ++pass) {
      u64 start = pass == 0 ? r.hint : 0;
      u64 stop = pass == 0 ? r.pages : r.hint;
      u64 i = start;
      while (i + count <= r.pages && i < stop) {
        u64 addr_index = (r.base / kPageSize) + i;
        if (addr_index % align_pages != 0) {
          i += align_pages - addr_index % align_pages;
          continue;
        }
        if (count == 1 && r.bitmap[i / 64] == ~0ull) {  // skip full words quickly
          i = (i / 64 + 1) * 64;
          continue;
        }
        u64 run = 0;
        while (run < count && !used(r, i + run)) ++run;
        if (run == count) {
          for (u64 k = 0; k < count; ++k) set_used(r, i + k, true);
          r.hint = i + count < r.pages ? i + count : 0;
          return r.base + i * kPageSize;
        }
        i += run + 1;
      }
    }
  }
  return Status::NoMemory;
}

Status PageAllocator::free(u64 pa) { return free_contiguous(pa, 1); }

Status PageAllocator::free_contiguous(u64 pa, u64 count) {
  if (pa % kPageSize != 0 || count == 0) return Status::InvalidArgs;
  u64 i;
  Range* r = range_of(pa, &i);
  if (r == nullptr || i + count > r->pages) return Status::InvalidArgs;
  for (u64 k = 0; k < count; ++k)
    if (!used(*r, i + k)) return Status::BadState;  // double free: change nothing
  for (u64 k = 0; k < count; ++k) set_used(*r, i + k, false);
  return Status::Ok;
}

bool PageAllocator::is_free(u64 pa) const {
  u64 i;
  const Range* r = range_of(pa, &i);
  return r != nullptr && !used(*r, i);
}

}  // namespace kernel
