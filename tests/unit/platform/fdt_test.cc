// tests/unit/platform/fdt_test.cc: the device-tree parser on real and on broken blobs.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "platform/boot_info.h"

namespace {

// Blobs are read into 8-byte-aligned storage, as firmware hands them over.
struct Blob {
  std::vector<std::uint64_t> words;
  std::size_t size = 0;
  const void* data() const { return words.data(); }
  unsigned char* bytes() { return reinterpret_cast<unsigned char*>(words.data()); }
};

Blob load(const std::string& name) {
  std::ifstream in(std::string(FIXTURE_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Blob b;
  b.size = raw.size();
  b.words.resize((raw.size() + 7) / 8);
  std::memcpy(b.words.data(), raw.data(), raw.size());
  // QEMU pads the blobs it dumps to 1 MiB; the blob proper is the header's totalsize.
  REQUIRE(raw.size() >= 8);
  auto* h = reinterpret_cast<const unsigned char*>(raw.data());
  std::size_t total = std::size_t(h[4]) << 24 | std::size_t(h[5]) << 16 | std::size_t(h[6]) << 8 | h[7];
  if (total <= raw.size()) b.size = total;
  return b;
}

koios::Result<platform::BootInfo> parse(const Blob& b, const char** why, std::size_t size = SIZE_MAX) {
  return platform::parse_device_tree(b.data(), size == SIZE_MAX ? b.size : size, why);
}

}  // namespace

TEST_CASE("QEMU's virt tree yields memory, harts, timebase and devices", "[fdt]") {
  Blob b = load("virt-smp4.dtb");
  const char* why = nullptr;
  auto r = parse(b, &why);
  REQUIRE(r.ok());
  const auto& info = r.value();
  CHECK(info.memory_count == 1);
  CHECK(info.memory[0].base == 0x80000000u);
  CHECK(info.memory[0].size == 512u << 20);
  REQUIRE(info.cpu_count == 4);
  for (unsigned i = 0; i < 4; ++i) CHECK(info.hart_ids[i] == i);
  CHECK(info.timebase_hz == 10'000'000u);
  CHECK(info.uart_base == 0x10000000u);
  CHECK(info.uart_irq == 10);
  CHECK(info.plic_base == 0x0c000000u);
  CHECK(info.plic_size == 0x600000u);
  CHECK(info.test_device_base == 0x100000u);
  SECTION("each hart's S-mode PLIC context comes from interrupts-extended") {
    for (unsigned i = 0; i < 4; ++i) CHECK(info.plic_s_context[i] == 2 * i + 1);
  }
  SECTION("the command line comes from /chosen/bootargs") {
    CHECK(std::string(info.bootargs) == "console=koios selftest.break=none");
  }
  CHECK(info.dtb_size == b.size);
}

TEST_CASE("a one-hart tree has one cpu", "[fdt]") {
  Blob b = load("virt-smp1.dtb");
  auto r = parse(b, nullptr);
  REQUIRE(r.ok());
  CHECK(r.value().cpu_count == 1);
}

TEST_CASE("sparse hart ids, disabled harts, several memory ranges and reservations", "[fdt]") {
  Blob b = load("sparse_harts.dtb");
  const char* why = nullptr;
  auto r = parse(b, &why);
  INFO((why ? why : ""));
  REQUIRE(r.ok());
  const auto& info = r.value();
  REQUIRE(info.cpu_count == 2);
  CHECK(info.hart_ids[0] == 3);
  CHECK(info.hart_ids[1] == 7);
  CHECK(info.plic_s_context[0] == 1);
  CHECK(info.plic_s_context[1] == 3);
  REQUIRE(info.memory_count == 2);
  CHECK(info.memory[1].base == 0x100000000u);
  CHECK(info.memory[1].size == 0x4000000u);
  REQUIRE(info.reserved_count == 2);  // the /memreserve/ entry and the reserved-memory child
  CHECK(info.reserved[0].base == 0x80000000u);
  CHECK(info.reserved[0].size == 0x200000u);
  CHECK(info.reserved[1].size == 0x80000u);
  CHECK(info.timebase_hz == 1'000'000u);
  CHECK(info.test_device_base == 0);
  CHECK(std::string(info.bootargs) == "fault=panic selftest.break=pmm");
}

TEST_CASE("missing properties give a message naming what is missing", "[fdt]") {
  const char* why = nullptr;
  SECTION("no timebase-frequency") {
    auto r = parse(load("missing_timebase.dtb"), &why);
    CHECK(r.status() == koios::Status::BadFormat);
    REQUIRE(why != nullptr);
    CHECK(std::string(why).find("timebase-frequency") != std::string::npos);
  }
  SECTION("no memory node") {
    auto r = parse(load("no_memory.dtb"), &why);
    CHECK(r.status() == koios::Status::BadFormat);
    REQUIRE(why != nullptr);
    CHECK(std::string(why).find("memory") != std::string::npos);
  }
}

TEST_CASE("a truncated blob is refused at every length", "[fdt]") {
  Blob b = load("virt-smp4.dtb");
  for (std::size_t len = 0; len < b.size; len += (len < 64 ? 1 : 97)) {
    const char* why = nullptr;
    auto r = parse(b, &why, len);
    CHECK_FALSE(r.ok());
    REQUIRE(why != nullptr);
    CHECK(std::string(why).rfind("device tree: ", 0) == 0);
  }
}

TEST_CASE("bad magic, a null blob and a misaligned pointer are refused", "[fdt]") {
  Blob b = load("virt-smp1.dtb");
  const char* why = nullptr;
  CHECK(platform::parse_device_tree(nullptr, 100, &why).status() == koios::Status::BadFormat);
  CHECK(platform::parse_device_tree(b.bytes() + 1, b.size - 1, &why).status() == koios::Status::BadFormat);
  b.bytes()[0] ^= 0xff;
  CHECK(parse(b, &why).status() == koios::Status::BadFormat);
  CHECK(std::string(why).find("magic") != std::string::npos);
}

TEST_CASE("a header whose blocks point outside the blob is refused", "[fdt]") {
  Blob b = load("virt-smp1.dtb");
  auto put32 = [&](std::size_t off, std::uint32_t v) {
    b.bytes()[off] = v >> 24, b.bytes()[off + 1] = v >> 16, b.bytes()[off + 2] = v >> 8, b.bytes()[off + 3] = v;
  };
  const char* why = nullptr;
  SECTION("structure block") {
    put32(36, 0x7fffffff);
    CHECK(parse(b, &why).status() == koios::Status::BadFormat);
  }
  SECTION("strings block") {
    put32(12, 0xfffffff0);
    CHECK(parse(b, &why).status() == koios::Status::BadFormat);
  }
}

TEST_CASE("random corruption never reads out of bounds", "[fdt]") {
  // ASan turns any out-of-bounds read into a failure; the parser may accept or refuse.
  Blob original = load("virt-smp4.dtb");
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    Blob b = original;
    int flips = 1 + int(rng() % 8);
    for (int i = 0; i < flips; ++i) b.bytes()[rng() % b.size] ^= std::uint8_t(1u << (rng() % 8));
    // Exactly sized storage, so ASan sees reads past the end.
    std::vector<unsigned char> exact(b.bytes(), b.bytes() + b.size);
    std::vector<std::uint64_t> aligned((b.size + 7) / 8);
    std::memcpy(aligned.data(), exact.data(), b.size);
    const char* why = nullptr;
    auto r = platform::parse_device_tree(aligned.data(), b.size, &why);
    if (!r.ok()) CHECK(why != nullptr);
  }
}
