// tests/user/vmo_fault.cc: a page unmapped is gone: the store after vmar_unmap must kill this
// process with a store page fault (the kernel's self-test checks the exit reason). a0 = root vmar.
#include "user_lib.h"

extern "C" int main(koios::u64 vmar) {
  koios::Handle vmo = 0;
  koios::u64 addr = 0;
  if (koios::vmo_create(koios::kPageSize, 0, &vmo) != koios::Status::Ok) return 1;
  if (koios::vmar_map(koios::Handle(vmar), koios::kVmPermRead | koios::kVmPermWrite, 0, vmo, 0, koios::kPageSize,
                      &addr) != koios::Status::Ok)
    return 2;
  auto* p = reinterpret_cast<volatile koios::u64*>(addr);
  *p = 42;
  if (koios::vmar_unmap(koios::Handle(vmar), addr, koios::kPageSize) != koios::Status::Ok) return 3;
  user::say("vmo_fault: unmapped, touching it now");
  *p = 43;  // faults: the process ends here
  return 4;
}
