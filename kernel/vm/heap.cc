// kernel/vm/heap.cc
#include "kernel/vm/heap.h"

#include <new>

#include "kernel/lib/panic.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"

namespace kernel::heap {
namespace {

using koios::u32;
using koios::u64;
using koios::usize;

constexpr u32 kMagicUsed = 0x4b4f4955;  // "KOIU"
constexpr u32 kMagicFree = 0x4b4f4946;  // "KOIF"
constexpr u32 kClassCount = 8;          // 32, 64, ... 4096 bytes including the header
constexpr usize kHeader = 16;
constexpr u32 kLargeClass = 0xff;

struct Header {
  u32 magic;
  u32 size_class;   // kLargeClass for page runs
  u32 requested;    // bytes the caller asked for (capped; only for accounting)
  u32 pages;        // page count for page runs
};
static_assert(sizeof(Header) == kHeader);

struct FreeBlock {
  Header header;
  FreeBlock* next;
};

FreeBlock* g_free[kClassCount];
platform::SpinLock g_lock;
usize g_bytes_in_use;
usize g_blocks_in_use;

usize class_size(u32 c) { return usize(32) << c; }

bool refill_locked(u32 c) {
  auto page = pmm::alloc_page();
  if (!page.ok()) return false;
  usize size = class_size(c);
  for (usize off = 0; off + size <= platform::kPageSize; off += size) {
    auto* block = reinterpret_cast<FreeBlock*>(page.value() + off);
    block->header = Header{kMagicFree, c, 0, 0};
    block->next = g_free[c];
    g_free[c] = block;
  }
  return true;
}

}  // namespace

void* alloc(usize size) {
  if (size > (usize(1) << 31)) return nullptr;
  usize total = size + kHeader;
  platform::SpinLockGuard guard(g_lock);
  Header* h;
  if (total > class_size(kClassCount - 1)) {
    u64 pages = (total + platform::kPageSize - 1) / platform::kPageSize;
    auto run = pmm::alloc_pages(pages);
    if (!run.ok()) return nullptr;
    h = reinterpret_cast<Header*>(run.value());
    *h = Header{kMagicUsed, kLargeClass, u32(size), u32(pages)};
  } else {
    u32 c = 0;
    while (class_size(c) < total) ++c;
    if (g_free[c] == nullptr && !refill_locked(c)) return nullptr;
    FreeBlock* block = g_free[c];
    g_free[c] = block->next;
    h = &block->header;
    *h = Header{kMagicUsed, c, u32(size), 0};
  }
  g_bytes_in_use += size;
  ++g_blocks_in_use;
  return reinterpret_cast<char*>(h) + kHeader;
}

void free(void* block) {
  if (block == nullptr) return;
  auto* h = reinterpret_cast<Header*>(static_cast<char*>(block) - kHeader);
  platform::SpinLockGuard guard(g_lock);
  if (h->magic != kMagicUsed) panic("heap: free of %p, which is not an allocated block (magic %x)", block, h->magic);
  g_bytes_in_use -= h->requested;
  --g_blocks_in_use;
  if (h->size_class == kLargeClass) {
    h->magic = kMagicFree;
    (void)pmm::free_pages(reinterpret_cast<u64>(h), h->pages);
    return;
  }
  if (h->size_class >= kClassCount) panic("heap: corrupt header at %p", block);
  auto* f = reinterpret_cast<FreeBlock*>(h);
  h->magic = kMagicFree;
  f->next = g_free[h->size_class];
  g_free[h->size_class] = f;
}

usize bytes_in_use() {
  platform::SpinLockGuard guard(g_lock);
  return g_bytes_in_use;
}

usize blocks_in_use() {
  platform::SpinLockGuard guard(g_lock);
  return g_blocks_in_use;
}

}  // namespace kernel::heap

// <new> declares it; libstdc++'s runtime, which the kernel does not link, would define it.
const std::nothrow_t std::nothrow{};

// Kernel code allocates with `new (std::nothrow) T` and checks for nullptr; the throwing forms
// exist only because the language requires them, and panic on exhaustion.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return kernel::heap::alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return kernel::heap::alloc(size); }
void* operator new(std::size_t size) {
  void* p = kernel::heap::alloc(size);
  if (p == nullptr) kernel::panic("heap: out of memory in a throwing operator new (%zu bytes)", size);
  return p;
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { kernel::heap::free(p); }
void operator delete[](void* p) noexcept { kernel::heap::free(p); }
void operator delete(void* p, std::size_t) noexcept { kernel::heap::free(p); }
void operator delete[](void* p, std::size_t) noexcept { kernel::heap::free(p); }
