// tests/unit/kernel/elf_test.cc: the ELF parser on a well-formed image and on hostile ones.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "kernel/lib/elf.h"

namespace {

constexpr koios::u64 kLow = 0x100000000, kHigh = 0x4000000000;

struct Phdr {
  koios::u32 type, flags;
  koios::u64 offset, vaddr, filesz, memsz;
};

// A RISC-V ELF64 executable with the given program headers, in a file of `size` bytes.
std::vector<unsigned char> make_elf(koios::u64 entry, const std::vector<Phdr>& phdrs, std::size_t size = 0x3000) {
  std::vector<unsigned char> f(size, 0);
  auto put = [&](std::size_t off, koios::u64 v, int bytes) {
    for (int i = 0; i < bytes; ++i) f[off + i] = static_cast<unsigned char>(v >> (8 * i));
  };
  f[0] = 0x7f, f[1] = 'E', f[2] = 'L', f[3] = 'F', f[4] = 2, f[5] = 1, f[6] = 1;
  put(16, 2, 2);      // ET_EXEC
  put(18, 243, 2);    // EM_RISCV
  put(24, entry, 8);
  put(32, 64, 8);     // phoff
  put(54, 56, 2);     // phentsize
  put(56, phdrs.size(), 2);
  for (std::size_t i = 0; i < phdrs.size(); ++i) {
    std::size_t p = 64 + 56 * i;
    put(p, phdrs[i].type, 4);
    put(p + 4, phdrs[i].flags, 4);
    put(p + 8, phdrs[i].offset, 8);
    put(p + 16, phdrs[i].vaddr, 8);
    put(p + 32, phdrs[i].filesz, 8);
    put(p + 40, phdrs[i].memsz, 8);
  }
  return f;
}

const Phdr kText{1, 5, 0x1000, kLow, 0x100, 0x100};
const Phdr kData{1, 6, 0x2000, kLow + 0x1000, 0x10, 0x2000};

}  // namespace

TEST_CASE("a well-formed executable yields its entry and segments", "[elf]") {
  auto f = make_elf(kLow + 0x10, {kText, kData});
  auto r = kernel::elf::parse(f.data(), f.size(), kLow, kHigh);
  REQUIRE(r.ok());
  CHECK(r.value().entry == kLow + 0x10);
  REQUIRE(r.value().segment_count == 2);
  CHECK(r.value().segments[1].mem_size == 0x2000);
  CHECK(r.value().segments[1].flags == (kernel::elf::kRead | kernel::elf::kWrite));
}

TEST_CASE("hostile executables are refused", "[elf]") {
  using koios::Status;
  auto refused = [](const std::vector<unsigned char>& f) {
    return kernel::elf::parse(f.data(), f.size(), kLow, kHigh).status() == Status::BadFormat;
  };
  SECTION("writable and executable at once (W^X)") { CHECK(refused(make_elf(kLow, {{1, 7, 0x1000, kLow, 0x10, 0x10}}))); }
  SECTION("entry outside every executable segment") { CHECK(refused(make_elf(kLow + 0x1000, {kText, kData}))); }
  SECTION("a segment below the user range") { CHECK(refused(make_elf(0x1000, {{1, 5, 0x1000, 0x1000, 0x10, 0x10}}))); }
  SECTION("a segment past the user range") {
    CHECK(refused(make_elf(kHigh - 0x1000, {{1, 5, 0x1000, kHigh - 0x1000, 0x10, 0x2000}})));
  }
  SECTION("file bytes beyond the file") { CHECK(refused(make_elf(kLow, {{1, 5, 0x1000, kLow, 0x5000, 0x5000}}))); }
  SECTION("file size larger than memory size") { CHECK(refused(make_elf(kLow, {{1, 5, 0x1000, kLow, 0x20, 0x10}}))); }
  SECTION("two segments in one page") {
    CHECK(refused(make_elf(kLow, {kText, {1, 4, 0x1000, kLow + 0x800, 0x10, 0x10}})));
  }
  SECTION("misaligned file offset and address") { CHECK(refused(make_elf(kLow, {{1, 5, 0x1004, kLow, 0x10, 0x10}}))); }
  SECTION("program headers past the end") {
    auto f = make_elf(kLow, {kText});
    f[56] = 0xff, f[57] = 0xff;  // 65535 headers
    CHECK(refused(f));
  }
  SECTION("wrong machine, class or magic") {
    auto f = make_elf(kLow, {kText});
    f[18] = 62;  // x86-64
    CHECK(refused(f));
    f = make_elf(kLow, {kText});
    f[4] = 1;  // 32-bit
    CHECK(refused(f));
    f = make_elf(kLow, {kText});
    f[1] = 'X';
    CHECK(refused(f));
  }
  SECTION("no loadable segment") { CHECK(refused(make_elf(kLow, {{2, 5, 0x1000, kLow, 0x10, 0x10}}))); }
}

TEST_CASE("every truncation of a good executable is refused or parsed in bounds", "[elf]") {
  auto f = make_elf(kLow + 0x10, {kText, kData});
  for (std::size_t len = 0; len < f.size(); len += 7) {
    std::vector<unsigned char> cut(f.begin(), f.begin() + static_cast<long>(len));  // ASan sees overreads
    auto r = kernel::elf::parse(cut.data(), cut.size(), kLow, kHigh);
    if (len < 0x2010) CHECK_FALSE(r.ok());
  }
}

TEST_CASE("a parser given only the headers checks segments against the whole file's size", "[elf]") {
  // What the user-space spawner does: it reads the first page, not the file.
  auto f = make_elf(kLow + 0x10, {kText, kData});
  auto r = koios::elf::parse_prefix(f.data(), 0x1000, f.size(), kLow, kHigh);
  REQUIRE(r.ok());
  CHECK(r.value().segment_count == 2);
  // The same headers in a file too short for the data segment's bytes.
  CHECK(koios::elf::parse_prefix(f.data(), 0x1000, 0x2008, kLow, kHigh).status() == koios::Status::BadFormat);
  // Program headers past the prefix, and a prefix longer than the file, are refused too.
  CHECK(koios::elf::parse_prefix(f.data(), 100, f.size(), kLow, kHigh).status() == koios::Status::BadFormat);
  CHECK(koios::elf::parse_prefix(f.data(), f.size(), 0x1000, kLow, kHigh).status() == koios::Status::BadFormat);
}
