// platform/riscv64/include/platform/trap_frame.h: the registers trap.S saves, in its order.
#pragma once

#include "koios/types.h"

namespace platform {

// x0..x31 (x0's slot is unused, x2 holds the interrupted sp), then the trap CSRs.
struct TrapFrame {
  koios::u64 x[32];
  koios::u64 sepc;
  koios::u64 sstatus;
  koios::u64 scause;
  koios::u64 stval;

  koios::u64 sp() const { return x[2]; }
  koios::u64 ra() const { return x[1]; }
  koios::u64 fp() const { return x[8]; }
};
static_assert(sizeof(TrapFrame) == 36 * 8, "trap.S hard-codes this layout");

const char* trap_cause_name(koios::u64 scause);

}  // namespace platform
