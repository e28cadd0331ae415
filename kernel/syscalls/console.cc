// kernel/syscalls/console.cc: the console_* handlers. Both need a resource that covers Console
// (a console or the root resource); console.h says who reads input and which object is Readable.
#include "kernel/console.h"
#include "kernel/object/resource.h"
#include "kernel/syscalls/dispatch.h"
#include "platform/platform.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

namespace {
constexpr koios::u64 kReadChunk = 256;

Status check_console(Handle handle, Rights rights) {
  RefPtr<Resource> resource = TRY(current_handles().lookup<Resource>(handle, rights));
  return resource->covers(koios::ResourceKind::Console) ? Status::Ok : Status::AccessDenied;
}
}  // namespace

Status sys_console_read(Handle resource, UserPtr<void> buffer, koios::u64 size, UserPtr<koios::u64> actual) {
  TRY(check_console(resource, Rights::Read));
  // Bytes taken from the ring cannot be put back: every output is checked before the first one.
  if (size > 0) TRY(buffer.check_writable(size));
  if (!actual.is_null()) TRY(actual.check_writable());
  koios::u64 total = 0;
  if (size > 0) {
    char chunk[kReadChunk];
    for (;;) {
      koios::u64 want = size - total < kReadChunk ? size - total : kReadChunk;
      koios::usize got = console::read_for_user(chunk, want);
      if (got == 0) break;
      TRY(UserPtr<void>(buffer.address() + total).copy_out(chunk, got));
      total += got;
      if (got < want || total == size) break;
    }
    if (total == 0) return Status::ShouldWait;
  }
  if (!actual.is_null()) TRY(actual.copy_out(&total));
  return Status::Ok;
}

Status sys_console_write(Handle resource, UserPtr<const void> buffer, koios::u64 size) {
  TRY(check_console(resource, Rights::Write));
  if (size > koios::kConsoleWriteMax) return Status::OutOfRange;
  char text[koios::kConsoleWriteMax];
  TRY(buffer.copy_in(text, size));  // all of it first: a bad pointer writes nothing
  platform::console_write(text, size);
  return Status::Ok;
}

}  // namespace kernel
