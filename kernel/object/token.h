// kernel/object/token.h: an unforgeable name a server mints for something it owns (a namespace, a
// cgroup), so that thing has a KoID and is passed around by handle, as Linux passes /proc/PID/ns
// files. Tokens come in pairs: the minter keeps one side and hands out the other; when a token comes
// back, the minter checks it is one of its own by comparing the token's KoID with its kept side's
// related KoID. Each side dies with its own last handle and reference; a side left alone reports
// PeerClosed, so a minter learns when every handle to what it handed out is gone.
#pragma once

#include "kernel/object/object.h"

namespace kernel {

class Token final : public PeeredObject<Token> {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Token;
  // SignalPeer: the minter tells holders about what the token names (pidsrv: a pidfd's process
  // has exited); a minter drops it, and Enter where it means nothing, from the side it hands out.
  static constexpr koios::Rights kDefaultRights =
      koios::kRightsBasic | koios::Rights::Enter | koios::Rights::SignalPeer;

  static koios::Result<PeerPair<Token>> create();   // fails only with NoMemory
  // Use create(); public only so make_ref can build one.
  explicit Token(RefPtr<PeerHolder> holder) : PeeredObject(kType, koios::Signals::None, std::move(holder)) {}
};

}  // namespace kernel
