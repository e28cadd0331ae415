// libns/allocator.cc
#include "libns/allocator.h"

namespace ns {

BufferAllocator::BufferAllocator(void* buffer, size_t size)
    : begin_(reinterpret_cast<uintptr_t>(buffer)),
      next_(reinterpret_cast<uintptr_t>(buffer)),
      end_(reinterpret_cast<uintptr_t>(buffer) + size) {}

size_t BufferAllocator::class_of(size_t size) {
  size_t c = 0;
  size_t block = 16;
  while (block < size) { block <<= 1; ++c; }
  return c;
}

void* BufferAllocator::allocate(size_t size, size_t align) {
  if (size == 0) size = 1;
  if (align > 16 && align > size) size = align;  // power-of-two blocks are aligned to their size
  size_t c = class_of(size);
  if (c >= kClasses) return nullptr;
  size_t block = size_t{16} << c;
  if (FreeBlock* f = free_[c]) {
    free_[c] = f->next;
    count_alloc(block);
    return f;
  }
  // Blocks are aligned to min(block, 4096) so any alignment up to the block size holds.
  size_t a = block < 4096 ? block : 4096;
  uintptr_t p = (next_ + a - 1) & ~(uintptr_t)(a - 1);
  if (p < next_ || p > end_ || end_ - p < block) return nullptr;
  next_ = p + block;
  count_alloc(block);
  return reinterpret_cast<void*>(p);
}

void BufferAllocator::deallocate(void* p, size_t size, size_t align) {
  if (!p) return;
  if (size == 0) size = 1;
  if (align > 16 && align > size) size = align;
  size_t c = class_of(size);
  auto* f = static_cast<FreeBlock*>(p);
  f->next = free_[c];
  free_[c] = f;
  count_free(size_t{16} << c);
}

void* LimitAllocator::allocate(size_t size, size_t align) {
  if (bytes_in_use() + size > limit_) return nullptr;
  void* p = backing_.allocate(size, align);
  if (p) count_alloc(size);
  return p;
}

void LimitAllocator::deallocate(void* p, size_t size, size_t align) {
  if (!p) return;
  backing_.deallocate(p, size, align);
  count_free(size);
}

}  // namespace ns
