// kernel/lib/elf.h: the kernel's name for the ELF parser, which lives in the ABI
// (kernel/abi/koios/elf.h) because the user-space spawner uses the same checks.
#pragma once

#include "koios/elf.h"

namespace kernel {
namespace elf = koios::elf;
}  // namespace kernel
