// tests/kernel/suite_test.cc: runs the systematic user-space suite of issue 4. `handle_rules`
// (tests/user/handle_rules, at every boot) tries every handle rule of koios/syscall_handles.def,
// hostile pointers, the handle quota, message limits and passed deadlines, with the root resource
// as its start handle. `exhaust_memory` runs only with the boot argument selftest.exhaust=1 (it
// fills the guest's memory, too slow for every boot): twice, each time until NoMemory. Afterwards
// nothing either program made is left.
#include "kernel/lib/bootargs.h"
#include "kernel/lib/log.h"
#include "kernel/object/resource.h"
#include "kernel/sched/scheduler.h"
#include "kernel/user_program.h"
#include "kernel/vm/heap.h"
#include "kernel/vm/pmm.h"
#include "kernel/vm/user_aspace.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"
#include "tests/kernel/sleep_until.h"

namespace kernel::selftest {

namespace {

using koios::u64;

struct Counts {
  u64 objects = KernelObject::live_count();
  u64 threads = Thread::live_count();
  u64 user_pages = UserAspace::live_pages();
};

void check_nothing_left(Context& ctx, const Counts& before) {
  CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == before.threads; }, 1'000'000'000));
  ctx.check(KernelObject::live_count() == before.objects, "no object outlives the program");
  ctx.check(UserAspace::live_pages() == before.user_pages, "no user page outlives it");
}

}  // namespace

void handle_rules_test(Context& ctx) {
  Counts before;
  {
    KernelHandle root(root_resource(), Resource::kDefaultRights);
    koios::i64 code = -1;
    ctx.check(run_user_program("handle_rules", 0, 20'000'000'000, &code, &root) == koios::Status::Ok,
              "handle_rules runs");
    if (code != 0) LOG_ERROR("handle_rules: %ld checks failed (see its FAIL lines)", static_cast<long>(code));
    ctx.check(code == 0, "every handle argument answers BadHandle/WrongType/AccessDenied as its rule says");
  }
  check_nothing_left(ctx, before);
}

void exhaust_memory_test(Context& ctx) {
  BootArgs args(platform::boot_info().bootargs);
  if (!args.has("selftest.exhaust", "1")) return;  // see the header comment
  Counts before;
  koios::usize blocks_before = heap::blocks_in_use();
  koios::i64 pages[2] = {0, 0};
  u64 free_after[2] = {0, 0};
  for (int round = 0; round < 2; ++round) {
    ctx.check(run_user_program("exhaust_memory", 0, 120'000'000'000, &pages[round]) == koios::Status::Ok,
              "exhaust_memory runs");
    if (pages[round] <= 0) LOG_ERROR("exhaust_memory: check %ld failed", static_cast<long>(-pages[round]));
    ctx.check(pages[round] > 0, "vmo pages are committed until NoMemory, and the kernel stays up");
    check_nothing_left(ctx, before);
    free_after[round] = pmm::free_page_count();
  }
  // The heap keeps pages it carved for page records; the second round reuses them, so it commits
  // as much as the first, and leaves as many pages free.
  ctx.check(pages[1] + 64 >= pages[0], "memory freed by the first run is usable again");
  ctx.check(free_after[1] + 64 >= free_after[0], "free pages return to where they were");
  ctx.check(heap::blocks_in_use() == blocks_before, "every heap block comes back");
  print("exhaust_memory: %ld and %ld pages committed; %lu pages free after\n", static_cast<long>(pages[0]),
        static_cast<long>(pages[1]), static_cast<unsigned long>(free_after[1]));
}

}  // namespace kernel::selftest
