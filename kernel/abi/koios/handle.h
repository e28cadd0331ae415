// kernel/abi/koios/handle.h: what user space holds: a handle value, meaningful only in the process
// whose table issued it. Values are scrambled per process; 0 is never a handle.
#pragma once

#include "koios/types.h"

namespace koios {

using Handle = u32;
inline constexpr Handle kInvalidHandle = 0;

}  // namespace koios
