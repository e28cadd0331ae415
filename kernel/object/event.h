// kernel/object/event.h: an object that is nothing but its signals: object_signal sets and clears
// Signaled and the user signals, waiters watch them. Dies with its last handle and reference.
#pragma once

#include "kernel/object/object.h"

namespace kernel {

class Event final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Event;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Signal;

  static koios::Result<RefPtr<Event>> create();   // fails only with NoMemory
  Event() : KernelObject(kType, koios::Signals::None) {}

  koios::Signals allowed_user_signals() const override { return koios::kUserSignals | koios::Signals::Signaled; }
};

}  // namespace kernel
