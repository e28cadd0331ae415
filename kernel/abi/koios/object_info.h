// kernel/abi/koios/object_info.h: object_get_info's topics and their records, shared by kernel and
// user space. Records only grow at the end; a topic's number is ABI and never reused.
#pragma once

#include "koios/object_type.h"
#include "koios/rights.h"
#include "koios/types.h"

namespace koios {

enum class InfoTopic : u32 {
  Basic = 1,           // InfoBasic, for any handle with Inspect
  HandleCount = 2,     // u32: handles to the object, in all processes and in flight
  ProcessHandles = 3,  // u32: handles in a process's table
  // FIXME(#4): process/thread state, exit reason, per-thread times, memory use, kernel-wide counts.
};

struct InfoBasic {
  Koid koid;
  Koid related_koid;   // the peer of a channel/socket/eventpair end, the process of a thread, or 0
  ObjectType type;
  Rights rights;       // of the handle asked through
};
static_assert(sizeof(InfoBasic) == 24);

}  // namespace koios
