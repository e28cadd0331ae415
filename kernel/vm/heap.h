// kernel/vm/heap.h: the kernel heap. Small blocks come from power-of-two size classes carved out
// of whole pages; larger ones are runs of contiguous pages. Every block has a 16-byte header so
// free() knows its size and can catch a bad or repeated free.
#pragma once

#include "koios/types.h"

namespace kernel::heap {

void* alloc(koios::usize size);     // nullptr when out of memory; 16-byte aligned
void free(void* block);             // nullptr is ignored; a corrupt header panics (a kernel bug)
koios::usize bytes_in_use();        // what callers asked for and have not freed
koios::usize blocks_in_use();

}  // namespace kernel::heap
