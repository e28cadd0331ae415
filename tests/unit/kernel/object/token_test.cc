// tests/unit/kernel/object/token_test.cc: a server recognises the tokens it minted.
#include <catch2/catch.hpp>

#include "kernel/object/handle_table.h"
#include "kernel/object/token.h"
#include "leak_check.h"

using kernel::HandleTable;
using kernel::Token;
using koios::Rights;
using koios::Status;

TEST_CASE("a minter recognises its own token by related KoID and no other", "[token]") {
  LeakCheck leaks;
  HandleTable server(1), client(2);
  REQUIRE(server.init(16) == Status::Ok);
  REQUIRE(client.init(16) == Status::Ok);
  auto mine = Token::create().value();
  auto other = Token::create().value();
  REQUIRE(server.add(mine.first, Token::kDefaultRights).ok());
  koios::Handle handed_out = client.add(mine.second, Token::kDefaultRights).value();
  koios::Handle forged = client.add(other.second, Token::kDefaultRights).value();

  auto back = client.lookup<Token>(handed_out, Rights::Enter).value();
  CHECK(back->koid() == mine.first->related_koid());
  auto fake = client.lookup<Token>(forged, Rights::Enter).value();
  CHECK(fake->koid() != mine.first->related_koid());
}

TEST_CASE("a minter sees PeerClosed once every handle to the token it handed out is gone", "[token]") {
  LeakCheck leaks;
  HandleTable client(3);
  REQUIRE(client.init(16) == Status::Ok);
  auto pair = Token::create().value();
  kernel::KernelHandle kept(pair.first, Token::kDefaultRights);
  koios::Handle h = client.add(pair.second, Token::kDefaultRights).value();
  koios::Handle dup = client.duplicate(h, Rights::Enter).value();
  REQUIRE(client.close(h) == Status::Ok);
  CHECK_FALSE(koios::intersects(pair.first->signals(), koios::Signals::PeerClosed));
  REQUIRE(client.close(dup) == Status::Ok);
  CHECK(koios::intersects(pair.first->signals(), koios::Signals::PeerClosed));
}
