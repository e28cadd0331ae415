// kernel/object/event_pair.h: two events joined at birth; each side signals itself (object_signal)
// or the other (object_signal_peer). Once one side's last handle is gone, the other reports
// PeerClosed for good. Each side dies with its own last handle and reference.
#pragma once

#include "kernel/object/object.h"

namespace kernel {

class EventPair final : public PeeredObject<EventPair> {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::EventPair;
  static constexpr koios::Rights kDefaultRights =
      koios::kRightsBasic | koios::Rights::Signal | koios::Rights::SignalPeer;

  static koios::Result<PeerPair<EventPair>> create();   // fails only with NoMemory
  // Use create(); public only so make_ref can build one.
  explicit EventPair(RefPtr<PeerHolder> holder) : PeeredObject(kType, koios::Signals::None, std::move(holder)) {}

  koios::Signals allowed_user_signals() const override { return koios::kUserSignals | koios::Signals::Signaled; }
};

}  // namespace kernel
