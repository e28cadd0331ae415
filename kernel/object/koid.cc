// kernel/object/koid.cc: the KoID counter.
#include "kernel/object/koid.h"

#include <atomic>

namespace kernel {

namespace {
// Constant-initialised, so no static-init guard in the freestanding kernel. Starts at 1: 0 is
// kInvalidKoid. Relaxed is enough: uniqueness needs atomicity, not ordering.
std::atomic<koios::u64> next_koid{1};
}  // namespace

koios::Koid allocate_koid() { return next_koid.fetch_add(1, std::memory_order_relaxed); }

}  // namespace kernel
