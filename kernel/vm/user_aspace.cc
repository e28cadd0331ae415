// kernel/vm/user_aspace.cc
#include "kernel/vm/user_aspace.h"

#include <atomic>
#include <cstring>
#include <new>

#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"

namespace kernel {

using koios::Status;
using koios::u64;
using platform::Perm;

namespace {
constexpr u64 kPage = platform::kPageSize;

// Every page a user space takes or gives back passes through here, so leaks show as a count.
std::atomic<u64> g_live_pages{0};
u64 alloc_counted(void*) {
  auto page = pmm::alloc_zeroed_page();
  if (!page.ok()) return 0;
  g_live_pages.fetch_add(1, std::memory_order_relaxed);
  return page.value();
}
void free_counted(void*, u64 pa) {
  if (pmm::free_page(pa) == Status::Ok) g_live_pages.fetch_sub(1, std::memory_order_relaxed);
}
const platform::PageSource kCountedPages{alloc_counted, free_counted, nullptr};

bool user_range(u64 va, u64 size) {
  return va >= platform::kUserBase && va < platform::kUserTop && size <= platform::kUserTop - va;
}
}  // namespace

koios::Result<UserAspace*> UserAspace::create() {
  auto table = platform::PageTable::create(kCountedPages);
  if (!table.ok()) return table.status();
  table.value().share_kernel_mappings(aspace::table());
  auto* space = new (std::nothrow) UserAspace(table.value());
  if (space == nullptr) {
    auto t = table.value();
    t.destroy_user();
    return Status::NoMemory;
  }
  return space;
}

UserAspace::~UserAspace() { table_.destroy_user(); }

u64 UserAspace::live_pages() { return g_live_pages.load(std::memory_order_relaxed); }

Status UserAspace::map_zeroed(u64 va, u64 size, Perm perm) {
  if (va % kPage != 0 || size % kPage != 0 || size == 0 || !user_range(va, size)) return Status::InvalidArgs;
  for (u64 off = 0; off < size; off += kPage) {
    u64 page = alloc_counted(nullptr);
    if (page == 0) return Status::NoMemory;  // pages mapped so far stay, and go with the space
    Status s = table_.map(va + off, page, kPage, perm | Perm::User);
    if (s != Status::Ok) {
      free_counted(nullptr, page);
      return s;
    }
    ++pages_;
  }
  return Status::Ok;
}

koios::Result<u64> UserAspace::load(const void* data, koios::usize size) {
  auto image = TRY(elf::parse(data, size, platform::kUserBase, kStackTop - kStackSize - kPage));
  for (koios::u32 i = 0; i < image.segment_count; ++i) {
    const elf::Segment& s = image.segments[i];
    Perm perm = Perm(0);
    if (s.flags & elf::kRead) perm = perm | Perm::Read;
    if (s.flags & elf::kWrite) perm = perm | Perm::Read | Perm::Write;
    if (s.flags & elf::kExecute) perm = perm | Perm::Execute;
    u64 start = s.vaddr / kPage * kPage;
    u64 end = (s.vaddr + s.mem_size + kPage - 1) / kPage * kPage;
    TRY(map_zeroed(start, end - start, perm));
    // Write the file's bytes through the identity map, page by page (the mapping may be read-only).
    const auto* src = static_cast<const koios::u8*>(data) + s.file_offset;
    for (u64 done = 0; done < s.file_size;) {
      u64 va = s.vaddr + done;
      u64 chunk = kPage - va % kPage;
      if (chunk > s.file_size - done) chunk = s.file_size - done;
      u64 pa = TRY(table_.translate(va));
      std::memcpy(reinterpret_cast<void*>(pa), src + done, chunk);
      done += chunk;
    }
  }
  TRY(map_zeroed(kStackTop - kStackSize, kStackSize, Perm::Read | Perm::Write));
  return image.entry;
}

Status UserAspace::copy_in(void* dst, u64 user_src, koios::usize size) const {
  if (size == 0) return Status::Ok;
  if (!user_range(user_src, size)) return Status::InvalidArgs;
  auto* out = static_cast<koios::u8*>(dst);
  for (u64 done = 0; done < size;) {
    u64 va = user_src + done;
    u64 chunk = kPage - va % kPage;
    if (chunk > size - done) chunk = size - done;
    u64 pa = TRY(table_.translate_checked(va, Perm::User | Perm::Read));
    std::memcpy(out + done, reinterpret_cast<const void*>(pa), chunk);
    done += chunk;
  }
  return Status::Ok;
}

Status UserAspace::copy_out(u64 user_dst, const void* src, koios::usize size) const {
  if (size == 0) return Status::Ok;
  if (!user_range(user_dst, size)) return Status::InvalidArgs;
  // All or nothing: every page is checked before any byte is written. The usual small copy spans
  // at most two pages, whose addresses are kept from the check, so each page is walked once.
  u64 first_page = user_dst / kPage * kPage;
  if (user_dst + size - first_page <= 2 * kPage) {
    u64 pa[2] = {0, 0};
    pa[0] = TRY(table_.translate_checked(first_page, Perm::User | Perm::Read | Perm::Write));
    if (user_dst + size > first_page + kPage)
      pa[1] = TRY(table_.translate_checked(first_page + kPage, Perm::User | Perm::Read | Perm::Write));
    u64 offset = user_dst - first_page;
    koios::usize head = size < kPage - offset ? size : koios::usize(kPage - offset);
    std::memcpy(reinterpret_cast<void*>(pa[0] + offset), src, head);
    if (head < size) std::memcpy(reinterpret_cast<void*>(pa[1]), static_cast<const koios::u8*>(src) + head, size - head);
    return Status::Ok;
  }
  TRY(check_writable(user_dst, size));
  const auto* in = static_cast<const koios::u8*>(src);
  for (u64 done = 0; done < size;) {
    u64 va = user_dst + done;
    u64 chunk = kPage - va % kPage;
    if (chunk > size - done) chunk = size - done;
    u64 pa = TRY(table_.translate_checked(va, Perm::User | Perm::Read | Perm::Write));
    std::memcpy(reinterpret_cast<void*>(pa), in + done, chunk);
    done += chunk;
  }
  return Status::Ok;
}

Status UserAspace::check_writable(u64 user_dst, koios::usize size) const {
  if (size == 0) return Status::Ok;
  if (!user_range(user_dst, size)) return Status::InvalidArgs;
  for (u64 va = user_dst / kPage * kPage; va < user_dst + size; va += kPage)
    TRY(table_.translate_checked(va, Perm::User | Perm::Read | Perm::Write));
  return Status::Ok;
}

}  // namespace kernel
