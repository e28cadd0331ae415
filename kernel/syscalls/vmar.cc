// kernel/syscalls/vmar.cc: the vmar_* handlers.
#include "kernel/object/vmar.h"
#include "kernel/object/vmo.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;
using koios::u32;
using koios::u64;
using platform::Perm;

Status sys_vmar_map(Handle vmar_handle, u32 options, u64 vmar_offset, Handle vmo_handle, u64 vmo_offset, u64 length,
                    UserPtr<u64> mapped_addr) {
  // Decode first, so a malformed request changes nothing: Read is required, W+X is refused
  // (InvalidArgs: the request is malformed whatever the handles allow), and an offset only
  // means something with Specific.
  if ((options & ~koios::kVmMapOptions) != 0 || (options & koios::kVmPermRead) == 0) return Status::InvalidArgs;
  bool write = (options & koios::kVmPermWrite) != 0, execute = (options & koios::kVmPermExecute) != 0;
  bool specific = (options & koios::kVmSpecific) != 0;
  if (write && execute) return Status::InvalidArgs;
  if (!specific && vmar_offset != 0) return Status::InvalidArgs;
  Rights needed = Rights::Map | Rights::Read;
  Perm perm = Perm::Read;
  if (write) needed = needed | Rights::Write, perm = perm | Perm::Write;
  if (execute) needed = needed | Rights::Execute, perm = perm | Perm::Execute;
  auto vmar = TRY(current_handles().lookup<Vmar>(vmar_handle, needed));
  auto vmo = TRY(current_handles().lookup<Vmo>(vmo_handle, needed));
  if (length == 0 || length % koios::kPageSize != 0 || vmo_offset % koios::kPageSize != 0 ||
      vmar_offset % koios::kPageSize != 0)
    return Status::InvalidArgs;
  if (specific && vmar_offset >= vmar->size()) return Status::OutOfRange;
  TRY(mapped_addr.check_writable());
  auto placement = specific ? UserAspace::Placement::Specific : UserAspace::Placement::Anywhere;
  u64 addr = TRY(vmar->aspace().map(placement, vmar->base() + vmar_offset, vmo->memory_ref(), vmo_offset, length, perm));
  if (Status s = mapped_addr.copy_out(&addr); s != Status::Ok) {
    (void)vmar->aspace().unmap(addr, length);
    return s;
  }
  return Status::Ok;
}

Status sys_vmar_unmap(Handle vmar_handle, u64 addr, u64 length) {
  auto vmar = TRY(current_handles().lookup<Vmar>(vmar_handle, Rights::Map));
  return vmar->aspace().unmap(addr, length);
}

}  // namespace kernel
