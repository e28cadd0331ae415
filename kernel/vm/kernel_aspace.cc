// kernel/vm/kernel_aspace.cc
#include "kernel/vm/kernel_aspace.h"

#include "kernel/lib/log.h"
#include "kernel/vm/pmm.h"

namespace kernel::aspace {
namespace {

using koios::Status;
using koios::u64;
using platform::Perm;

alignas(platform::PageTable) unsigned char g_table_storage[sizeof(platform::PageTable)];
platform::PageTable* g_table;
platform::SpinLock g_stack_lock;   // guards g_stack_used and the stack region's mappings
u64 g_stack_used[kStackSlots / 64];
KernelStack g_stack_cache[kStackCacheMax];
koios::u32 g_stack_cache_count;
u64 g_thread_stack_pages;

u64 alloc_for_tables(void*) {
  auto page = pmm::alloc_zeroed_page();
  return page.ok() ? page.value() : 0;
}
void free_for_tables(void*, u64 pa) { (void)pmm::free_page(pa); }

u64 page_floor(u64 v) { return v / platform::kPageSize * platform::kPageSize; }
u64 page_ceil(u64 v) { return (v + platform::kPageSize - 1) / platform::kPageSize * platform::kPageSize; }

Status map_range(u64 start, u64 end, Perm perm) {
  if (end <= start) return Status::Ok;
  return g_table->map(start, start, end - start, perm | Perm::Global);
}

Status map_device(u64 base, u64 size) {
  if (base == 0) return Status::Ok;
  return map_range(page_floor(base), page_ceil(base + (size ? size : platform::kPageSize)),
                   Perm::Read | Perm::Write);
}

}  // namespace

platform::PageSource page_source() { return platform::PageSource{alloc_for_tables, free_for_tables, nullptr}; }

Status init(const platform::BootInfo& info) {
  auto created = platform::PageTable::create(page_source());
  if (!created.ok()) return created.status();
  g_table = new (g_table_storage) platform::PageTable(created.value());
  auto text = platform::kernel_text();
  auto rodata = platform::kernel_rodata();
  auto data = platform::kernel_data();
  TRY(map_range(text.start, text.end, Perm::Read | Perm::Execute));
  TRY(map_range(rodata.start, rodata.end, Perm::Read));
  TRY(map_range(data.start, page_ceil(data.end), Perm::Read | Perm::Write));
  // The rest of RAM, read-write, around the image (the firmware's region below it is left out).
  for (koios::u32 i = 0; i < info.memory_count; ++i) {
    u64 start = page_ceil(info.memory[i].base), end = page_floor(info.memory[i].end());
    u64 image_start = platform::kernel_image_start(), image_end = page_ceil(data.end);
    if (start <= image_start && image_start < end) start = image_end;  // firmware + image: skip
    TRY(map_range(start, end, Perm::Read | Perm::Write));
  }
  TRY(map_device(info.uart_base, platform::kPageSize));
  TRY(map_device(info.plic_base, info.plic_size));
  TRY(map_device(info.test_device_base, platform::kPageSize));
  return Status::Ok;
}

void activate_this_hart() { g_table->activate(); }
platform::PageTable& table() { return *g_table; }

namespace {

void unmap_and_free_locked(u64 low, u64 size) {
  for (u64 off = 0; off < size; off += platform::kPageSize) {
    auto pa = g_table->translate(low + off);
    if (!pa.ok()) continue;
    (void)g_table->unmap(low + off, platform::kPageSize);
    (void)pmm::free_page(pa.value());
  }
}

koios::Result<KernelStack> map_stack_locked(koios::u32 slot) {
  u64 guard = kStackRegion + u64(slot) * kStackSlot;
  u64 low = guard + kGuardSize;
  for (u64 off = 0; off < kStackSize; off += platform::kPageSize) {
    auto page = pmm::alloc_zeroed_page();
    Status s = page.ok() ? g_table->map(low + off, page.value(), platform::kPageSize,
                                        Perm::Read | Perm::Write | Perm::Global)
                         : page.status();
    if (s != Status::Ok) {
      if (page.ok()) (void)pmm::free_page(page.value());
      unmap_and_free_locked(low, off);
      return s;
    }
  }
  g_stack_used[slot / 64] |= 1ull << (slot % 64);
  return KernelStack{low, low + kStackSize};
}

}  // namespace

koios::Result<KernelStack> create_stack(koios::u32 slot) {
  if (slot >= platform::kMaxCpus) return Status::InvalidArgs;
  platform::SpinLockGuard guard(g_stack_lock);
  if (g_stack_used[slot / 64] & (1ull << (slot % 64))) return Status::AlreadyExists;
  return map_stack_locked(slot);
}

koios::Result<KernelStack> create_thread_stack() {
  platform::SpinLockGuard guard(g_stack_lock);
  if (g_stack_cache_count > 0) return g_stack_cache[--g_stack_cache_count];
  for (koios::u32 slot = platform::kMaxCpus; slot < kStackSlots; ++slot) {
    if ((g_stack_used[slot / 64] & (1ull << (slot % 64))) != 0) continue;
    auto stack = map_stack_locked(slot);
    if (stack.ok()) g_thread_stack_pages += kStackSize / platform::kPageSize;
    return stack;
  }
  return Status::NoResources;
}

u64 thread_stack_pages() {
  platform::SpinLockGuard guard(g_stack_lock);
  return g_thread_stack_pages;
}

void destroy_stack(const KernelStack& stack) {
  platform::SpinLockGuard guard(g_stack_lock);
  if (g_stack_cache_count < kStackCacheMax) {
    g_stack_cache[g_stack_cache_count++] = stack;
    return;
  }
  g_thread_stack_pages -= (stack.top - stack.low) / platform::kPageSize;
  koios::u32 slot = koios::u32((stack.low - kGuardSize - kStackRegion) / kStackSlot);
  unmap_and_free_locked(stack.low, stack.top - stack.low);
  // Another hart that ran a thread on this stack may still cache its translations; fence them
  // before the slot can be reused. (The fence is M-mode's work, so it completes with S-mode
  // interrupts off on every hart.)
  platform::flush_tlb_all_harts(stack.low, stack.top - stack.low);
  g_stack_used[slot / 64] &= ~(1ull << (slot % 64));
}

}  // namespace kernel::aspace
