// tests/user/exhaust_memory.cc: commits vmo pages until the kernel answers NoMemory, checks that
// other calls answer Ok or NoMemory meanwhile (never a panic), frees everything and commits again.
// Returns the number of pages it managed to commit (> 0), or a negative check number. Started by
// the kernel self-test `exhaust_memory` (only with the boot argument selftest.exhaust=1, in the
// QEMU scenario exhaust_memory), which runs it twice and compares, and checks the kernel's counts.
#include "user_lib.h"

using namespace koios;

namespace {
constexpr u32 kMaxVmos = 64;  // 64 GiB of address space in 1 GiB vmos: more than any guest has
Handle g_vmos[kMaxVmos];
}  // namespace

extern "C" int main(u64, u64, u64) {
  u32 vmos = 0;
  i64 pages = 0;
  Status s = Status::Ok;
  const u8 byte = 1;
  while (s == Status::Ok && vmos < kMaxVmos) {
    s = vmo_create(kMaxVmoSize, 0, &g_vmos[vmos]);
    if (s != Status::Ok) break;  // the vmo's page table itself may not fit any more
    ++vmos;
    for (u64 offset = 0; offset < kMaxVmoSize; offset += kPageSize) {
      s = vmo_write(g_vmos[vmos - 1], &byte, offset, 1);
      if (s != Status::Ok) break;
      ++pages;
    }
  }
  if (s != Status::NoMemory) return -1;
  if (pages == 0) return -2;
  // Exhausted: creating and writing answer NoMemory or succeed (a freed heap block), nothing else.
  Handle event = 0;
  s = event_create(0, &event);
  if (s != Status::Ok && s != Status::NoMemory) return -3;
  if (s == Status::Ok) handle_close(event);
  s = vmo_write(g_vmos[vmos - 1], &byte, kMaxVmoSize - kPageSize, 1);
  if (s != Status::NoMemory) return -4;
  Handle a = 0, b = 0;
  s = channel_create(0, &a, &b);
  if (s == Status::Ok) {
    Status w = channel_write(a, 0, &byte, 1, nullptr, 0);
    if (w != Status::Ok && w != Status::NoMemory) return -5;
    handle_close(a), handle_close(b);
  } else if (s != Status::NoMemory) {
    return -6;
  }
  user::say("exhaust_memory: NoMemory answered, freeing");
  while (vmos > 0) handle_close(g_vmos[--vmos]);
  // Everything came back: a fresh vmo commits pages again.
  Handle again = 0;
  if (vmo_create(64 * kPageSize, 0, &again) != Status::Ok) return -7;
  for (u64 offset = 0; offset < 64 * kPageSize; offset += kPageSize)
    if (vmo_write(again, &byte, offset, 1) != Status::Ok) return -8;
  handle_close(again);
  char line[96];
  user::say(user::with_number(line, "exhaust_memory: pages committed before NoMemory: ", pages));
  return static_cast<int>(pages);
}
