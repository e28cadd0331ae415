// kernel/sched/per_hart.cc
#include "kernel/sched/per_hart.h"

namespace kernel {
namespace {
PerHart g_harts[platform::kMaxCpus];
}

PerHart& hart(koios::u32 cpu) { return g_harts[cpu < platform::kMaxCpus ? cpu : 0]; }

koios::u64 current_hart_id() {
  if (!per_hart_ready()) return platform::hart_id_of(platform::boot_cpu());
  return this_hart().hart_id;
}

}  // namespace kernel
