// tests/unit/kernel/object/socket_test.cc: byte streams: short writes, wrap-around, signals, peers.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "kernel/object/socket.h"
#include "leak_check.h"

using kernel::Socket;
using koios::Signals;
using koios::Status;
using koios::usize;

namespace {
std::string read_all(Socket& s, usize max) {
  std::vector<koios::u8> buf(max);
  usize got = 0;
  if (s.read(buf.data(), max, &got) != Status::Ok) return "";
  return std::string(buf.begin(), buf.begin() + static_cast<long>(got));
}
}  // namespace

TEST_CASE("bytes written at one end are read at the other, in order", "[socket]") {
  LeakCheck leaks;
  auto pair = Socket::create().value();
  usize n = 0;
  REQUIRE(pair.first->write(reinterpret_cast<const koios::u8*>("hello "), 6, &n) == Status::Ok);
  REQUIRE(pair.first->write(reinterpret_cast<const koios::u8*>("world"), 5, &n) == Status::Ok);
  CHECK((pair.second->signals() & Signals::Readable) == Signals::Readable);
  CHECK(read_all(*pair.second, 3) == "hel");
  CHECK(read_all(*pair.second, 100) == "lo world");
  CHECK((pair.second->signals() & Signals::Readable) == Signals::None);
  usize got = 0;
  koios::u8 byte;
  CHECK(pair.second->read(&byte, 1, &got) == Status::ShouldWait);
}

TEST_CASE("a full socket takes a short write, then ShouldWait, and wraps around", "[socket]") {
  LeakCheck leaks;
  auto pair = Socket::create().value();
  std::vector<koios::u8> big(Socket::kCapacity + 100, 'x');
  usize n = 0;
  REQUIRE(pair.first->write(big.data(), big.size(), &n) == Status::Ok);
  CHECK(n == Socket::kCapacity);  // a short write
  CHECK((pair.first->signals() & Signals::Writable) == Signals::None);
  CHECK(pair.first->write(big.data(), 1, &n) == Status::ShouldWait);
  CHECK(n == 0);
  CHECK(read_all(*pair.second, 10).size() == 10);
  CHECK((pair.first->signals() & Signals::Writable) == Signals::Writable);
  // The next write wraps around the end of the ring.
  REQUIRE(pair.first->write(reinterpret_cast<const koios::u8*>("0123456789"), 10, &n) == Status::Ok);
  CHECK(n == 10);
  std::string rest = read_all(*pair.second, Socket::kCapacity + 100);
  CHECK(rest.size() == Socket::kCapacity);
  CHECK(rest.substr(rest.size() - 10) == "0123456789");
}

TEST_CASE("when one end goes, the other reads what is left, then PeerClosed", "[socket]") {
  LeakCheck leaks;
  auto pair = Socket::create().value();
  usize n = 0;
  REQUIRE(pair.first->write(reinterpret_cast<const koios::u8*>("bye"), 3, &n) == Status::Ok);
  pair.first = nullptr;  // the last reference: the end dies
  CHECK((pair.second->signals() & Signals::PeerClosed) == Signals::PeerClosed);
  CHECK(read_all(*pair.second, 10) == "bye");
  koios::u8 b;
  usize got = 0;
  CHECK(pair.second->read(&b, 1, &got) == Status::PeerClosed);
  CHECK(pair.second->write(&b, 1, &got) == Status::PeerClosed);
}
