// kernel/syscalls/vmo.cc: the vmo_* handlers. Contents move between a vmo and user memory through a
// kernel bounce page, never with a vmo's lock held across a user copy: the user buffer may be a
// mapping of the same vmo, whose fault path takes that lock.
#include <new>

#include "kernel/object/vmo.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;
using koios::u32;
using koios::u64;

namespace {

constexpr u64 kChunk = koios::kPageSize;

// A handle for a fresh vmo in *out: the caller checked out is writable.
Status install(RefPtr<Vmo> vmo, Rights rights, UserPtr<Handle> out) {
  Handle value = TRY(current_handles().add(std::move(vmo), rights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);
    return s;
  }
  return Status::Ok;
}

bool in_range(const VmObject& memory, u64 offset, u64 size) {
  u64 total = memory.size();
  return offset <= total && size <= total - offset;
}

struct Bounce {
  Bounce() : bytes(new (std::nothrow) koios::u8[kChunk]) {}
  ~Bounce() { delete[] bytes; }
  koios::u8* bytes;
};

}  // namespace

Status sys_vmo_create(u64 size, u32 options, UserPtr<Handle> out) {
  if ((options & ~koios::kVmoCreateOptions) != 0) return Status::InvalidArgs;
  if (size > koios::kMaxVmoSize) return Status::OutOfRange;
  TRY(out.check_writable());
  auto resizable = (options & koios::kVmoResizable) != 0 ? VmObject::Resizable::Yes : VmObject::Resizable::No;
  return install(TRY(Vmo::create(size, resizable)), Vmo::kDefaultRights, out);
}

Status sys_vmo_read(Handle handle, UserPtr<void> buffer, u64 offset, u64 size) {
  auto vmo = TRY(current_handles().lookup<Vmo>(handle, Rights::Read));
  if (!in_range(vmo->memory(), offset, size)) return Status::OutOfRange;
  if (size == 0) return Status::Ok;
  TRY(buffer.check_writable(size));
  Bounce bounce;
  if (bounce.bytes == nullptr) return Status::NoMemory;
  for (u64 done = 0; done < size;) {
    u64 chunk = size - done < kChunk ? size - done : kChunk;
    TRY(vmo->memory().read(bounce.bytes, offset + done, chunk));  // OutOfRange if shrunk meanwhile
    TRY(UserPtr<void>(buffer.address() + done).copy_out(bounce.bytes, chunk));
    done += chunk;
  }
  return Status::Ok;
}

Status sys_vmo_write(Handle handle, UserPtr<const void> buffer, u64 offset, u64 size) {
  auto vmo = TRY(current_handles().lookup<Vmo>(handle, Rights::Write));
  if (!in_range(vmo->memory(), offset, size)) return Status::OutOfRange;
  if (size == 0) return Status::Ok;
  Bounce bounce;
  if (bounce.bytes == nullptr) return Status::NoMemory;
  for (u64 done = 0; done < size;) {
    u64 chunk = size - done < kChunk ? size - done : kChunk;
    TRY(UserPtr<const void>(buffer.address() + done).copy_in(bounce.bytes, chunk));
    TRY(vmo->memory().write(bounce.bytes, offset + done, chunk));
    done += chunk;
  }
  return Status::Ok;
}

Status sys_vmo_get_size(Handle handle, UserPtr<u64> size) {
  auto vmo = TRY(current_handles().lookup<Vmo>(handle, Rights::None));
  u64 value = vmo->memory().size();
  return size.copy_out(&value);
}

Status sys_vmo_set_size(Handle handle, u64 size) {
  auto vmo = TRY(current_handles().lookup<Vmo>(handle, Rights::Write));
  return vmo->memory().set_size(size);
}

Status sys_vmo_create_child(Handle handle, u32 options, u64 offset, u64 size, UserPtr<Handle> out) {
  if ((options & ~koios::kVmoChildOptions) != 0 || (options & koios::kVmoChildSnapshot) == 0)
    return Status::InvalidArgs;
  auto entry = TRY(current_handles().lookup_any(handle, Rights::None));
  if (entry.object->type() != Vmo::kType) return Status::WrongType;
  if (!koios::contains(entry.rights, Rights::Read | Rights::Duplicate)) return Status::AccessDenied;
  auto parent = ref_static_cast<Vmo>(std::move(entry.object));
  if (offset % koios::kPageSize != 0) return Status::InvalidArgs;
  if (size > koios::kMaxVmoSize || offset > koios::kMaxVmoSize) return Status::OutOfRange;
  TRY(out.check_writable());
  auto resizable = (options & koios::kVmoChildResizable) != 0 ? VmObject::Resizable::Yes : VmObject::Resizable::No;
  auto memory = TRY(parent->memory().snapshot(offset, size, resizable));
  // The copy is the caller's own: it may always write it, and keeps whatever else it had.
  return install(TRY(Vmo::wrap(std::move(memory))), entry.rights | Rights::Write, out);
}

}  // namespace kernel
