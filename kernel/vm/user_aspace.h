// kernel/vm/user_aspace.h: a user address space: a page table that shares the kernel's mappings
// outside [kUserBase, kUserTop) and owns every page mapped inside. Created for a process, freed
// when its last thread is gone (never while a hart runs on it).
// FIXME(#4): becomes the root Vmar of a Process object; VMOs will share pages between spaces.
#pragma once

#include "koios/result.h"
#include "kernel/lib/elf.h"
#include "platform/platform.h"

namespace kernel {

class UserAspace {
 public:
  static constexpr koios::u64 kStackTop = platform::kUserTop - platform::kPageSize;  // a guard above
  static constexpr koios::u64 kStackSize = 64 * 1024;

  static koios::Result<UserAspace*> create();
  ~UserAspace();

  // Maps fresh zeroed pages over [va, va+size) with perm (User is added).
  koios::Status map_zeroed(koios::u64 va, koios::u64 size, platform::Perm perm);
  // Loads an ELF executable; returns its entry point. Maps a stack below kStackTop too.
  koios::Result<koios::u64> load(const void* elf, koios::usize size);
  // Copies between the kernel and this space through its page table, page by page: a bad user
  // address is an error (InvalidArgs outside the user range, AccessDenied or NotFound), never a fault.
  koios::Status copy_in(void* dst, koios::u64 user_src, koios::usize size) const;
  koios::Status copy_out(koios::u64 user_dst, const void* src, koios::usize size) const;
  // Whether copy_out to [user_dst, +size) would succeed now; lets a syscall refuse a bad output
  // buffer before it changes anything (new handles must never be created unreported).
  koios::Status check_writable(koios::u64 user_dst, koios::usize size) const;
  void activate() const { table_.activate(); }
  const platform::PageTable& table() const { return table_; }
  koios::u64 pages_mapped() const { return pages_; }
  // Pages held by all user address spaces together (mapped pages and their page tables).
  static koios::u64 live_pages();

 private:
  explicit UserAspace(const platform::PageTable& table) : table_(table) {}
  platform::PageTable table_;
  koios::u64 pages_ = 0;
};

}  // namespace kernel
