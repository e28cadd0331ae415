// kernel/object/koid.h: KoIDs, the identities of kernel objects: 64-bit, allocated monotonically by
// one atomic counter, never reused (2^64 allocations outlast the machine), 0 never handed out.
#pragma once

#include "koios/object_type.h"

namespace kernel {

// The next KoID. Safe from any hart and from interrupt handlers (one atomic add, no lock).
koios::Koid allocate_koid();

}  // namespace kernel
