// platform/riscv64/include/platform/boot_info.h: what the device tree tells us about the machine.
// Filled once by parse_device_tree(); plain data, also built on the host for the parser's tests.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace platform {

inline constexpr koios::u32 kMaxCpus = 8;
inline constexpr koios::u32 kMaxMemoryRanges = 4;
inline constexpr koios::u32 kMaxReservedRanges = 16;
inline constexpr koios::u32 kMaxBootargs = 256;

struct MemoryRange {
  koios::u64 base;
  koios::u64 size;
  koios::u64 end() const { return base + size; }
};

struct BootInfo {
  MemoryRange memory[kMaxMemoryRanges];
  koios::u32 memory_count;
  MemoryRange reserved[kMaxReservedRanges];   // /memreserve/ entries and /reserved-memory children
  koios::u32 reserved_count;
  koios::u64 hart_ids[kMaxCpus];              // enabled harts in device-tree order
  koios::u32 plic_s_context[kMaxCpus];        // PLIC context of each hart's S-mode, ~0 if none
  koios::u32 cpu_count;
  koios::u32 cpus_ignored;                    // harts beyond kMaxCpus
  koios::u64 timebase_hz;
  koios::u64 uart_base;
  koios::u32 uart_irq;
  koios::u64 plic_base;
  koios::u64 plic_size;
  koios::u32 plic_ndev;
  koios::u64 test_device_base;                // sifive,test0: 0 when absent
  koios::u64 dtb_base;
  koios::u64 dtb_size;
  char bootargs[kMaxBootargs];
};

// Parses a flattened device tree of at most `available` bytes. On failure returns BadFormat and
// points *why at a sentence for the boot log ("device tree: ..."); nothing is read out of bounds.
koios::Result<BootInfo> parse_device_tree(const void* blob, koios::usize available,
                                          const char** why);

}  // namespace platform
