// kernel/abi/koios/port.h: the packets a port delivers, shared by kernel and user space.
#pragma once

#include "koios/signals.h"
#include "koios/status.h"
#include "koios/types.h"

namespace koios {

enum class PacketType : u32 {
  User = 0,          // queued by port_queue; data[] is the sender's
  SignalOne = 1,     // an object_wait_async completed: trigger/observed say which signals
};

struct PortPacket {
  u64 key;           // chosen by whoever queued the packet or armed the async wait
  PacketType type;
  Status status;
  Signals trigger;   // SignalOne: the signals waited for
  Signals observed;  // SignalOne: the object's signals when the wait completed
  u64 data[3];       // User: payload
};
static_assert(sizeof(PortPacket) == 48);

// User packets queued on one port and not yet taken by port_wait. port_queue on a full port
// answers ShouldWait. Async-wait packets do not count: their storage is reserved when the wait is
// armed, so a completed wait is never lost.
inline constexpr u32 kMaxPortPackets = 1024;
// Async waits bound to one port and not yet delivered (armed, or fired and queued). object_wait_async
// beyond this answers NoResources. With kMaxPortPackets this bounds a port's memory.
inline constexpr u32 kMaxPortAsyncWaits = 1024;
// object_wait_async options: 0 is the only one, a one-shot wait (Zircon dropped its repeating
// mode too: re-arm after each packet instead).
inline constexpr u32 kWaitAsyncOnce = 0;

}  // namespace koios
