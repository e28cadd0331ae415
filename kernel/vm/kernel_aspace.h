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
// Stack slots: the first kMaxCpus are the harts' own (slot = cpu index); the rest are handed to
// threads by create_thread_stack and come back with destroy_stack.
inline constexpr koios::u32 kStackSlots = 4096;
// The stack for one cpu (slot = cpu index), backed by fresh pages.
koios::Result<KernelStack> create_stack(koios::u32 slot);
// A thread stack: a cached one when there is one, else a free slot with fresh pages;
// NoResources when every slot is taken.
koios::Result<KernelStack> create_thread_stack();
// Gives a thread stack back. Up to kStackCacheMax stay mapped for the next thread (no TLB
// shootdown, no page churn); beyond that the stack is unmapped on every hart and freed.
inline constexpr koios::u32 kStackCacheMax = 32;
void destroy_stack(const KernelStack& stack);
// Pages mapped for thread stacks, in use or cached (for leak checks).
koios::u64 thread_stack_pages();
platform::PageSource page_source();

}  // namespace kernel::aspace
