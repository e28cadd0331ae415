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

}  // namespace koios
