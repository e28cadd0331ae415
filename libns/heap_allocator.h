// libns/heap_allocator.h: host only (tests, fuzzer, benchmark). An Allocator over the C++ heap.
// Nothing in the libns library includes this; the freestanding build never sees it.
#pragma once

#include <new>

#include "libns/allocator.h"

namespace ns {

class HeapAllocator final : public Allocator {
 public:
  void* allocate(size_t size, size_t align) override {
    void* p = ::operator new(size, std::align_val_t(align), std::nothrow);
    if (p) count_alloc(size);
    return p;
  }
  void deallocate(void* p, size_t size, size_t align) override {
    if (!p) return;
    ::operator delete(p, std::align_val_t(align));
    count_free(size);
  }
};

}  // namespace ns
