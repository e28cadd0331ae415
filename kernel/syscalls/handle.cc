// kernel/syscalls/handle.cc: the handle_* handlers.
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

Status sys_handle_close(Handle handle) { return current_handles().close(handle); }

Status sys_handle_duplicate(Handle handle, Rights rights, UserPtr<Handle> out) {
  TRY(out.check_writable());
  Handle value = TRY(current_handles().duplicate(handle, rights));
  if (Status s = out.copy_out(&value); s != Status::Ok) {
    (void)current_handles().close(value);  // nothing created is left unreported
    return s;
  }
  return Status::Ok;
}

Status sys_handle_replace(Handle handle, Rights rights, UserPtr<Handle> out) {
  TRY(out.check_writable());
  Handle value = TRY(current_handles().replace(handle, rights));
  return out.copy_out(&value);  // checked writable above; nothing unmaps between (single thread)
}

}  // namespace kernel
