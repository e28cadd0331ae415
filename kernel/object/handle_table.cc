// kernel/object/handle_table.cc: handle values, slots and the free list.
#include "kernel/object/handle_table.h"

#include <new>

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;
using koios::u32;
using koios::u64;

namespace {

constexpr u32 kCheckBits = 32 - HandleTable::kIndexBits - HandleTable::kGenerationBits;
constexpr u32 kCheckPattern = 0xA5 & ((1u << kCheckBits) - 1);
constexpr u32 kIndexMask = (1u << HandleTable::kIndexBits) - 1;
constexpr u32 kGenerationMask = (1u << HandleTable::kGenerationBits) - 1;
static_assert(kCheckBits >= 8, "too few check bits to tell tables apart");

u64 splitmix64(u64& state) {
  u64 z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The round function of a 4-round Feistel network on 16-bit halves: any function will do for
// invertibility; this one mixes well enough that neighbouring slots look unrelated.
u32 round_fn(u32 half, u32 key) {
  u32 t = (half ^ key) * 0x9E3779B1u;
  t ^= t >> 15;
  t *= 0x85EBCA77u;
  t ^= t >> 13;
  return t & 0xFFFF;
}

u32 permute(u32 x, const u32 (&keys)[4]) {
  u32 left = x >> 16, right = x & 0xFFFF;
  for (u32 k : keys) {
    u32 next = left ^ round_fn(right, k);
    left = right;
    right = next;
  }
  return (left << 16) | right;
}

u32 unpermute(u32 x, const u32 (&keys)[4]) {
  u32 left = x >> 16, right = x & 0xFFFF;
  for (int i = 3; i >= 0; --i) {
    u32 prev = right ^ round_fn(left, keys[i]);
    right = left;
    left = prev;
  }
  return (left << 16) | right;
}

}  // namespace

HandleTable::HandleTable(u64 secret) {
  u64 state = secret;
  for (u32& k : keys_) k = static_cast<u32>(splitmix64(state));
}

HandleTable::~HandleTable() {
  close_all();
  delete[] slots_;
}

u64 HandleTable::secret_for(koios::Koid process, u64 boot_seed) {
  u64 state = boot_seed ^ (process * 0xD6E8FEB86659FD93ull);
  return splitmix64(state);
}

Status HandleTable::init(u32 quota) {
  if (quota == 0 || quota > kMaxQuota) return Status::InvalidArgs;
  Guard guard(lock_);
  if (slots_ != nullptr) return Status::BadState;
  Slot* slots = new (std::nothrow) Slot[quota];
  if (slots == nullptr) return Status::NoMemory;
  for (u32 i = 0; i < quota; ++i) slots[i].next_free = i + 1 < quota ? i + 1 : kNoSlot;
  slots_ = slots;
  quota_ = quota;
  free_head_ = 0;
  free_tail_ = quota - 1;
  return Status::Ok;
}

Handle HandleTable::encode(u32 index, u32 generation) const {
  u32 raw = (kCheckPattern << (kIndexBits + kGenerationBits)) | (generation << kIndexBits) | index;
  return permute(raw, keys_);
}

u32 HandleTable::decode_locked(Handle value) const {
  if (value == koios::kInvalidHandle) return kNoSlot;
  if (value != last_value_) {
    last_raw_ = unpermute(value, keys_);
    last_value_ = value;
  }
  u32 raw = last_raw_;
  if ((raw >> (kIndexBits + kGenerationBits)) != kCheckPattern) return kNoSlot;
  u32 index = raw & kIndexMask;
  u32 generation = (raw >> kIndexBits) & kGenerationMask;
  if (index >= quota_ || !slots_[index].handle || slots_[index].generation != generation) return kNoSlot;
  return index;
}

Handle HandleTable::next_value_locked(u32 index) {
  Slot& slot = slots_[index];
  for (;;) {
    slot.generation = (slot.generation + 1) & kGenerationMask;
    Handle value = encode(index, slot.generation);
    if (value != koios::kInvalidHandle) return value;
  }
}

koios::Result<Handle> HandleTable::add_locked(KernelHandle handle) {
  if (!handle) return Status::InvalidArgs;
  if (free_head_ == kNoSlot) return Status::NoResources;
  u32 index = free_head_;
  Slot& slot = slots_[index];
  free_head_ = slot.next_free;
  if (free_head_ == kNoSlot) free_tail_ = kNoSlot;
  slot.next_free = kNoSlot;
  slot.handle = std::move(handle);
  ++count_;
  // The generation moves on when a slot is taken, so the value differs from the slot's last one.
  return next_value_locked(index);
}

KernelHandle HandleTable::release_slot_locked(u32 index) {
  Slot& slot = slots_[index];
  KernelHandle handle = std::move(slot.handle);
  slot.next_free = kNoSlot;
  if (free_tail_ == kNoSlot) {
    free_head_ = free_tail_ = index;
  } else {
    slots_[free_tail_].next_free = index;
    free_tail_ = index;
  }
  --count_;
  return handle;
}

koios::Result<Handle> HandleTable::add(RefPtr<KernelObject> object, Rights rights) {
  if (!object) return Status::InvalidArgs;
  return add(KernelHandle(std::move(object), rights));
}

koios::Result<Handle> HandleTable::add(KernelHandle handle) {
  koios::Result<Handle> result = Status::NoResources;
  {
    Guard guard(lock_);
    result = add_locked(std::move(handle));
  }
  // On failure `handle` still holds the capability and closes here, with the table unlocked.
  return result;
}

koios::Result<HandleTable::Entry> HandleTable::lookup_entry(Handle value, koios::ObjectType type,
                                                            Rights required) const {
  Guard guard(lock_);
  u32 index = decode_locked(value);
  if (index == kNoSlot) return Status::BadHandle;
  const KernelHandle& handle = slots_[index].handle;
  if (type != koios::ObjectType::None && handle.object()->type() != type) return Status::WrongType;
  if (!koios::contains(handle.rights(), required)) return Status::AccessDenied;
  return Entry{handle.object_ref(), handle.rights()};
}

koios::Result<HandleTable::Entry> HandleTable::lookup_any(Handle value, Rights required) const {
  return lookup_entry(value, koios::ObjectType::None, required);
}

koios::Result<Handle> HandleTable::duplicate(Handle value, Rights rights) {
  Guard guard(lock_);
  u32 index = decode_locked(value);
  if (index == kNoSlot) return Status::BadHandle;
  const KernelHandle& original = slots_[index].handle;
  if (!koios::contains(original.rights(), Rights::Duplicate)) return Status::AccessDenied;
  if (rights == Rights::SameRights) rights = original.rights();
  if (!koios::contains(original.rights(), rights)) return Status::InvalidArgs;
  // Cannot fail for any reason but room, and then nothing was made: the new KernelHandle is only
  // built once a slot is known to be free.
  if (free_head_ == kNoSlot) return Status::NoResources;
  return add_locked(KernelHandle(original.object_ref(), rights));
}

koios::Result<Handle> HandleTable::replace(Handle value, Rights rights) {
  Guard guard(lock_);
  u32 index = decode_locked(value);
  if (index == kNoSlot) return Status::BadHandle;
  KernelHandle& handle = slots_[index].handle;
  if (rights == Rights::SameRights) rights = handle.rights();
  if (!koios::contains(handle.rights(), rights)) return Status::InvalidArgs;
  handle.set_rights(rights);
  return next_value_locked(index);
}

Status HandleTable::close(Handle value) {
  KernelHandle closing;
  {
    Guard guard(lock_);
    u32 index = decode_locked(value);
    if (index == kNoSlot) return Status::BadHandle;
    closing = release_slot_locked(index);
  }
  return Status::Ok;  // `closing` drops here, unlocked: the object may run on_zero_handles and die
}

u32 HandleTable::count() const {
  Guard guard(lock_);
  return count_;
}

void HandleTable::close_all() {
  // One slot at a time, so no lock is held while an object reacts to losing its last handle.
  // Objects cannot add handles to this table from on_zero_handles, so one pass is enough.
  for (u32 i = 0; i < quota_; ++i) {
    KernelHandle closing;
    {
      Guard guard(lock_);
      if (slots_[i].handle) closing = release_slot_locked(i);
    }
  }
}

}  // namespace kernel
