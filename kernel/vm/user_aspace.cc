// kernel/vm/user_aspace.cc
#include "kernel/vm/user_aspace.h"

#include <atomic>
#include <cstring>
#include <new>

#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"
#include "kernel/vm/vm_range.h"

namespace kernel {

using koios::Status;
using koios::u64;
using platform::Perm;

namespace {
constexpr u64 kPage = platform::kPageSize;

// Page-table pages of every user space pass through here, so leaks show as a count.
std::atomic<u64> g_table_pages{0};
u64 alloc_counted(void*) {
  auto page = pmm::alloc_zeroed_page();
  if (!page.ok()) return 0;
  g_table_pages.fetch_add(1, std::memory_order_relaxed);
  return page.value();
}
void free_counted(void*, u64 pa) {
  if (pmm::free_page(pa) == Status::Ok) g_table_pages.fetch_sub(1, std::memory_order_relaxed);
}
const platform::PageSource kCountedPages{alloc_counted, free_counted, nullptr};

bool user_range(u64 va, u64 size) {
  return va >= platform::kUserBase && va < platform::kUserTop && size <= platform::kUserTop - va;
}

Perm without_write(Perm perm) { return Perm(koios::u32(perm) & ~koios::u32(Perm::Write)); }

Perm needed(UserAspace::Access access) {
  switch (access) {
    case UserAspace::Access::Write: return Perm::User | Perm::Read | Perm::Write;
    case UserAspace::Access::Execute: return Perm::User | Perm::Execute;
    default: return Perm::User | Perm::Read;
  }
}

void free_list(VmMapping* list) {
  while (list != nullptr) {
    VmMapping* next = list->next;
    delete list;  // drops its VmObject reference, maybe the last: no lock of ours is held here
    list = next;
  }
}
}  // namespace

koios::Result<RefPtr<UserAspace>> UserAspace::create() {
  auto table = platform::PageTable::create(kCountedPages);
  if (!table.ok()) return table.status();
  table.value().share_kernel_mappings(aspace::table());
  auto* space = new (std::nothrow) UserAspace(table.value());
  if (space == nullptr) {
    auto t = table.value();
    t.destroy_user();
    return Status::NoMemory;
  }
  return RefPtr<UserAspace>::adopt(space);
}

UserAspace::~UserAspace() { destroy(); }

void UserAspace::destroy() {
  VmMapping* dead = nullptr;
  {
    Guard guard(lock_);
    if (destroyed_) return;
    destroyed_ = true;
    for (VmMapping* m = mappings_; m != nullptr; m = m->next) {
      Guard object(m->vmo->lock_);
      m->vmo->unlink_locked(m);
      Guard table(table_lock_);
      clear_ptes_locked(m->base, m->size, false);  // no hart runs on this table any more
    }
    dead = mappings_;
    mappings_ = nullptr;
    Guard table(table_lock_);
    table_.destroy_user();  // only tables are left: every PTE was cleared above
    forget_translations_locked();
  }
  free_list(dead);
}

u64 UserAspace::resident_pages() const {
  Guard table(table_lock_);
  return resident_pages_;
}

u64 UserAspace::live_pages() { return g_table_pages.load(std::memory_order_relaxed) + VmObject::live_pages(); }

u64 UserAspace::mapped_bytes() const {
  Guard guard(lock_);
  u64 bytes = 0;
  for (VmMapping* m = mappings_; m != nullptr; m = m->next) bytes += m->size;
  return bytes;
}

u64 UserAspace::mapping_count() const {
  Guard guard(lock_);
  u64 n = 0;
  for (VmMapping* m = mappings_; m != nullptr; m = m->next) ++n;
  return n;
}

VmMapping* UserAspace::find_locked(u64 va) const {
  for (VmMapping* m = mappings_; m != nullptr && m->base <= va; m = m->next)
    if (va - m->base < m->size) return m;
  return nullptr;
}

void UserAspace::clear_ptes_locked(u64 va, u64 size, bool fence) {
  u64 present = 0;
  for (u64 off = 0; off < size; off += kPage) present += table_.translate(va + off).ok() ? 1 : 0;
  if (present == 0) return;
  forget_translations_locked();
  resident_pages_ -= present;
  (void)table_.unmap(va, size);  // 4 KiB PTEs only (fault_in never maps more), so it cannot fail
  if (fence) platform::flush_tlb_all_harts(va, size);
}

void UserAspace::zap_locked(VmMapping& m, u64 first, u64 count) {
  u64 m_first = m.vmo_offset / kPage, m_count = m.size / kPage;
  u64 lo = first > m_first ? first : m_first;
  u64 hi = first + count < m_first + m_count ? first + count : m_first + m_count;
  if (lo >= hi) return;
  Guard table(table_lock_);
  clear_ptes_locked(m.base + (lo - m_first) * kPage, (hi - lo) * kPage, true);
}

koios::Result<u64> UserAspace::map(Placement placement, u64 va, RefPtr<VmObject> vmo, u64 vmo_offset, u64 length,
                                   Perm perm) {
  if (length == 0 || !vm::page_aligned(length) || !vm::page_aligned(vmo_offset)) return Status::InvalidArgs;
  bool r = has(perm, Perm::Read), w = has(perm, Perm::Write), x = has(perm, Perm::Execute);
  if (!r || (w && x)) return Status::InvalidArgs;
  u64 object_size = vmo->size();
  if (vmo_offset > object_size || length > object_size - vmo_offset) return Status::OutOfRange;
  auto* mapping = new (std::nothrow) VmMapping();
  if (mapping == nullptr) return Status::NoMemory;
  Guard guard(lock_);
  Status refused = Status::Ok;
  if (destroyed_) {
    refused = Status::BadState;
  } else if (placement == Placement::Specific) {
    refused = vm::check_range(va, length, platform::kUserBase, platform::kUserTop);
    if (refused == Status::Ok && vm::first_overlap(mappings_, va, length) != nullptr) refused = Status::AlreadyExists;
  } else {
    auto gap = vm::first_fit(mappings_, length, kAnywhereBase, platform::kUserTop);
    if (gap.ok()) va = gap.value();
    else refused = gap.status();
  }
  if (refused != Status::Ok) {
    delete mapping;
    return refused;
  }
  mapping->aspace = this;
  mapping->base = va;
  mapping->size = length;
  mapping->vmo_offset = vmo_offset;
  mapping->perm = perm | Perm::User;
  mapping->vmo = std::move(vmo);
  vm::insert_sorted(&mappings_, mapping);
  Guard object(mapping->vmo->lock_);
  mapping->vmo->link_locked(mapping);
  return va;
}

Status UserAspace::unmap(u64 va, u64 length) {
  TRY(vm::check_range(va, length, platform::kUserBase, platform::kUserTop));
  // A mapping that sticks out on both sides becomes two: its second record is had up front, so
  // nothing changes when it cannot be.
  auto* spare = new (std::nothrow) VmMapping();
  VmMapping* dead = nullptr;
  Status status = Status::Ok;
  {
    Guard guard(lock_);
    if (destroyed_) {
      status = Status::BadState;
    } else if (vm::first_overlap(mappings_, va, length) == nullptr) {
      status = Status::NotFound;
    } else {
      VmMapping* m = vm::first_overlap(mappings_, va, length);
      if (spare == nullptr && vm::cut_of(m->base, m->size, va, length) == vm::Cut::Middle) status = Status::NoMemory;
    }
    VmMapping** link = &mappings_;
    while (status == Status::Ok && *link != nullptr && (*link)->base < va + length) {
      VmMapping* m = *link;
      if (!vm::overlaps(m->base, m->size, va, length)) {
        link = &m->next;
        continue;
      }
      u64 lo = m->base > va ? m->base : va;
      u64 hi = m->base + m->size < va + length ? m->base + m->size : va + length;
      Guard object(m->vmo->lock_);
      {
        // Fenced before the object's lock goes: after that it may free the pages.
        Guard table(table_lock_);
        clear_ptes_locked(lo, hi - lo, true);
      }
      switch (vm::cut_of(m->base, m->size, va, length)) {
        case vm::Cut::Whole:
          m->vmo->unlink_locked(m);
          *link = m->next;
          m->next = dead;
          dead = m;
          continue;  // *link is already the next mapping
        case vm::Cut::Head:
          m->vmo_offset += hi - m->base;
          m->size -= hi - m->base;
          m->base = hi;
          break;
        case vm::Cut::Tail:
          m->size = lo - m->base;
          break;
        case vm::Cut::Middle: {
          VmMapping* tail = spare;
          spare = nullptr;
          tail->aspace = this;
          tail->base = hi;
          tail->size = m->base + m->size - hi;
          tail->vmo_offset = m->vmo_offset + (hi - m->base);
          tail->perm = m->perm;
          tail->vmo = m->vmo;
          m->size = lo - m->base;
          tail->next = m->next;
          m->next = tail;
          m->vmo->link_locked(tail);
          break;
        }
      }
      link = &m->next;
    }
  }
  delete spare;
  free_list(dead);
  return status;
}

Status UserAspace::fault_in(u64 va, Access access) {
  if (!user_range(va, 1)) return Status::InvalidArgs;
  u64 page_va = va / kPage * kPage;
  Guard guard(lock_);
  if (destroyed_) return Status::BadState;
  VmMapping* m = find_locked(va);
  if (m == nullptr) return Status::NotFound;
  Perm want = needed(access);
  if ((koios::u32(want) & ~koios::u32(m->perm)) != 0) return Status::AccessDenied;
  VmObject& object = *m->vmo;
  Guard object_guard(object.lock_);
  u64 index = (page_va - m->base + m->vmo_offset) / kPage;
  if (index >= object.pages_locked()) return Status::NotFound;  // past a shrunk object's end
  u64 pa = TRY(object.commit_locked(index, access == Access::Write));
  // A page another object still holds is shown read-only, so a write faults and copies it first.
  Perm perm = object.shared_locked(index) ? without_write(m->perm) : m->perm;
  Guard table(table_lock_);
  if (table_.translate(page_va).ok()) {
    if (table_.translate_checked(page_va, want).ok()) {
      platform::flush_tlb_this_hart();  // a stale entry on this hart (another hart mapped it)
      return Status::Ok;
    }
    (void)table_.unmap(page_va, kPage);  // a permission upgrade of the same page
    forget_translations_locked();
    --resident_pages_;
  }
  TRY(table_.map(page_va, pa, kPage, perm));
  ++resident_pages_;
  return Status::Ok;
}

bool handle_user_page_fault(UserAspace& space, const platform::TrapFrame& frame) {
  UserAspace::Access access;
  switch (platform::page_fault_access(frame)) {
    case platform::FaultAccess::Read: access = UserAspace::Access::Read; break;
    case platform::FaultAccess::Write: access = UserAspace::Access::Write; break;
    case platform::FaultAccess::Execute: access = UserAspace::Access::Execute; break;
    default: return false;
  }
  return space.fault_in(frame.stval, access) == Status::Ok;
}

Status UserAspace::map_zeroed(u64 va, u64 size, Perm perm) {
  auto object = TRY(VmObject::create(size, VmObject::Resizable::No));
  return map(Placement::Specific, va, std::move(object), 0, size, perm).status();
}

koios::Result<u64> UserAspace::load(const void* data, koios::usize size) {
  auto image = TRY(elf::parse(data, size, platform::kUserBase, kStackTop - kStackSize - kPage));
  for (koios::u32 i = 0; i < image.segment_count; ++i) {
    const elf::Segment& s = image.segments[i];
    Perm perm = Perm(0);
    if (s.flags & elf::kRead) perm = perm | Perm::Read;
    if (s.flags & elf::kWrite) perm = perm | Perm::Read | Perm::Write;
    if (s.flags & elf::kExecute) perm = perm | Perm::Read | Perm::Execute;
    u64 start = s.vaddr / kPage * kPage;
    u64 end = (s.vaddr + s.mem_size + kPage - 1) / kPage * kPage;
    // Each segment is its own object, filled before it is mapped (the mapping may be read-only).
    auto object = TRY(VmObject::create(end - start, VmObject::Resizable::No));
    TRY(object->write(static_cast<const koios::u8*>(data) + s.file_offset, s.vaddr - start, s.file_size));
    TRY(map(Placement::Specific, start, std::move(object), 0, end - start, perm));
  }
  TRY(map_zeroed(kStackTop - kStackSize, kStackSize, Perm::Read | Perm::Write));
  return image.entry;
}

void UserAspace::forget_translations_locked() {
  for (CachedPage& c : cached_) c.va = ~0ull;
  pte_changes_.fetch_add(1, std::memory_order_release);
}

koios::Result<u64> UserAspace::translate_locked(u64 page_va, Access access) {
  bool write = access == Access::Write;
  for (const CachedPage& c : cached_)
    if (c.va == page_va && (c.writable || !write)) return c.pa;
  u64 pa = TRY(table_.translate_checked(page_va, needed(access)));
  cached_[next_cached_] = CachedPage{page_va, pa, write};
  next_cached_ = (next_cached_ + 1) % kCachedPages;
  return pa;
}

namespace {
// Syscall arguments are mostly a few aligned words: copied inline, not through memcpy's set-up.
void copy_small(void* dst, const void* src, koios::usize size) {
  if (((reinterpret_cast<u64>(dst) | reinterpret_cast<u64>(src) | size) & 7) == 0) {
    auto* d = static_cast<u64*>(dst);
    const auto* s = static_cast<const u64*>(src);
    for (koios::usize i = 0; i < size / 8; ++i) d[i] = s[i];
  } else {
    std::memcpy(dst, src, size);
  }
}
}  // namespace

bool UserAspace::copy_cached(u64 va, void* kernel, koios::usize size, Access access) {
  u64 page_va = va / kPage * kPage;
  bool write = access == Access::Write;
  Guard table(table_lock_);
  for (const CachedPage& c : cached_) {
    if (c.va != page_va || (write && !c.writable)) continue;
    void* user = reinterpret_cast<void*>(c.pa + va % kPage);
    if (write) copy_small(user, kernel, size);
    else copy_small(kernel, user, size);
    return true;
  }
  return false;
}

Status UserAspace::copy_page(u64 va, void* kernel, koios::usize size, Access access) {
  for (int attempt = 0;; ++attempt) {
    {
      Guard table(table_lock_);
      auto pa = translate_locked(va / kPage * kPage, access);
      if (pa.ok()) {
        void* user = reinterpret_cast<void*>(pa.value() + va % kPage);
        if (access == Access::Write) std::memcpy(user, kernel, size);
        else std::memcpy(kernel, user, size);
        return Status::Ok;
      }
    }
    if (attempt == 1) return Status::NotFound;  // unmapped again between fault_in and here
    TRY(fault_in(va, access));
  }
}

Status UserAspace::copy_in(void* dst, u64 user_src, koios::usize size) {
  if (size == 0) return Status::Ok;
  if (!user_range(user_src, size)) return Status::InvalidArgs;
  if (user_src % kPage + size <= kPage && copy_cached(user_src, dst, size, Access::Read)) return Status::Ok;
  auto* out = static_cast<koios::u8*>(dst);
  for (u64 done = 0; done < size;) {
    u64 va = user_src + done;
    u64 chunk = kPage - va % kPage;
    if (chunk > size - done) chunk = size - done;
    TRY(copy_page(va, out + done, chunk, Access::Read));
    done += chunk;
  }
  return Status::Ok;
}

Status UserAspace::copy_out(u64 user_dst, const void* src, koios::usize size) {
  if (size == 0) return Status::Ok;
  if (!user_range(user_dst, size)) return Status::InvalidArgs;
  // Within one page the copy's own check is the whole check: nothing is written unless it passes.
  if (user_dst % kPage + size <= kPage) {
    if (copy_cached(user_dst, const_cast<void*>(src), size, Access::Write)) return Status::Ok;
  } else {
    TRY(check_writable(user_dst, size));
  }
  const auto* in = static_cast<const koios::u8*>(src);
  for (u64 done = 0; done < size;) {
    u64 va = user_dst + done;
    u64 chunk = kPage - va % kPage;
    if (chunk > size - done) chunk = size - done;
    TRY(copy_page(va, const_cast<koios::u8*>(in + done), chunk, Access::Write));
    done += chunk;
  }
  return Status::Ok;
}

Status UserAspace::check_writable(u64 user_dst, koios::usize size) {
  if (size == 0) return Status::Ok;
  if (!user_range(user_dst, size)) return Status::InvalidArgs;
  for (u64 va = user_dst / kPage * kPage; va < user_dst + size; va += kPage) {
    {
      Guard table(table_lock_);
      if (translate_locked(va, Access::Write).ok()) continue;
    }
    TRY(fault_in(va, Access::Write));
  }
  return Status::Ok;
}

}  // namespace kernel
