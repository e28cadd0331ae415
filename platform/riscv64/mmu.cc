// platform/riscv64/mmu.cc: Sv39 page tables (three levels of 512 entries, 4 KiB pages, 2 MiB
// megapages used where a range allows). Physical memory is identity mapped in every address
// space, so page-table pages are read and written at their physical addresses.
#include "csr.h"
#include "platform/platform.h"

namespace platform {
namespace {

using koios::u64;

constexpr u64 kValid = 1, kRead = 2, kWrite = 4, kExec = 8, kUser = 16, kGlobal = 32;
constexpr u64 kAccessed = 64, kDirty = 128;
constexpr u64 kMegaPage = 2ull << 20;
constexpr u64 kSatpSv39 = 8ull << 60;

u64 pte_to_pa(u64 pte) { return (pte >> 10) << 12; }
u64 pa_to_pte(u64 pa) { return (pa >> 12) << 10; }
bool is_leaf(u64 pte) { return (pte & (kRead | kWrite | kExec)) != 0; }
u64 index_of(u64 va, u32 level) { return (va >> (12 + 9 * level)) & 511; }
u64* table_at(u64 pa) { return reinterpret_cast<u64*>(pa); }

// Sv39 addresses are 39-bit values sign-extended to 64 bits.
bool canonical(u64 va) {
  u64 top = va >> 38;
  return top == 0 || top == (~0ull >> 38);
}

inline u64 leaf_bits(Perm perm) {
  u64 bits = kValid | kAccessed;
  if (has(perm, Perm::Read)) bits |= kRead;
  if (has(perm, Perm::Write)) bits |= kWrite | kDirty;
  if (has(perm, Perm::Execute)) bits |= kExec;
  if (has(perm, Perm::User)) bits |= kUser;
  if (has(perm, Perm::Global)) bits |= kGlobal;
  return bits;
}

}  // namespace

Result<PageTable> PageTable::create(const PageSource& source) {
  u64 root = source.alloc_zeroed(source.ctx);
  if (root == 0) return Status::NoMemory;
  return PageTable(root, source);
}

// Returns the entry for `va` at `level` (0 = 4 KiB leaf level, 1 = 2 MiB), creating
// intermediate tables when asked. NotFound when a table is missing and create is false;
// AlreadyExists when a larger leaf covers va.
Result<u64*> PageTable::walk(u64 va, bool create, u32 level) const {
  u64* table = table_at(root_);
  for (u32 l = 2; l > level; --l) {
    u64& pte = table[index_of(va, l)];
    if ((pte & kValid) == 0) {
      if (!create) return Status::NotFound;
      u64 page = source_.alloc_zeroed(source_.ctx);
      if (page == 0) return Status::NoMemory;
      pte = pa_to_pte(page) | kValid;
    } else if (is_leaf(pte)) {
      return Status::AlreadyExists;
    }
    table = table_at(pte_to_pa(pte));
  }
  return &table[index_of(va, level)];
}

Status PageTable::map(u64 va, u64 pa, u64 size, Perm perm) {
  if ((va | pa | size) & (kPageSize - 1)) return Status::InvalidArgs;
  if (size == 0 || !canonical(va) || !canonical(va + size - 1) || va + size < va) return Status::InvalidArgs;
  bool r = has(perm, Perm::Read), w = has(perm, Perm::Write), x = has(perm, Perm::Execute);
  if ((w && !r) || (w && x) || (!r && !x)) return Status::InvalidArgs;  // W^X, and no W-only
  u64 bits = leaf_bits(perm);
  for (u64 off = 0; off < size;) {
    u64 v = va + off, p = pa + off;
    bool mega = ((v | p) & (kMegaPage - 1)) == 0 && size - off >= kMegaPage;
    if (mega) {
      auto slot = walk(v, true, 1);
      if (slot.ok() && (*slot.value() & kValid) == 0) {
        *slot.value() = pa_to_pte(p) | bits;
        off += kMegaPage;
        continue;
      }
      if (!slot.ok() && slot.status() != Status::AlreadyExists) return slot.status();
      // A table already exists under this 2 MiB slot: fall back to 4 KiB pages.
    }
    u64* pte = TRY(walk(v, true, 0));
    if (*pte & kValid) return Status::AlreadyExists;
    *pte = pa_to_pte(p) | bits;
    off += kPageSize;
  }
  return Status::Ok;
}

Status PageTable::remap(u64 va, u64 pa, Perm perm) {
  if ((va | pa) & (kPageSize - 1)) return Status::InvalidArgs;
  bool r = has(perm, Perm::Read), w = has(perm, Perm::Write), x = has(perm, Perm::Execute);
  if ((w && !r) || (w && x) || (!r && !x)) return Status::InvalidArgs;
  auto pte = walk(va, false, 0);
  if (!pte.ok() || (*pte.value() & kValid) == 0 || !is_leaf(*pte.value())) return Status::NotFound;
  // One aligned store: a hart walking the table sees the old entry or the new, never a hole.
  __atomic_store_n(pte.value(), pa_to_pte(pa) | leaf_bits(perm), __ATOMIC_RELEASE);
  return Status::Ok;
}

Status PageTable::unmap(u64 va, u64 size) {
  if ((va | size) & (kPageSize - 1)) return Status::InvalidArgs;
  // Check first that no 2 MiB page is only partly covered, so nothing changes on an error.
  for (u64 off = 0; off < size;) {
    u64 v = va + off;
    auto mega = walk(v, false, 1);
    if (mega.ok() && (*mega.value() & kValid) && is_leaf(*mega.value())) {
      if ((v & (kMegaPage - 1)) != 0 || size - off < kMegaPage) return Status::InvalidArgs;
      off += kMegaPage;
    } else {
      off += kPageSize;
    }
  }
  for (u64 off = 0; off < size;) {
    u64 v = va + off;
    auto mega = walk(v, false, 1);
    if (mega.ok() && (*mega.value() & kValid) && is_leaf(*mega.value())) {
      if ((v & (kMegaPage - 1)) != 0 || size - off < kMegaPage) return Status::InvalidArgs;
      *mega.value() = 0;
      off += kMegaPage;
      continue;
    }
    auto pte = walk(v, false, 0);
    if (pte.ok()) *pte.value() = 0;
    off += kPageSize;
  }
  flush_tlb_this_hart();
  return Status::Ok;
}

Result<u64> PageTable::translate(u64 va) const {
  if (!canonical(va)) return Status::InvalidArgs;
  u64* table = table_at(root_);
  for (int level = 2; level >= 0; --level) {
    u64 pte = table[index_of(va, u32(level))];
    if ((pte & kValid) == 0) return Status::NotFound;
    if (is_leaf(pte)) {
      u64 span = 1ull << (12 + 9 * level);
      return pte_to_pa(pte) + (va & (span - 1));
    }
    table = table_at(pte_to_pa(pte));
  }
  return Status::NotFound;
}

Result<u64> PageTable::translate_checked(u64 va, Perm perm) const {
  if (!canonical(va)) return Status::InvalidArgs;
  u64 required = leaf_bits(perm) & ~(kValid | kAccessed | kDirty | kGlobal);
  u64* table = table_at(root_);
  for (int level = 2; level >= 0; --level) {
    u64 pte = table[index_of(va, u32(level))];
    if ((pte & kValid) == 0) return Status::NotFound;
    if (is_leaf(pte)) {
      if ((required & ~pte) != 0) return Status::AccessDenied;
      u64 span = 1ull << (12 + 9 * level);
      return pte_to_pa(pte) + (va & (span - 1));
    }
    table = table_at(pte_to_pa(pte));
  }
  return Status::NotFound;
}

void PageTable::share_kernel_mappings(const PageTable& kernel) {
  u64* mine = table_at(root_);
  const u64* theirs = table_at(kernel.root_);
  for (u64 i = 0; i < 512; ++i) {
    u64 va = i << 30;
    if (i >= 256) va |= ~0ull << 39;  // sign-extend into the upper half
    bool user = va >= kUserBase && va < kUserTop;
    if (!user) mine[i] = theirs[i];
  }
}

void PageTable::destroy_user() {
  u64* root = table_at(root_);
  for (u64 i = kUserBase >> 30; i < kUserTop >> 30; ++i) {
    u64 l2 = root[i];
    if ((l2 & kValid) == 0) continue;
    if (is_leaf(l2)) continue;  // never created: user mappings use 4 KiB and 2 MiB pages only
    u64* mid = table_at(pte_to_pa(l2));
    for (u64 j = 0; j < 512; ++j) {
      u64 l1 = mid[j];
      if ((l1 & kValid) == 0) continue;
      if (is_leaf(l1)) {
        for (u64 k = 0; k < 512; ++k) source_.free(source_.ctx, pte_to_pa(l1) + k * kPageSize);
        continue;
      }
      u64* leaf = table_at(pte_to_pa(l1));
      for (u64 k = 0; k < 512; ++k)
        if (leaf[k] & kValid) source_.free(source_.ctx, pte_to_pa(leaf[k]));
      source_.free(source_.ctx, pte_to_pa(l1));
    }
    source_.free(source_.ctx, pte_to_pa(l2));
  }
  source_.free(source_.ctx, root_);
  root_ = 0;
}

void PageTable::activate() const {
  csr::write_satp(kSatpSv39 | (root_ >> 12));
  flush_tlb_this_hart();
}

FaultAccess page_fault_access(const TrapFrame& frame) {
  switch (frame.scause) {
    case 12: return FaultAccess::Execute;  // instruction page fault
    case 13: return FaultAccess::Read;     // load page fault
    case 15: return FaultAccess::Write;    // store/AMO page fault
    default: return FaultAccess::None;
  }
}

void flush_tlb_this_hart() { asm volatile("sfence.vma zero, zero" ::: "memory"); }

}  // namespace platform
