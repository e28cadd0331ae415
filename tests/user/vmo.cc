// tests/user/vmo.cc: memory objects and mappings from user space: every vmo_* and vmar_* path and
// error, copy on write both ways, shared memory through two mappings, and (when the kernel passes
// a second handle) a vmo shared with another process. a0 = the root vmar handle in the low 32 bits,
// a shared vmo's handle (or 0) in the high 32 bits. Each failed check exits with its own number.
#include "user_lib.h"

using koios::Handle;
using koios::Rights;
using koios::Status;
using koios::u64;
using koios::u8;

namespace {

constexpr u64 kPage = koios::kPageSize;
constexpr koios::u32 kR = koios::kVmPermRead, kW = koios::kVmPermWrite, kX = koios::kVmPermExecute;
constexpr koios::u32 kRW = kR | kW;
// The root vmar spans the user range (koios/vm.h's kUserBase..kUserTop, the platform's numbers).
constexpr u64 kUserBase = koios::kUserBase;
constexpr u64 kUserSize = 0x40'0000'0000ull - kUserBase;

#define EXPECT(n, cond)      \
  do {                       \
    if (!(cond)) return (n); \
  } while (0)

volatile u8* at(u64 addr) { return reinterpret_cast<volatile u8*>(addr); }

u8 read_byte(Handle vmo, u64 offset) {
  u8 b = 0xee;
  if (koios::vmo_read(vmo, &b, offset, 1) != Status::Ok) return 0xdd;
  return b;
}

int basics(Handle vmar) {
  Handle vmo = 0, h = 0;
  EXPECT(10, koios::vmo_create(3 * kPage, 0, &vmo) == Status::Ok);
  EXPECT(11, koios::vmo_create(koios::kMaxVmoSize + 1, 0, &h) == Status::OutOfRange);
  EXPECT(12, koios::vmo_create(kPage, 0x80, &h) == Status::InvalidArgs);
  EXPECT(13, koios::vmo_create(kPage, 0, reinterpret_cast<Handle*>(0x80200000)) == Status::InvalidArgs);
  u64 size = 0;
  EXPECT(14, koios::vmo_get_size(vmo, &size) == Status::Ok && size == 3 * kPage);
  EXPECT(15, koios::vmo_create(1, 0, &h) == Status::Ok);
  EXPECT(16, koios::vmo_get_size(h, &size) == Status::Ok && size == kPage);  // whole pages
  EXPECT(17, koios::handle_close(h) == Status::Ok);

  // Contents: zeros until written; a write across a page boundary reads back.
  const char text[] = "hello";
  EXPECT(20, read_byte(vmo, 2 * kPage + 7) == 0);
  EXPECT(21, koios::vmo_write(vmo, text, kPage - 3, 5) == Status::Ok);
  char back[6] = {};
  EXPECT(22, koios::vmo_read(vmo, back, kPage - 3, 5) == Status::Ok);
  for (int i = 0; i < 5; ++i) EXPECT(23, back[i] == text[i]);
  EXPECT(24, koios::vmo_write(vmo, text, 3 * kPage - 2, 4) == Status::OutOfRange);
  EXPECT(25, koios::vmo_read(vmo, back, ~0ull, 1) == Status::OutOfRange);
  EXPECT(26, koios::vmo_read(vmo, reinterpret_cast<void*>(0x80200000), 0, 4) == Status::InvalidArgs);
  EXPECT(27, koios::vmo_write(vmo, reinterpret_cast<const void*>(0x2000000000ull), 0, 4) == Status::NotFound);

  // Handle, then type, then rights.
  EXPECT(30, koios::vmo_read(0x12345, back, 0, 1) == Status::BadHandle);
  EXPECT(31, koios::vmo_read(vmar, back, 0, 1) == Status::WrongType);
  Handle read_only = 0, write_only = 0;
  EXPECT(32, koios::handle_duplicate(vmo, Rights::Read | Rights::Map, &read_only) == Status::Ok);
  EXPECT(33, koios::handle_duplicate(vmo, Rights::Write, &write_only) == Status::Ok);
  EXPECT(34, koios::vmo_write(read_only, text, 0, 1) == Status::AccessDenied);
  EXPECT(35, koios::vmo_read(write_only, back, 0, 1) == Status::AccessDenied);
  EXPECT(36, koios::vmo_set_size(read_only, kPage) == Status::AccessDenied);
  EXPECT(37, koios::vmo_get_size(write_only, &size) == Status::Ok);  // needs no right

  // Sizes: only a resizable vmo changes size.
  EXPECT(40, koios::vmo_set_size(vmo, kPage) == Status::NotSupported);
  Handle grow = 0;
  EXPECT(41, koios::vmo_create(2 * kPage, koios::kVmoResizable, &grow) == Status::Ok);
  EXPECT(42, koios::vmo_write(grow, text, kPage, 5) == Status::Ok);
  EXPECT(43, koios::vmo_set_size(grow, 4 * kPage) == Status::Ok);
  EXPECT(44, koios::vmo_get_size(grow, &size) == Status::Ok && size == 4 * kPage);
  EXPECT(45, read_byte(grow, kPage) == 'h' && read_byte(grow, 3 * kPage) == 0);
  EXPECT(46, koios::vmo_set_size(grow, koios::kMaxVmoSize + 1) == Status::OutOfRange);

  // A mapping shows the vmo; a second mapping of it shows the same pages.
  u64 a = 0, b = 0;
  EXPECT(50, koios::vmar_map(vmar, kRW, 0, vmo, 0, 3 * kPage, &a) == Status::Ok && a != 0);
  EXPECT(51, *at(a + kPage - 3) == 'h' && *at(a + kPage + 1) == 'o');
  *at(a + 100) = 'X';
  EXPECT(52, read_byte(vmo, 100) == 'X');
  EXPECT(53, koios::vmar_map(vmar, kR | kW, 0, vmo, kPage, 2 * kPage, &b) == Status::Ok && b != a);
  *at(b + 50) = 'Y';
  EXPECT(54, *at(a + kPage + 50) == 'Y');
  EXPECT(55, koios::vmo_write(vmo, text, 2 * kPage + 9, 1) == Status::Ok && *at(b + kPage + 9) == 'h');

  // Map: options, then handles (vmar, then vmo; each handle, type, rights), then the rest.
  EXPECT(60, koios::vmar_map(vmar, kR | kW | kX, 0, vmo, 0, kPage, &b) == Status::InvalidArgs);  // W^X
  EXPECT(61, koios::vmar_map(vmar, kW, 0, vmo, 0, kPage, &b) == Status::InvalidArgs);            // no Read
  EXPECT(62, koios::vmar_map(vmar, kR | 0x100, 0, vmo, 0, kPage, &b) == Status::InvalidArgs);
  EXPECT(63, koios::vmar_map(vmar, kR, kPage, vmo, 0, kPage, &b) == Status::InvalidArgs);  // offset without Specific
  EXPECT(64, koios::vmar_map(0x4321, kR, 0, vmo, 0, kPage, &b) == Status::BadHandle);
  EXPECT(65, koios::vmar_map(vmo, kR, 0, vmo, 0, kPage, &b) == Status::WrongType);
  EXPECT(66, koios::vmar_map(vmar, kR, 0, vmar, 0, kPage, &b) == Status::WrongType);
  EXPECT(67, koios::vmar_map(vmar, kR | kX, 0, vmo, 0, kPage, &b) == Status::AccessDenied);  // vmo lacks Execute
  EXPECT(68, koios::vmar_map(vmar, kRW, 0, read_only, 0, kPage, &b) == Status::AccessDenied);
  Handle no_map = 0, weak_vmar = 0;
  EXPECT(69, koios::handle_duplicate(vmo, Rights::Read | Rights::Write, &no_map) == Status::Ok);
  EXPECT(70, koios::vmar_map(vmar, kR, 0, no_map, 0, kPage, &b) == Status::AccessDenied);
  EXPECT(71, koios::handle_duplicate(vmar, Rights::Map | Rights::Read, &weak_vmar) == Status::Ok);
  EXPECT(72, koios::vmar_map(weak_vmar, kRW, 0, vmo, 0, kPage, &b) == Status::AccessDenied);
  EXPECT(73, koios::vmar_map(weak_vmar, kR, 0, read_only, 0, kPage, &b) == Status::Ok);  // enough for Read
  EXPECT(74, *at(b + 100) == 'X');
  EXPECT(75, koios::vmar_map(vmar, kR, 0, vmo, 0, 100, &b) == Status::InvalidArgs);
  EXPECT(76, koios::vmar_map(vmar, kR, 0, vmo, 1, kPage, &b) == Status::InvalidArgs);
  EXPECT(77, koios::vmar_map(vmar, kR, 0, vmo, 0, 0, &b) == Status::InvalidArgs);
  EXPECT(78, koios::vmar_map(vmar, kR, 0, vmo, kPage, 3 * kPage, &b) == Status::OutOfRange);  // past the vmo
  EXPECT(79, koios::vmar_map(vmar, kR, 0, vmo, ~0ull & ~(kPage - 1), kPage, &b) == Status::OutOfRange);
  u64 vmar_size = kUserSize;
  EXPECT(80, koios::vmar_map(vmar, kR | koios::kVmSpecific, vmar_size, vmo, 0, kPage, &b) == Status::OutOfRange);
  EXPECT(81, koios::vmar_map(vmar, kR | koios::kVmSpecific, vmar_size - kPage, vmo, 0, 2 * kPage, &b) ==
                 Status::OutOfRange);
  EXPECT(82, koios::vmar_map(vmar, kR | koios::kVmSpecific, a - kUserBase, vmo, 0, kPage, &b) ==
                 Status::AlreadyExists);
  EXPECT(83, koios::vmar_map(vmar, kR | koios::kVmSpecific, a - kUserBase - kPage, vmo, 0, 2 * kPage, &b) ==
                 Status::AlreadyExists);  // overlaps its first page
  EXPECT(84, koios::vmar_map(vmar, kR, 0, vmo, 0, kPage, reinterpret_cast<u64*>(0x80200000)) == Status::InvalidArgs);
  u64 fixed = 0;
  EXPECT(85, koios::vmar_map(vmar, kRW | koios::kVmSpecific, 0x2000000000ull - kUserBase, vmo, 0, 3 * kPage, &fixed) ==
                 Status::Ok && fixed == 0x2000000000ull);
  EXPECT(86, *at(fixed + 100) == 'X');

  // Unmap: precise refusals, then a cut in the middle leaves both ends mapped.
  EXPECT(90, koios::vmar_unmap(vmar, fixed + 1, kPage) == Status::InvalidArgs);
  EXPECT(91, koios::vmar_unmap(vmar, fixed, 0) == Status::InvalidArgs);
  EXPECT(92, koios::vmar_unmap(vmar, 0x1000, kPage) == Status::OutOfRange);
  EXPECT(93, koios::vmar_unmap(vmar, 0x3000000000ull, kPage) == Status::NotFound);
  EXPECT(94, koios::vmar_unmap(vmo, fixed, kPage) == Status::WrongType);
  EXPECT(95, koios::vmar_unmap(0x999, fixed, kPage) == Status::BadHandle);
  Handle no_map_vmar = 0;
  EXPECT(96, koios::handle_duplicate(vmar, Rights::Read, &no_map_vmar) == Status::Ok);
  EXPECT(97, koios::vmar_unmap(no_map_vmar, fixed, kPage) == Status::AccessDenied);
  EXPECT(98, koios::vmar_unmap(vmar, fixed + kPage, kPage) == Status::Ok);
  EXPECT(99, *at(fixed + 100) == 'X' && *at(fixed + 2 * kPage + 9) == 'h');
  EXPECT(100, koios::vmar_map(vmar, kR | koios::kVmSpecific, 0x2000000000ull - kUserBase + kPage, vmo, 0, kPage, &b) ==
                  Status::Ok);  // the hole can be mapped again
  EXPECT(101, *at(b + 100) == 'X');
  EXPECT(102, koios::vmar_unmap(vmar, fixed, 3 * kPage) == Status::Ok);  // three mappings at once
  EXPECT(103, koios::vmar_unmap(vmar, fixed, 3 * kPage) == Status::NotFound);

  // A syscall writing into user memory goes through the same mappings.
  EXPECT(104, koios::vmo_get_size(vmo, reinterpret_cast<u64*>(a + 2 * kPage + 64)) == Status::Ok);
  u64 seen = 0;
  EXPECT(105, koios::vmo_read(vmo, &seen, 2 * kPage + 64, 8) == Status::Ok && seen == 3 * kPage);
  return 0;
}

// Copy on write: a snapshot keeps what it saw; writes on either side, by vmo_write, through
// mappings or by the kernel copying out to user memory, stay on that side.
int copy_on_write(Handle vmar) {
  Handle parent = 0, child = 0, h = 0;
  EXPECT(200, koios::vmo_create(2 * kPage, 0, &parent) == Status::Ok);
  u64 p = 0, c = 0;
  EXPECT(201, koios::vmar_map(vmar, kRW, 0, parent, 0, 2 * kPage, &p) == Status::Ok);
  *at(p + 10) = 'A';
  *at(p + kPage + 10) = 'B';
  EXPECT(202, koios::vmo_create_child(parent, koios::kVmoChildSnapshot, 0, 2 * kPage, &child) == Status::Ok);
  EXPECT(203, read_byte(child, 10) == 'A' && read_byte(child, kPage + 10) == 'B');
  *at(p + 10) = 'a';  // the parent writes through its mapping
  EXPECT(204, read_byte(child, 10) == 'A' && read_byte(parent, 10) == 'a');
  EXPECT(205, koios::vmar_map(vmar, kRW, 0, child, 0, 2 * kPage, &c) == Status::Ok);
  EXPECT(206, *at(c + kPage + 10) == 'B');
  *at(c + kPage + 10) = 'c';  // the child writes through its mapping
  EXPECT(207, *at(p + kPage + 10) == 'B' && read_byte(parent, kPage + 10) == 'B');
  EXPECT(208, *at(c + kPage + 10) == 'c');
  const char z = 'z';
  EXPECT(209, koios::vmo_write(child, &z, 10, 1) == Status::Ok && *at(p + 10) == 'a' && *at(c + 10) == 'z');
  // The kernel's copy into a shared page copies it first.
  Handle snap = 0;
  u64 s = 0;
  EXPECT(210, koios::vmo_create_child(parent, koios::kVmoChildSnapshot, 0, 2 * kPage, &snap) == Status::Ok);
  EXPECT(211, koios::vmar_map(vmar, kRW, 0, snap, 0, 2 * kPage, &s) == Status::Ok);
  EXPECT(212, koios::vmo_get_size(parent, reinterpret_cast<u64*>(s + 16)) == Status::Ok);
  u64 in_parent = 1;
  EXPECT(213, koios::vmo_read(parent, &in_parent, 16, 8) == Status::Ok && in_parent == 0);
  EXPECT(214, *reinterpret_cast<volatile u64*>(s + 16) == 2 * kPage);
  // A snapshot of a snapshot, and one past the parent's end (zeros there).
  Handle grand = 0;
  EXPECT(215, koios::vmo_create_child(child, koios::kVmoChildSnapshot, kPage, 2 * kPage, &grand) == Status::Ok);
  EXPECT(216, read_byte(grand, 10) == 'c' && read_byte(grand, kPage + 10) == 0);
  *at(c + kPage + 10) = 'd';
  EXPECT(217, read_byte(grand, 10) == 'c');

  // Errors: options, then handle, type and rights (Read and Duplicate), then the range.
  EXPECT(220, koios::vmo_create_child(parent, 0, 0, kPage, &h) == Status::InvalidArgs);
  EXPECT(221, koios::vmo_create_child(parent, koios::kVmoChildSnapshot | 0x40, 0, kPage, &h) == Status::InvalidArgs);
  EXPECT(222, koios::vmo_create_child(0x5555, koios::kVmoChildSnapshot, 0, kPage, &h) == Status::BadHandle);
  EXPECT(223, koios::vmo_create_child(vmar, koios::kVmoChildSnapshot, 0, kPage, &h) == Status::WrongType);
  Handle no_dup = 0;
  EXPECT(224, koios::handle_duplicate(parent, Rights::Read | Rights::Map, &no_dup) == Status::Ok);
  EXPECT(225, koios::vmo_create_child(no_dup, koios::kVmoChildSnapshot, 0, kPage, &h) == Status::AccessDenied);
  EXPECT(226, koios::vmo_create_child(parent, koios::kVmoChildSnapshot, 1, kPage, &h) == Status::InvalidArgs);
  EXPECT(227, koios::vmo_create_child(parent, koios::kVmoChildSnapshot, 0, koios::kMaxVmoSize + 1, &h) ==
                  Status::OutOfRange);

  // Shrinking a mapped vmo: its tail is gone for reads; growing again brings zeros.
  Handle r = 0;
  u64 m = 0;
  EXPECT(230, koios::vmo_create(3 * kPage, koios::kVmoResizable, &r) == Status::Ok);
  EXPECT(231, koios::vmar_map(vmar, kRW, 0, r, 0, 3 * kPage, &m) == Status::Ok);
  *at(m + 2 * kPage) = 7;
  EXPECT(232, koios::vmo_set_size(r, kPage) == Status::Ok);
  EXPECT(233, read_byte(r, 2 * kPage) == 0xdd);  // OutOfRange
  EXPECT(234, koios::vmo_set_size(r, 3 * kPage) == Status::Ok);
  EXPECT(235, *at(m + 2 * kPage) == 0);
  EXPECT(236, koios::vmar_unmap(vmar, m, 3 * kPage) == Status::Ok);
  return 0;
}

// A vmo the kernel shares with several processes: each one finds the previous one's mark and
// leaves its own, through its own mapping of the same pages.
int shared_with_others(Handle vmar, Handle shared) {
  u64 addr = 0;
  EXPECT(300, koios::vmar_map(vmar, kRW, 0, shared, 0, kPage, &addr) == Status::Ok);
  auto* word = reinterpret_cast<volatile u64*>(addr);
  EXPECT(301, *word >= 0x5000 && *word < 0x5010);
  *word = *word + 1;
  return 0;
}

}  // namespace

extern "C" int main(u64 arg) {
  Handle vmar = Handle(arg & 0xffffffffu), shared = Handle(arg >> 32);
  if (shared != 0) return shared_with_others(vmar, shared);
  if (int failed = basics(vmar); failed != 0) return failed;
  if (int failed = copy_on_write(vmar); failed != 0) return failed;
  user::say("vmo: all checks passed");
  return 0;
}
