// kernel/object/event_pair.cc
#include "kernel/object/event_pair.h"

namespace kernel {

koios::Result<PeerPair<EventPair>> EventPair::create() {
  RefPtr<PeerHolder> holder = TRY(make_ref<PeerHolder>());
  RefPtr<EventPair> first = TRY(make_ref<EventPair>(holder));
  RefPtr<EventPair> second = TRY(make_ref<EventPair>(holder));
  link(*first, *second);
  return PeerPair<EventPair>{std::move(first), std::move(second)};
}

}  // namespace kernel
