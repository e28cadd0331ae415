// kernel/lib/bootargs.h: the kernel command line (/chosen/bootargs, QEMU's -append), as
// space-separated words "key" or "key=value". Read-only after boot.
#pragma once

#include "koios/types.h"

namespace kernel {

class BootArgs {
 public:
  explicit BootArgs(const char* line) : line_(line) {}
  // The value of the first "key=value" word, copied into out; false when absent or too long.
  bool get(const char* key, char* out, koios::usize out_size) const;
  // True when some "key=value" word has exactly this value, or a bare "key" word when value is null.
  bool has(const char* key, const char* value = nullptr) const;

 private:
  const char* line_;
};

}  // namespace kernel
