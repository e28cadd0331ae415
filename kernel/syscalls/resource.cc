// kernel/syscalls/resource.cc: the resource_* handlers.
#include "kernel/object/resource.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::ResourceKind;
using koios::Rights;
using koios::Status;

Status sys_resource_create(Handle parent, ResourceKind kind, koios::u32 options, UserPtr<Handle> out) {
  RefPtr<Resource> held = TRY(current_handles().lookup<Resource>(parent, Rights::Manage));
  // Again for the handle's rights (lookup<T> checks the type before the rights, as it must).
  auto entry = TRY(current_handles().lookup_any(parent, Rights::None));
  if (options != 0 || !koios::resource_kind_valid(kind)) return Status::InvalidArgs;
  if (!held->covers(kind)) return Status::AccessDenied;  // never wider than the parent
  TRY(out.check_writable());
  RefPtr<Resource> narrower = Resource::of(kind);
  if (!narrower) return Status::BadState;  // only before boot made them, which no process sees
  // The parent's rights, not the default ones: deriving must not add a right the caller lacked.
  Handle value = TRY(current_handles().add(std::move(narrower), entry.rights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);  // nothing created is left unreported
    return s;
  }
  return Status::Ok;
}

}  // namespace kernel
