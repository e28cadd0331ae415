// kernel/vm/vm_object.h: the memory behind a Vmo (after Zircon's VmObject): a size, a slot per page
// and the mappings that show it. Pages are committed lazily (zero filled on first touch: a fault, a
// write, a copy into user memory) and reference counted, so a snapshot child shares its parent's
// pages until either side writes (copy on write; see docs/ARCHITECTURE.md "Memory objects").
// Owned through RefPtr by Vmo objects and by every mapping of it; dies with the last.
//
// Locking: lock_ guards the slots, the size and the mapping list. Order: an address space's
// region lock, then this, then an address space's page-table lock (a zap reaches PTEs from here).
#pragma once

#include <atomic>

#include "kernel/lib/lock.h"
#include "kernel/lib/ref_ptr.h"
#include "koios/result.h"
#include "koios/vm.h"

namespace kernel {

class UserAspace;
struct VmMapping;

class VmObject final : public RefCounted {
 public:
  enum class Resizable : bool { No, Yes };
  static constexpr koios::u64 kPage = koios::kPageSize;

  // `size` is rounded up to whole pages. OutOfRange above koios::kMaxVmoSize; NoMemory.
  static koios::Result<RefPtr<VmObject>> create(koios::u64 size, Resizable resizable);
  explicit VmObject(Resizable resizable) : resizable_(resizable) {}  // use create()
  ~VmObject();

  koios::u64 size() const;
  bool resizable() const { return resizable_ == Resizable::Yes; }
  // Copies between a kernel buffer and the pages: OutOfRange past the size; NoMemory (a write may
  // commit pages or break sharing: bytes before the failing page are written).
  koios::Status read(void* dst, koios::u64 offset, koios::u64 length) const;
  koios::Status write(const void* src, koios::u64 offset, koios::u64 length);
  // NotSupported unless resizable; OutOfRange above kMaxVmoSize. Shrinking drops the pages past the
  // new end from every mapping (touching them there faults) and frees them.
  koios::Status set_size(koios::u64 size);
  // A copy-on-write child showing [offset, offset + size) as it is now (past the parent's end:
  // zeros). InvalidArgs for an unaligned offset; OutOfRange; NoMemory.
  koios::Result<RefPtr<VmObject>> snapshot(koios::u64 offset, koios::u64 size, Resizable resizable);

  koios::u64 committed_pages() const;
  // Pages committed by all VmObjects together (leak checks; a shared page counts once).
  static koios::u64 live_pages();

 private:
  friend class UserAspace;
  // One physical page and how many VmObjects' slots hold it.
  struct Page {
    std::atomic<koios::u32> refs{1};
    koios::u64 pa = 0;
    koios::u32 cgroup_slot = 0;  // charged to it when committed (kernel/sched/budget.h)
  };

  koios::u64 pages_locked() const { return size_ / kPage; }
  // Physical address of page `index` (< pages_locked()), committed zero filled if absent; with
  // for_write also private to this object (a shared page is copied first and the copy replaces it
  // in every mapping). NoMemory.
  koios::Result<koios::u64> commit_locked(koios::u64 index, bool for_write);
  // Whether page `index` is committed and held by another object too (mapped read-only then).
  bool shared_locked(koios::u64 index) const;
  // Every mapping stops showing pages [first, first + count): PTEs go, on every hart.
  void zap_locked(koios::u64 first, koios::u64 count);
  // Grows the slot array to hold `pages` (never shrinks it). NoMemory.
  koios::Status reserve_locked(koios::u64 pages);
  static void drop_page(Page* page);
  void link_locked(VmMapping* mapping);
  void unlink_locked(VmMapping* mapping);

  mutable SpinLock lock_;
  const Resizable resizable_;
  koios::u64 size_ = 0;
  Page** slots_ = nullptr;        // slot_capacity_ entries; null = not committed (reads as zeros)
  koios::u64 slot_capacity_ = 0;
  VmMapping* mappings_ = nullptr;  // through VmMapping::vmo_next
};

}  // namespace kernel
