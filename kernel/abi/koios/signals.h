// kernel/abi/koios/signals.h: the signal bits an object asserts (signals.def), shared by kernel
// and user space, and the wait-item layout of object_wait_many.
#pragma once

#include "koios/flags.h"
#include "koios/handle.h"
#include "koios/types.h"

namespace koios {

enum class Signals : u32 {
  None = 0,
#define SIGNAL(name, bit, doc) name = 1u << (bit),
#include "koios/signals.def"
#undef SIGNAL
};
template <>
inline constexpr bool kIsFlagSet<Signals> = true;

// The eight user signals: object_signal may set and clear these on any object with Signal.
inline constexpr Signals kUserSignals = Signals::User0 | Signals::User1 | Signals::User2 | Signals::User3 |
                                        Signals::User4 | Signals::User5 | Signals::User6 | Signals::User7;

// One entry of object_wait_many: the caller fills handle and waitfor, the kernel fills pending.
struct WaitItem {
  Handle handle;
  Signals waitfor;
  Signals pending;
};
static_assert(sizeof(WaitItem) == 12);
// object_wait_many takes at most this many items (OutOfRange beyond); 0 items sleep to the deadline.
inline constexpr u32 kMaxWaitManyItems = 64;

// Deadlines are absolute monotonic nanoseconds (clock_get); these two are special.
inline constexpr i64 kDeadlineInfinite = INT64_MAX;
inline constexpr i64 kDeadlineNow = 0;

}  // namespace koios
