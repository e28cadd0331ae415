// kernel/vm/pmm.cc: places the allocator's bitmap right after the kernel image and reserves
// everything that is not free RAM: firmware, the image, the bitmap and the device tree.
#include "kernel/vm/pmm.h"

#include <cstring>

#include "platform/platform.h"

namespace kernel::pmm {
namespace {

using koios::Status;
using koios::u64;

PageAllocator g_allocator;
platform::SpinLock g_lock;

u64 round_up(u64 v, u64 a) { return (v + a - 1) / a * a; }

}  // namespace

Status init(const platform::BootInfo& info) {
  u64 bitmap_at = round_up(platform::kernel_image_end(), PageAllocator::kPageSize);
  u64 bitmap_end = bitmap_at;
  for (koios::u32 i = 0; i < info.memory_count; ++i) {
    const auto& m = info.memory[i];
    u64 base = round_up(m.base, PageAllocator::kPageSize);
    if (m.base + m.size <= base) continue;
    u64 size = (m.base + m.size - base) / PageAllocator::kPageSize * PageAllocator::kPageSize;
    if (size == 0) continue;
    auto* bitmap = reinterpret_cast<u64*>(bitmap_end);
    Status s = g_allocator.add_range(base, size, bitmap);
    if (s != Status::Ok) return s;
    bitmap_end = round_up(bitmap_end + PageAllocator::bitmap_bytes(size), PageAllocator::kPageSize);
  }
  for (koios::u32 i = 0; i < info.memory_count; ++i) g_allocator.release(info.memory[i].base, info.memory[i].size);
  // Firmware sits below the kernel; reserving from the start of the kernel's own RAM bank covers
  // it even when the device tree does not list it (the banks may be listed in any order).
  u64 image = platform::kernel_image_start();
  const platform::MemoryRange* bank = nullptr;
  for (koios::u32 i = 0; i < info.memory_count; ++i)
    if (info.memory[i].base <= image && image < info.memory[i].end()) bank = &info.memory[i];
  if (bank == nullptr || bitmap_end > bank->end()) return Status::BadState;  // image or bitmap outside RAM
  g_allocator.reserve(bank->base, bitmap_end - bank->base);
  for (koios::u32 i = 0; i < info.reserved_count; ++i) g_allocator.reserve(info.reserved[i].base, info.reserved[i].size);
  g_allocator.reserve(info.dtb_base, info.dtb_size);
  return g_allocator.free_pages() > 0 ? Status::Ok : Status::NoMemory;
}

koios::Result<u64> alloc_page() {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.alloc();
}

koios::Result<u64> alloc_zeroed_page() {
  u64 pa = TRY(alloc_page());
  std::memset(reinterpret_cast<void*>(pa), 0, PageAllocator::kPageSize);
  return pa;
}

koios::Result<u64> alloc_pages(u64 count) {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.alloc_contiguous(count);
}

Status free_page(u64 pa) {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.free(pa);
}

Status free_pages(u64 pa, u64 count) {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.free_contiguous(pa, count);
}

u64 free_page_count() {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.free_pages();
}

u64 total_page_count() { return g_allocator.total_pages(); }

bool is_free(u64 pa) {
  platform::SpinLockGuard guard(g_lock);
  return g_allocator.is_free(pa);
}

}  // namespace kernel::pmm
