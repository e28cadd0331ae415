// kernel/syscalls/system.cc: the system_* handlers.
#include "kernel/lib/log.h"
#include "kernel/object/resource.h"
#include "kernel/syscalls/dispatch.h"
#include "platform/platform.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

namespace {
constexpr koios::u32 kMaxExitStatus = 255;  // QEMU's exit status is one byte
}

Status sys_system_shutdown(Handle resource, koios::u32 code) {
  RefPtr<Resource> power = TRY(current_handles().lookup<Resource>(resource, Rights::Manage));
  if (!power->covers(koios::ResourceKind::Power)) return Status::AccessDenied;
  if (code > kMaxExitStatus) return Status::InvalidArgs;
  // The same words as the monitor's poweroff, so scenarios read one line for both.
  print("poweroff: status %u (system_shutdown by %s)\n", code, current_process().name());
  platform::shutdown(code);
}

}  // namespace kernel
