// tests/kernel/vm_test.cc: self-tests of physical pages, the heap and page tables on the real
// machine (the allocator's logic is also unit-tested on the host).
#include <cstring>

#include "kernel/vm/heap.h"
#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"

namespace kernel::selftest {

using koios::u64;

void pmm_test(Context& ctx) {
  const auto& info = platform::boot_info();
  u64 free_before = pmm::free_page_count();
  CHECK_THAT(ctx, free_before > 0 && free_before <= pmm::total_page_count());
  constexpr int kCount = 64;
  u64 pages[kCount];
  int got = 0;
  for (; got < kCount; ++got) {
    auto p = pmm::alloc_page();
    if (!ctx.check(p.ok(), "alloc_page succeeds")) break;
    pages[got] = p.value();
  }
  for (int i = 0; i < got; ++i) {
    u64 pa = pages[i];
    ctx.check(pa % platform::kPageSize == 0, "pages are page aligned");
    ctx.check(pa >= info.memory[0].base && pa < info.memory[0].end(), "pages are in RAM");
    ctx.check(pa >= platform::kernel_image_end() || pa + platform::kPageSize <= platform::kernel_image_start(),
              "no page overlaps the kernel image");
    ctx.check(pa + platform::kPageSize <= info.dtb_base || pa >= info.dtb_base + info.dtb_size,
              "no page overlaps the device tree");
    for (int j = 0; j < i; ++j) ctx.check(pages[j] != pa, "no page is handed out twice");
    std::memset(reinterpret_cast<void*>(pa), 0xa5, platform::kPageSize);  // the page is usable
  }
  CHECK_THAT(ctx, pmm::free_page_count() == free_before - u64(got));
  for (int i = 0; i < got; ++i) ctx.check(pmm::free_page(pages[i]) == koios::Status::Ok, "free succeeds");
  CHECK_THAT(ctx, pmm::free_page_count() == free_before);
  if (got > 0) ctx.check(pmm::free_page(pages[0]) == koios::Status::BadState, "a double free is refused");
  CHECK_THAT(ctx, pmm::free_page(platform::kernel_image_start() - platform::kPageSize * 1024) != koios::Status::Ok);
  auto run = pmm::alloc_pages(16);
  if (ctx.check(run.ok(), "16 contiguous pages")) {
    for (u64 i = 0; i < 16; ++i) ctx.check(!pmm::is_free(run.value() + i * platform::kPageSize), "run in use");
    ctx.check(pmm::free_pages(run.value(), 16) == koios::Status::Ok, "run freed");
  }
  CHECK_THAT(ctx, pmm::free_page_count() == free_before);
}

void heap_test(Context& ctx) {
  koios::usize bytes_before = heap::bytes_in_use();
  koios::usize blocks_before = heap::blocks_in_use();
  constexpr int kCount = 200;
  unsigned char* blocks[kCount];
  for (int i = 0; i < kCount; ++i) {
    koios::usize size = koios::usize(1 + (i * 37) % 3000);
    blocks[i] = static_cast<unsigned char*>(heap::alloc(size));
    if (!ctx.check(blocks[i] != nullptr, "small allocations succeed")) return;
    ctx.check((reinterpret_cast<koios::uptr>(blocks[i]) & 15) == 0, "blocks are 16-byte aligned");
    std::memset(blocks[i], i & 0xff, size);
  }
  for (int i = 0; i < kCount; ++i) {
    koios::usize size = koios::usize(1 + (i * 37) % 3000);
    bool intact = true;
    for (koios::usize k = 0; k < size; ++k) intact &= blocks[i][k] == (i & 0xff);
    ctx.check(intact, "no block overlaps another");
  }
  void* large = heap::alloc(40000);
  CHECK_THAT(ctx, large != nullptr);
  if (large) std::memset(large, 1, 40000);
  heap::free(large);
  for (int i = 0; i < kCount; ++i) heap::free(blocks[i]);
  CHECK_THAT(ctx, heap::bytes_in_use() == bytes_before);
  CHECK_THAT(ctx, heap::blocks_in_use() == blocks_before);
  CHECK_THAT(ctx, heap::alloc(koios::usize(1) << 40) == nullptr);
}

void page_table_test(Context& ctx) {
  platform::PageTable& table = aspace::table();
  auto page = pmm::alloc_zeroed_page();
  if (!ctx.check(page.ok(), "a page to map")) return;
  u64 va = aspace::kScratchRegion;
  using platform::Perm;
  CHECK_THAT(ctx, table.map(va, page.value(), platform::kPageSize, Perm::Read | Perm::Write) == koios::Status::Ok);
  CHECK_THAT(ctx, table.translate(va + 123).value_or(0) == page.value() + 123);
  // The same physical page through two addresses: identity map and the new mapping.
  *reinterpret_cast<volatile u64*>(va + 8) = 0x1234'5678'9abc'def0ull;
  CHECK_THAT(ctx, *reinterpret_cast<volatile u64*>(page.value() + 8) == 0x1234'5678'9abc'def0ull);
  CHECK_THAT(ctx, table.map(va, page.value(), platform::kPageSize, Perm::Read) == koios::Status::AlreadyExists);
  CHECK_THAT(ctx, table.map(va + platform::kPageSize, page.value(), platform::kPageSize,
                            Perm::Read | Perm::Write | Perm::Execute) == koios::Status::InvalidArgs);  // W^X
  CHECK_THAT(ctx, table.map(va + 1, page.value(), platform::kPageSize, Perm::Read) == koios::Status::InvalidArgs);
  CHECK_THAT(ctx, table.map(0x0000'0040'0000'0000ull, page.value(), platform::kPageSize, Perm::Read) ==
                      koios::Status::InvalidArgs);  // not a canonical Sv39 address
  CHECK_THAT(ctx, table.unmap(va, platform::kPageSize) == koios::Status::Ok);
  CHECK_THAT(ctx, table.translate(va).status() == koios::Status::NotFound);
  // The kernel's own layout: text is not writable through the identity map, so W^X holds.
  CHECK_THAT(ctx, table.translate(platform::kernel_text().start).value_or(0) == platform::kernel_text().start);
  CHECK_THAT(ctx, table.translate(aspace::kStackRegion).status() == koios::Status::NotFound);  // guard page
  (void)pmm::free_page(page.value());
}

}  // namespace kernel::selftest
