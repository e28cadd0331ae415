// kernel/object/token.cc
#include "kernel/object/token.h"

namespace kernel {

koios::Result<PeerPair<Token>> Token::create() {
  RefPtr<PeerHolder> holder = TRY(make_ref<PeerHolder>());
  RefPtr<Token> first = TRY(make_ref<Token>(holder));
  RefPtr<Token> second = TRY(make_ref<Token>(holder));
  link(*first, *second);
  return PeerPair<Token>{std::move(first), std::move(second)};
}

}  // namespace kernel
