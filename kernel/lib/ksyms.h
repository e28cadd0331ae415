// kernel/lib/ksyms.h: the symbol table kernel/tools/gen_ksyms.py emits into section .ksyms
// (a second link; the first link's table is empty). Sorted by address.
#pragma once

#include "koios/types.h"

struct KernelSymbol {
  koios::u64 address;
  koios::u32 size;
  koios::u32 name_offset;  // into ksyms_names
};

extern "C" const koios::u64 ksyms_count;
extern "C" const KernelSymbol ksyms_table[];
extern "C" const char ksyms_names[];
