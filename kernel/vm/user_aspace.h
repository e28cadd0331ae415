// kernel/vm/user_aspace.h: a user address space (the root VMAR of a process): a page table that
// shares the kernel's mappings outside [kUserBase, kUserTop) and a sorted list of mappings of
// VmObjects inside it. PTEs are filled on demand by the page-fault handler (and by copies from
// the kernel), so every user page belongs to a VmObject and the page table owns only its tables.
// Owned through RefPtr by its Process and by Vmar objects. The process calls destroy() when its
// last thread is gone (no hart runs on it then); a Vmar that outlives it answers BadState.
//
// Locking: lock_ (the mapping list) before a VmObject's lock before table_lock_ (PTEs). A copy
// between kernel and user memory holds table_lock_ while it touches a page, so no zap can free
// the page under it. Unmapping removes PTEs and fences every hart before it returns.
#pragma once

#include <atomic>

#include "kernel/lib/elf.h"
#include "kernel/lib/lock.h"
#include "kernel/lib/ref_ptr.h"
#include "kernel/vm/vm_object.h"
#include "koios/result.h"
#include "platform/platform.h"

namespace kernel {

// One VmObject range shown at [base, base + size) of an address space. Owned by the space's list;
// its VmObject lists it too (vmo_prev/vmo_next, under the VmObject's lock), so the object can zap it.
struct VmMapping {
  UserAspace* aspace = nullptr;
  koios::u64 base = 0, size = 0;   // changed only under both the space's and the object's locks
  koios::u64 vmo_offset = 0;
  platform::Perm perm = platform::Perm::Read;
  RefPtr<VmObject> vmo;
  VmMapping* next = nullptr;       // the space's list, sorted by base
  VmMapping* vmo_prev = nullptr;
  VmMapping* vmo_next = nullptr;
};

class UserAspace final : public RefCounted {
 public:
  static constexpr koios::u64 kStackTop = platform::kUserTop - platform::kPageSize;  // a guard above
  static constexpr koios::u64 kStackSize = 64 * 1024;
  // Where mappings go when the caller lets the kernel choose (first fit upward).
  static constexpr koios::u64 kAnywhereBase = 0x10'0000'0000ull;
  enum class Placement : koios::u8 { Anywhere, Specific };
  enum class Access : koios::u8 { Read, Write, Execute };

  static koios::Result<RefPtr<UserAspace>> create();
  ~UserAspace();
  // Removes every mapping and frees the page table; idempotent. Only when no hart runs on it.
  void destroy();

  // Maps [vmo_offset, +length) of vmo with perm (User is added) at `va` (Specific) or where there is
  // room (Anywhere; va ignored); returns the address. InvalidArgs for 0 or unaligned values or a
  // perm the page table refuses; OutOfRange outside the user range or past the vmo's size;
  // AlreadyExists when Specific overlaps a mapping; NoResources when no gap fits; BadState once
  // destroyed; NoMemory.
  koios::Result<koios::u64> map(Placement placement, koios::u64 va, RefPtr<VmObject> vmo, koios::u64 vmo_offset,
                                koios::u64 length, platform::Perm perm);
  // Unmaps [va, va + length), cutting mappings that stick out; every hart has stopped seeing it
  // when this returns. InvalidArgs (0, unaligned), OutOfRange, NotFound (nothing mapped there),
  // BadState, NoMemory (a mapping split in two needs a record).
  koios::Status unmap(koios::u64 va, koios::u64 length);
  // Makes `va` accessible for `access` if a mapping allows it: commits the page, breaks sharing for
  // a write, installs the PTE. NotFound (no mapping, or past its object's end), AccessDenied
  // (the mapping's permissions refuse), InvalidArgs (not a user address), NoMemory.
  koios::Status fault_in(koios::u64 va, Access access);

  // A fresh zeroed VmObject mapped at [va, va+size) with perm.
  koios::Status map_zeroed(koios::u64 va, koios::u64 size, platform::Perm perm);
  // Loads an ELF executable; returns its entry point. Maps a stack below kStackTop too.
  koios::Result<koios::u64> load(const void* elf, koios::usize size);
  // Copies between the kernel and this space: a bad user address is an error (InvalidArgs outside
  // the user range, AccessDenied or NotFound), never a fault. Pages not yet present are faulted in
  // (a write breaks copy-on-write sharing, as a user store would).
  koios::Status copy_in(void* dst, koios::u64 user_src, koios::usize size);
  // All pages are checked (and made writable) first; only running out of memory midway, or another
  // thread unmapping the range meanwhile, leaves a partial copy.
  koios::Status copy_out(koios::u64 user_dst, const void* src, koios::usize size);
  // Whether copy_out to [user_dst, +size) would succeed now; lets a syscall refuse a bad output
  // buffer before it changes anything (new handles must never be created unreported).
  koios::Status check_writable(koios::u64 user_dst, koios::usize size);
  // Counts removals and downgrades of PTEs. While it stays the same, a range check_writable
  // accepted is still writable: a syscall that slept after checking its outputs re-checks only
  // when this moved.
  koios::u64 pte_changes() const { return pte_changes_.load(std::memory_order_acquire); }
  void activate() const { table_.activate(); }
  const platform::PageTable& table() const { return table_; }
  koios::u64 mapping_count() const;
  koios::u64 mapped_bytes() const;  // the mappings' sizes together
  // Pages with a PTE now (touched and not zapped since): the process's resident memory.
  koios::u64 resident_pages() const;
  // Pages held by user memory: page tables of all spaces plus every VmObject's pages.
  static koios::u64 live_pages();

 private:
  friend class VmObject;
  explicit UserAspace(const platform::PageTable& table) : table_(table) {}
  VmMapping* find_locked(koios::u64 va) const;
  // PTEs of m for object pages [first, first + count) go, on every hart. Object lock held.
  void zap_locked(VmMapping& m, koios::u64 first, koios::u64 count);
  // Clears PTEs in [va, va+size) and fences every hart if any was present. table_lock_ held.
  void clear_ptes_locked(koios::u64 va, koios::u64 size, bool fence);
  // Copies one piece (within a page) through the page table, faulting it in if needed.
  koios::Status copy_page(koios::u64 va, void* kernel, koios::usize size, Access access);
  // The physical address of the page at page_va if its PTE allows `access` (Read or Write), from
  // the cache below or a walk. table_lock_ held.
  koios::Result<koios::u64> translate_locked(koios::u64 page_va, Access access);
  void forget_translations_locked();
  // The common case, without faulting anything in: [va, va + size) lies in one page whose checked
  // translation is cached. False when it is not (the caller takes the general path).
  bool copy_cached(koios::u64 va, void* kernel, koios::usize size, Access access);

  // The last few pages copies went through, so that a syscall's several small copies to and from
  // the same (stack) page walk the table once. An entry stands for a PTE that exists now with at
  // least that access: the cache is emptied whenever a PTE is removed or changed (every such
  // change holds table_lock_, as every use does).
  struct CachedPage {
    koios::u64 va = ~0ull;   // page-aligned; ~0: empty
    koios::u64 pa = 0;
    bool writable = false;   // checked for Write (which includes Read), not only Read
  };
  static constexpr koios::u32 kCachedPages = 4;
  CachedPage cached_[kCachedPages];   // guarded by table_lock_
  koios::u32 next_cached_ = 0;
  std::atomic<koios::u64> pte_changes_{0};   // written under table_lock_

  mutable SpinLock lock_;
  mutable SpinLock table_lock_;
  koios::u64 resident_pages_ = 0;  // guarded by table_lock_
  platform::PageTable table_;
  VmMapping* mappings_ = nullptr;
  bool destroyed_ = false;
};

// The page-fault half of user traps: true when `frame` is a page fault that fault_in resolved (the
// instruction is retried), false for any other fault (the caller kills or reports).
bool handle_user_page_fault(UserAspace& space, const platform::TrapFrame& frame);

}  // namespace kernel
