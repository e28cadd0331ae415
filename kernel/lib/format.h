// kernel/lib/format.h: printf-style formatting into a caller's buffer, no allocation.
// Supports %d %i %u %x %X %o %c %s %p %%, the length modifiers hh h l ll z t j, width, precision
// for strings, and the flags - 0 + space #. Unknown conversions are printed verbatim.
#pragma once

#include <cstdarg>

#include "koios/types.h"

namespace kernel {

// Writes at most size-1 characters and a NUL (when size > 0). Returns the length the full output
// would have, like vsnprintf, so callers can detect truncation.
koios::usize vformat(char* buffer, koios::usize size, const char* fmt, va_list args);
koios::usize format(char* buffer, koios::usize size, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace kernel
