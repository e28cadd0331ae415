// tests/unit/kernel/bootfs_test.cc: the boot filesystem reader, on an archive made by the build's
// own packer (kernel/tools/mkbootfs.py) from two files, linked in as the kernel links its own.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kernel/lib/bootfs.h"

extern "C" const koios::u8 bootfs_start[];
extern "C" const koios::u8 bootfs_end[];

namespace {
std::string slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("files are found by name with their exact bytes", "[bootfs]") {
  REQUIRE(kernel::bootfs::count() == 2);
  auto first = kernel::bootfs::find("first");
  REQUIRE(first.ok());
  CHECK(std::string(reinterpret_cast<const char*>(first.value().data), first.value().size) == slurp(BOOTFS_FIRST));
  auto second = kernel::bootfs::find("second");
  REQUIRE(second.ok());
  CHECK(std::string(reinterpret_cast<const char*>(second.value().data), second.value().size) == slurp(BOOTFS_SECOND));
  CHECK(reinterpret_cast<koios::uptr>(second.value().data) % 4096 == 0);  // page aligned
  CHECK(kernel::bootfs::find("firs").status() == koios::Status::NotFound);
  CHECK(kernel::bootfs::find("first2").status() == koios::Status::NotFound);
  CHECK(kernel::bootfs::at(2).status() == koios::Status::NotFound);
}

TEST_CASE("a truncated or corrupted archive is refused, never read out of bounds", "[bootfs]") {
  std::vector<koios::u8> archive(bootfs_start, bootfs_end);
  for (std::size_t len = 0; len < 200; ++len) {
    std::vector<koios::u8> cut(archive.begin(), archive.begin() + static_cast<long>(len));
    auto r = kernel::bootfs::find_in(cut.data(), cut.size(), "second");
    CHECK_FALSE(r.ok());
  }
  auto bad = archive;
  bad[0] = 'X';
  CHECK(kernel::bootfs::find_in(bad.data(), bad.size(), "first").status() == koios::Status::BadFormat);
  bad = archive;
  bad[16 + 48] = 0xff, bad[16 + 48 + 7] = 0x7f;  // first entry's offset far past the end
  CHECK(kernel::bootfs::find_in(bad.data(), bad.size(), "first").status() == koios::Status::BadFormat);
  bad = archive;
  for (int i = 0; i < 48; ++i) bad[16 + i] = 'a';  // a name without its NUL
  CHECK(kernel::bootfs::find_in(bad.data(), bad.size(), "first").status() == koios::Status::BadFormat);
}

TEST_CASE("the directory alone is enough to find a file's offset and size", "[bootfs]") {
  // What the user-space spawner does: it reads the header and entries out of the vmo, not the files.
  std::vector<koios::u8> archive(bootfs_start, bootfs_end);
  auto n = koios::bootfs::count(archive.data(), koios::bootfs::kHeaderSize);
  CHECK(n.status() == koios::Status::BadFormat);  // the entries are not in a header-only prefix
  std::size_t dir = koios::bootfs::directory_size(2);
  REQUIRE(koios::bootfs::count(archive.data(), dir).value() == 2);
  auto e = koios::bootfs::find(archive.data(), dir, archive.size(), "second");
  REQUIRE(e.ok());
  auto whole = kernel::bootfs::find("second");
  CHECK(bootfs_start + e.value().offset == whole.value().data);
  CHECK(e.value().size == whole.value().size);
  CHECK(e.value().offset % koios::bootfs::kAlign == 0);
  // A file said to run past the archive's end.
  CHECK(koios::bootfs::find(archive.data(), dir, e.value().offset + 1, "second").status() == koios::Status::BadFormat);
}
