// kernel/vm/kernel_aspace.h: the kernel's address space, shared by every hart: all RAM identity
// mapped (text RX, rodata R, the rest RW, so W^X holds in the kernel too), the devices, and the
// kernel stacks in their own region, each with an unmapped guard page below it.
#pragma once

#include "koios/result.h"
#include "platform/platform.h"

namespace kernel::aspace {

// Kernel stacks live in the upper half of Sv39, away from the identity map, so a guard page is
// a real hole: nothing else is mapped right below a stack.
inline constexpr koios::u64 kStackRegion = 0xffffffc000000000ull;
inline constexpr koios::u64 kStackSlot = 64 * 1024;      // per stack: guard + stack + gap
inline constexpr koios::u64 kStackSize = 16 * 1024;
inline constexpr koios::u64 kGuardSize = platform::kPageSize;
// Virtual addresses the self-tests may map and unmap freely.
inline constexpr koios::u64 kScratchRegion = 0xffffffd000000000ull;

struct KernelStack {
  koios::u64 low;   // lowest usable address; the guard page is right below
  koios::u64 top;
};

koios::Status init(const platform::BootInfo& info);
void activate_this_hart();
platform::PageTable& table();
// The stack for one cpu (slot = cpu index), backed by fresh pages.
koios::Result<KernelStack> create_stack(koios::u32 slot);
platform::PageSource page_source();

}  // namespace kernel::aspace
