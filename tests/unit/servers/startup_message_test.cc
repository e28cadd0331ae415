// tests/unit/servers/startup_message_test.cc: servers/runtime's start-up message builder and
// parser agree, and the parser refuses every message that is not whole and consistent.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "startup_message.h"

using namespace koios;

namespace {
std::vector<std::string> strings_of(const StartupMessage& m) {
  std::vector<const char*> out(m.argc() + m.envc());
  m.strings(out.data());
  return {out.begin(), out.end()};
}
}  // namespace

TEST_CASE("a built start-up message parses back to the same arguments, environment and handles", "[startup]") {
  std::vector<u8> buffer(4096);
  StartupBuilder b(buffer.data(), u32(buffer.size()));
  REQUIRE(b.add_handle(0x1234, StartupHandleKind::Fd, 1) == Status::Ok);
  REQUIRE(b.add_arg("prog") == Status::Ok);
  REQUIRE(b.add_arg("") == Status::Ok);
  REQUIRE(b.add_arg("two words") == Status::Ok);
  REQUIRE(b.add_env("HOME=/") == Status::Ok);
  REQUIRE(b.add_handle(0x5678, StartupHandleKind::Server, u32(StartupServer::Pid)) == Status::Ok);
  auto size = b.finish();
  REQUIRE(size.ok());
  CHECK(size.value() == sizeof(StartupHeader) + 2 * sizeof(StartupHandleInfo) + 5 + 1 + 10 + 7);
  REQUIRE(b.handle_count() == 2);
  CHECK(b.handles()[0] == 0x1234);
  CHECK(b.handles()[1] == 0x5678);

  auto m = StartupMessage::parse(buffer.data(), size.value(), 2);
  REQUIRE(m.ok());
  CHECK(m.value().argc() == 3);
  CHECK(m.value().envc() == 1);
  CHECK(strings_of(m.value()) == std::vector<std::string>{"prog", "", "two words", "HOME=/"});
  CHECK(m.value().handle_info(0).kind == StartupHandleKind::Fd);
  CHECK(m.value().handle_info(0).arg == 1);
  CHECK(m.value().handle_info(1).kind == StartupHandleKind::Server);
  CHECK(m.value().handle_info(1).arg == u32(StartupServer::Pid));

  SECTION("the handle count must match the message's handles") {
    CHECK(StartupMessage::parse(buffer.data(), size.value(), 1).status() == Status::BadFormat);
    CHECK(StartupMessage::parse(buffer.data(), size.value(), 3).status() == Status::BadFormat);
  }
  SECTION("every byte cut off the end is refused") {
    for (u32 n = 0; n < size.value(); ++n)
      CHECK(StartupMessage::parse(buffer.data(), n, 2).status() == Status::BadFormat);
  }
  SECTION("a wrong magic, version, count or offset is refused") {
    auto corrupt = [&](usize offset, u32 value) {
      std::vector<u8> copy(buffer.begin(), buffer.begin() + size.value());
      std::memcpy(copy.data() + offset, &value, sizeof value);
      return StartupMessage::parse(copy.data(), u32(copy.size()), 2).status();
    };
    CHECK(corrupt(offsetof(StartupHeader, magic), 0) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, version), 3) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, argc), 4) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, envc), 0) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, handle_info_offset), 0xfffffff8) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, handle_info_offset), 33) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, strings_offset), 0xffffffff) == Status::BadFormat);
    CHECK(corrupt(offsetof(StartupHeader, strings_size), 0xffffffff) == Status::BadFormat);
  }
  SECTION("strings that do not end in a NUL are refused") {
    buffer[size.value() - 1] = 'x';
    CHECK(StartupMessage::parse(buffer.data(), size.value(), 2).status() == Status::BadFormat);
  }
}

TEST_CASE("an empty start-up message has no arguments and parses", "[startup]") {
  u8 buffer[64];
  StartupBuilder b(buffer, sizeof buffer);
  auto size = b.finish();
  REQUIRE(size.ok());
  CHECK(size.value() == sizeof(StartupHeader));
  auto m = StartupMessage::parse(buffer, size.value(), 0);
  REQUIRE(m.ok());
  CHECK(m.value().argc() == 0);
  CHECK(m.value().envc() == 0);
}

TEST_CASE("the builder keeps its order and its limits", "[startup]") {
  u8 buffer[48];
  StartupBuilder b(buffer, sizeof buffer);
  REQUIRE(b.add_env("A=1") == Status::Ok);
  CHECK(b.add_arg("late") == Status::BadState);   // argv comes before envp
  CHECK(b.add_env("this string is too long for the buffer it goes into") == Status::OutOfRange);
  for (u32 i = 0; i < kStartupMaxHandles; ++i) REQUIRE(b.add_handle(i + 1, StartupHandleKind::Fd, i) == Status::Ok);
  CHECK(b.add_handle(999, StartupHandleKind::Fd, 99) == Status::NoResources);
  CHECK(b.finish().status() == Status::OutOfRange);   // 64 records do not fit 48 bytes

  StartupBuilder done(buffer, sizeof buffer);
  REQUIRE(done.finish().ok());
  CHECK(done.finish().status() == Status::BadState);
  CHECK(done.add_arg("x") == Status::BadState);
  CHECK(done.add_handle(1, StartupHandleKind::Fd, 0) == Status::BadState);
}

TEST_CASE("a working directory travels as a version 2 message's last string", "[startup]") {
  std::vector<u8> buffer(4096);
  StartupBuilder b(buffer.data(), u32(buffer.size()));
  REQUIRE(b.add_arg("prog") == Status::Ok);
  REQUIRE(b.add_env("A=1") == Status::Ok);
  CHECK(b.set_cwd("relative") == Status::InvalidArgs);
  REQUIRE(b.set_cwd("/tmp/dir") == Status::Ok);
  CHECK(b.set_cwd("/again") == Status::BadState);
  CHECK(b.add_env("B=2") == Status::BadState);
  auto size = b.finish();
  REQUIRE(size.ok());
  auto m = StartupMessage::parse(buffer.data(), size.value(), 0);
  REQUIRE(m.ok());
  CHECK(strings_of(m.value()) == std::vector<std::string>{"prog", "A=1"});
  REQUIRE(m.value().cwd() != nullptr);
  CHECK(std::string(m.value().cwd()) == "/tmp/dir");
  SECTION("a version 1 message has none") {
    u32 one = kStartupVersion;
    std::memcpy(buffer.data() + offsetof(StartupHeader, version), &one, sizeof one);
    CHECK(StartupMessage::parse(buffer.data(), size.value(), 0).status() == Status::BadFormat);   // one string too many
  }
  SECTION("a relative one is refused") {
    u32 strings_offset = 0;
    std::memcpy(&strings_offset, buffer.data() + offsetof(StartupHeader, strings_offset), sizeof strings_offset);
    buffer[strings_offset + 5 + 4] = 't';   // "/tmp/dir" -> "ttmp/dir"
    CHECK(StartupMessage::parse(buffer.data(), size.value(), 0).status() == Status::BadFormat);
  }
  SECTION("with no environment the cwd follows argv") {
    StartupBuilder c(buffer.data(), u32(buffer.size()));
    REQUIRE(c.add_arg("p") == Status::Ok);
    REQUIRE(c.set_cwd("/") == Status::Ok);
    auto n = c.finish();
    REQUIRE(n.ok());
    auto parsed = StartupMessage::parse(buffer.data(), n.value(), 0);
    REQUIRE(parsed.ok());
    CHECK(parsed.value().envc() == 0);
    CHECK(std::string(parsed.value().cwd()) == "/");
  }
}
