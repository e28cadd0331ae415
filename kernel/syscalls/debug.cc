// kernel/syscalls/debug.cc: the debug_* handlers.
#include "kernel/lib/log.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

namespace {
constexpr koios::u64 kDebugWriteMax = 256;  // one console line; longer text is refused, not cut
}

koios::Status sys_debug_write(UserPtr<const char> text, koios::u64 length) {
  if (length > kDebugWriteMax) return koios::Status::OutOfRange;
  char buffer[kDebugWriteMax + 1];
  TRY(text.copy_in(buffer, length));
  buffer[length] = 0;
  // As a console shows it: the text alone, one line per call.
  print("%.*s%s", static_cast<int>(length), buffer, length > 0 && buffer[length - 1] == '\n' ? "" : "\n");
  return koios::Status::Ok;
}

}  // namespace kernel

namespace kernel {

koios::Status sys_debug_null() { return koios::Status::Ok; }

}  // namespace kernel
