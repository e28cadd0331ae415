// kernel/object/handle_table.h: one process's handles (after Zircon's handle table, with seL4's rule
// that every operation is checked completely before anything changes). Owned by its process, it
// closes what is left when the process exits (close_all) or when it is destroyed.
//
// A handle value is a slot index, a per-slot generation and a fixed check pattern, passed through
// a 32-bit keyed permutation whose key is the table's secret. So a value from another table
// decodes to a wrong check pattern or a wrong generation and is BadHandle (the chance that a
// random value is valid is about live_handles / 2^32 / 2^8), and a closed value is not reused
// until its slot has been reused 2^10 times: freed slots go to the back of a FIFO free list.
// The permutation hides table layout from user space; it is no cryptographic secret.
//
// Lock order: the table's lock, then an object's lock (channel write and read hold both).
#pragma once

#include "kernel/lib/lock.h"
#include "kernel/lib/ref_ptr.h"
#include "kernel/object/handle.h"
#include "koios/channel.h"
#include "koios/handle.h"
#include "koios/result.h"
#include "koios/rights.h"
#include "koios/task.h"

namespace kernel {

class HandleTable {
 public:
  static constexpr koios::u32 kIndexBits = 14;
  static constexpr koios::u32 kGenerationBits = 10;
  static constexpr koios::u32 kMaxQuota = (1u << kIndexBits) - 1;
  static constexpr koios::u32 kDefaultQuota = koios::kHandleQuotaDefault;
  static_assert(koios::kHandleQuotaLarge == kMaxQuota);

  // `secret` keys the value scrambling; make it with secret_for() so tables differ.
  explicit HandleTable(koios::u64 secret);
  ~HandleTable();
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;

  // A table secret for a process: its KoID mixed with a per-boot random seed.
  static koios::u64 secret_for(koios::Koid process, koios::u64 boot_seed);

  // Allocates room for `quota` handles. InvalidArgs for 0 or more than kMaxQuota, BadState if done
  // already, NoMemory. Every other operation answers NoResources before this.
  koios::Status init(koios::u32 quota = kDefaultQuota);

  // NoResources when the quota is used up.
  koios::Result<koios::Handle> add(RefPtr<KernelObject> object, koios::Rights rights);
  koios::Result<koios::Handle> add(KernelHandle handle);

  struct Entry {
    RefPtr<KernelObject> object;
    koios::Rights rights;
  };
  // BadHandle, then (lookup<T> only) WrongType, then AccessDenied when a `required` right is missing.
  koios::Result<Entry> lookup_any(koios::Handle value, koios::Rights required) const;
  template <typename T>
  koios::Result<RefPtr<T>> lookup(koios::Handle value, koios::Rights required) const {
    Entry entry = TRY(lookup_entry(value, T::kType, required));
    return ref_static_cast<T>(std::move(entry.object));
  }

  // A second handle with `rights` (a subset, or Rights::SameRights). BadHandle; AccessDenied without
  // Duplicate; InvalidArgs if `rights` is not a subset; NoResources when full.
  koios::Result<koios::Handle> duplicate(koios::Handle value, koios::Rights rights);
  // The same object under a new value with `rights` (a subset, or SameRights); the old value is
  // closed. BadHandle; InvalidArgs if not a subset, and then the old value stays valid (Zircon closes
  // it; we change nothing on error). Never NoResources: the slot is reused.
  koios::Result<koios::Handle> replace(koios::Handle value, koios::Rights rights);
  // BadHandle or Ok.
  koios::Status close(koios::Handle value);

  // Moves `count` handles out of the table into out[0..count), for a channel message: all or none.
  // BadHandle if a value is invalid or listed twice, AccessDenied if one lacks Transfer,
  // OutOfRange above kMaxMessageHandles. Then, still
  // under the table lock, commit(out, count) runs (a channel enqueues the message there); if it
  // fails, every handle goes back where it was, value and all, and its status is returned.
  template <typename Commit>
  koios::Status remove_for_transfer(const koios::Handle* values, koios::u32 count, KernelHandle* out, Commit&& commit);
  koios::Status remove_for_transfer(const koios::Handle* values, koios::u32 count, KernelHandle* out) {
    return remove_for_transfer(values, count, out, [](KernelHandle*, koios::u32) { return koios::Status::Ok; });
  }

  // The table held locked, for installing several handles atomically with a change elsewhere
  // (channel read: check room, dequeue, install). Take the object's lock after constructing this.
  class Locked {
   public:
    explicit Locked(HandleTable& table) : table_(table), guard_(table.lock_) {}
    koios::u32 free_slots() const { return table_.quota_ - table_.count_; }
    // Never fails when free_slots() > 0; NoResources otherwise.
    koios::Result<koios::Handle> add(KernelHandle handle) { return table_.add_locked(std::move(handle)); }

   private:
    HandleTable& table_;
    Guard guard_;
  };

  koios::u32 count() const;
  koios::u32 quota() const { return quota_; }
  // Closes every handle (process exit). Objects see on_zero_handles with the table unlocked.
  void close_all();

 private:
  static constexpr koios::u32 kNoSlot = ~0u;
  struct Slot {
    KernelHandle handle;
    koios::u32 generation = 0;
    koios::u32 next_free = kNoSlot;
  };

  koios::Handle encode(koios::u32 index, koios::u32 generation) const;
  // The slot index of a live handle, or kNoSlot. Caller holds the lock.
  koios::u32 decode_locked(koios::Handle value) const;
  koios::Result<Entry> lookup_entry(koios::Handle value, koios::ObjectType type, koios::Rights required) const;
  koios::Result<koios::Handle> add_locked(KernelHandle handle);
  // Empties a slot (bumping its generation) and returns what it held, to be dropped unlocked.
  KernelHandle release_slot_locked(koios::u32 index);
  // A fresh value for a slot: bumps the generation, skipping the one encoding to 0.
  koios::Handle next_value_locked(koios::u32 index);

  mutable SpinLock lock_;
  koios::u32 keys_[4];
  // The last value decoded and its unpermuted form: a process tends to use the same handle call
  // after call, and the permutation is a pure function of the value (the keys never change), so
  // this only saves its cost. Guarded by lock_.
  mutable koios::Handle last_value_ = koios::kInvalidHandle;
  mutable koios::u32 last_raw_ = 0;
  Slot* slots_ = nullptr;
  koios::u32 quota_ = 0;
  koios::u32 count_ = 0;
  koios::u32 free_head_ = kNoSlot;
  koios::u32 free_tail_ = kNoSlot;
};

template <typename Commit>
koios::Status HandleTable::remove_for_transfer(const koios::Handle* values, koios::u32 count, KernelHandle* out,
                                               Commit&& commit) {
  koios::u32 indices[koios::kMaxMessageHandles];
  if (count > koios::kMaxMessageHandles) return koios::Status::OutOfRange;
  Guard guard(lock_);
  for (koios::u32 i = 0; i < count; ++i) {
    koios::u32 index = decode_locked(values[i]);
    if (index == kNoSlot) return koios::Status::BadHandle;
    for (koios::u32 j = 0; j < i; ++j)
      if (indices[j] == index) return koios::Status::BadHandle;
    if (!koios::contains(slots_[index].handle.rights(), koios::Rights::Transfer)) return koios::Status::AccessDenied;
    indices[i] = index;
  }
  // Move them out but keep the slots reserved (generation unchanged) until the commit holds.
  for (koios::u32 i = 0; i < count; ++i) out[i] = std::move(slots_[indices[i]].handle);
  koios::Status status = commit(out, count);
  if (status != koios::Status::Ok) {
    for (koios::u32 i = 0; i < count; ++i) slots_[indices[i]].handle = std::move(out[i]);
    return status;
  }
  // The slots are empty: their handles now live in `out`, so nothing is dropped here.
  for (koios::u32 i = 0; i < count; ++i) (void)release_slot_locked(indices[i]);
  return koios::Status::Ok;
}

}  // namespace kernel
