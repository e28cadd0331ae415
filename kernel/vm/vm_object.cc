// kernel/vm/vm_object.cc
#include "kernel/vm/vm_object.h"

#include <cstring>
#include <new>

#include "kernel/sched/budget.h"
#include "kernel/sched/scheduler.h"
#include "kernel/vm/pmm.h"
#include "kernel/vm/user_aspace.h"

namespace kernel {

using koios::Status;
using koios::u64;

namespace {
std::atomic<u64> g_live_pages{0};

u64 pages_for(u64 size) { return (size + VmObject::kPage - 1) / VmObject::kPage; }
}  // namespace

u64 VmObject::live_pages() { return g_live_pages.load(std::memory_order_relaxed); }

koios::Result<RefPtr<VmObject>> VmObject::create(u64 size, Resizable resizable) {
  if (size > koios::kMaxVmoSize) return Status::OutOfRange;
  auto object = TRY(make_ref<VmObject>(resizable));
  Guard guard(object->lock_);
  TRY(object->reserve_locked(pages_for(size)));
  object->size_ = pages_for(size) * kPage;
  return object;
}

VmObject::~VmObject() {
  // Every mapping holds a reference, so none is left; only the slots remain.
  for (u64 i = 0; i < slot_capacity_; ++i) drop_page(slots_[i]);
  delete[] slots_;
}

void VmObject::drop_page(Page* page) {
  if (page == nullptr || page->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (pmm::free_page(page->pa) == Status::Ok) g_live_pages.fetch_sub(1, std::memory_order_relaxed);
  budget::uncharge_pages(page->cgroup_slot, 1);
  delete page;
}

Status VmObject::reserve_locked(u64 pages) {
  if (pages <= slot_capacity_) return Status::Ok;
  auto** slots = new (std::nothrow) Page*[pages];
  if (slots == nullptr) return Status::NoMemory;
  for (u64 i = 0; i < pages; ++i) slots[i] = i < slot_capacity_ ? slots_[i] : nullptr;
  delete[] slots_;
  slots_ = slots;
  slot_capacity_ = pages;
  return Status::Ok;
}

u64 VmObject::size() const {
  Guard guard(lock_);
  return size_;
}

u64 VmObject::committed_pages() const {
  Guard guard(lock_);
  u64 n = 0;
  for (u64 i = 0; i < pages_locked(); ++i) n += slots_[i] != nullptr;
  return n;
}

bool VmObject::shared_locked(u64 index) const {
  return slots_[index] != nullptr && slots_[index]->refs.load(std::memory_order_acquire) > 1;
}

koios::Result<u64> VmObject::commit_locked(u64 index, bool for_write) {
  Page* page = slots_[index];
  if (page != nullptr && !(for_write && page->refs.load(std::memory_order_acquire) > 1)) return page->pa;
  // Absent, or shared and about to be written: this object gets a page of its own, charged to the
  // cgroup of whoever touches it first (as Linux's memory cgroup does).
  Thread* toucher = Scheduler::current();
  budget::Slot slot = toucher != nullptr ? toucher->cgroup_slot() : budget::kRootSlot;
  TRY(budget::charge_pages(slot, 1));
  auto* fresh = new (std::nothrow) Page();
  if (fresh == nullptr) {
    budget::uncharge_pages(slot, 1);
    return Status::NoMemory;
  }
  fresh->cgroup_slot = slot;
  auto pa = page == nullptr ? pmm::alloc_zeroed_page() : pmm::alloc_page();
  if (!pa.ok()) {
    budget::uncharge_pages(slot, 1);
    delete fresh;
    return Status::NoMemory;
  }
  g_live_pages.fetch_add(1, std::memory_order_relaxed);
  fresh->pa = pa.value();
  if (page != nullptr) {
    // Nobody writes a page while it is shared, so this copy is the snapshot's content. The old
    // page's PTEs go first (on every hart), so no mapping of this object keeps showing it.
    std::memcpy(reinterpret_cast<void*>(fresh->pa), reinterpret_cast<const void*>(page->pa), kPage);
    zap_locked(index, 1);
    drop_page(page);
  }
  slots_[index] = fresh;
  return fresh->pa;
}

void VmObject::zap_locked(u64 first, u64 count) {
  for (VmMapping* m = mappings_; m != nullptr; m = m->vmo_next) m->aspace->zap_locked(*m, first, count);
}

void VmObject::link_locked(VmMapping* mapping) {
  mapping->vmo_prev = nullptr;
  mapping->vmo_next = mappings_;
  if (mappings_ != nullptr) mappings_->vmo_prev = mapping;
  mappings_ = mapping;
}

void VmObject::unlink_locked(VmMapping* mapping) {
  if (mapping->vmo_prev != nullptr) mapping->vmo_prev->vmo_next = mapping->vmo_next;
  else mappings_ = mapping->vmo_next;
  if (mapping->vmo_next != nullptr) mapping->vmo_next->vmo_prev = mapping->vmo_prev;
  mapping->vmo_prev = mapping->vmo_next = nullptr;
}

Status VmObject::read(void* dst, u64 offset, u64 length) const {
  Guard guard(lock_);
  if (offset > size_ || length > size_ - offset) return Status::OutOfRange;
  auto* out = static_cast<koios::u8*>(dst);
  for (u64 done = 0; done < length;) {
    u64 at = offset + done;
    u64 chunk = kPage - at % kPage;
    if (chunk > length - done) chunk = length - done;
    const Page* page = slots_[at / kPage];
    if (page == nullptr) std::memset(out + done, 0, chunk);  // never committed: zeros
    else std::memcpy(out + done, reinterpret_cast<const void*>(page->pa + at % kPage), chunk);
    done += chunk;
  }
  return Status::Ok;
}

Status VmObject::write(const void* src, u64 offset, u64 length) {
  Guard guard(lock_);
  if (offset > size_ || length > size_ - offset) return Status::OutOfRange;
  const auto* in = static_cast<const koios::u8*>(src);
  for (u64 done = 0; done < length;) {
    u64 at = offset + done;
    u64 chunk = kPage - at % kPage;
    if (chunk > length - done) chunk = length - done;
    u64 pa = TRY(commit_locked(at / kPage, true));
    std::memcpy(reinterpret_cast<void*>(pa + at % kPage), in + done, chunk);
    done += chunk;
  }
  return Status::Ok;
}

Status VmObject::set_size(u64 size) {
  if (!resizable()) return Status::NotSupported;
  if (size > koios::kMaxVmoSize) return Status::OutOfRange;
  u64 pages = pages_for(size);
  Guard guard(lock_);
  u64 old_pages = pages_locked();
  if (pages > old_pages) {
    TRY(reserve_locked(pages));
  } else if (pages < old_pages) {
    // Mappings stop showing the pages first, on every hart; only then are they freed.
    zap_locked(pages, old_pages - pages);
    for (u64 i = pages; i < old_pages; ++i) {
      drop_page(slots_[i]);
      slots_[i] = nullptr;
    }
  }
  size_ = pages * kPage;
  return Status::Ok;
}

koios::Result<RefPtr<VmObject>> VmObject::snapshot(u64 offset, u64 size, Resizable resizable) {
  if (offset % kPage != 0) return Status::InvalidArgs;
  if (size > koios::kMaxVmoSize || offset > koios::kMaxVmoSize) return Status::OutOfRange;
  auto child = TRY(create(size, resizable));
  u64 first = offset / kPage, count = pages_for(size);
  Guard guard(lock_);  // the child is unknown to anyone else yet: its lock is not needed
  bool shared_any = false;
  for (u64 i = 0; i < count && first + i < pages_locked(); ++i) {
    Page* page = slots_[first + i];
    if (page == nullptr) continue;
    page->refs.fetch_add(1, std::memory_order_acq_rel);
    child->slots_[i] = page;
    shared_any = true;
  }
  // Writable PTEs of the now shared pages go, so the parent's next write faults and copies.
  if (shared_any) zap_locked(first, count);
  return child;
}

}  // namespace kernel
