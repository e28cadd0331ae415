// kernel/vm/pmm.h: the kernel's physical memory, sized from the device tree. A lock around one
// PageAllocator. Pages are identity mapped, so a physical address is also a kernel pointer.
// User pages are charged to cgroups where VmObjects commit them (kernel/sched/budget.h).
#pragma once

#include "koios/result.h"
#include "kernel/vm/page_allocator.h"
#include "platform/boot_info.h"

namespace kernel::pmm {

koios::Status init(const platform::BootInfo& info);
koios::Result<koios::u64> alloc_page();                 // contents undefined
koios::Result<koios::u64> alloc_zeroed_page();
koios::Result<koios::u64> alloc_pages(koios::u64 count);
koios::Status free_page(koios::u64 pa);
koios::Status free_pages(koios::u64 pa, koios::u64 count);
koios::u64 free_page_count();
koios::u64 total_page_count();
bool is_free(koios::u64 pa);

}  // namespace kernel::pmm
