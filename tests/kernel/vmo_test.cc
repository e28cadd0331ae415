// tests/kernel/vmo_test.cc: self-tests of memory objects and address spaces: the user programs
// that exercise the vmo_* and vmar_* syscalls (started here with their root vmar handle, which
// kernel/user_program does not pass yet), and TLB shootdown seen from several harts.
#include <atomic>
#include <cstring>

#include "kernel/lib/bootfs.h"
#include "kernel/lib/log.h"
#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "kernel/object/vmar.h"
#include "kernel/object/vmo.h"
#include "kernel/sched/per_hart.h"
#include "kernel/sched/scheduler.h"
#include "kernel/user_program.h"
#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"
#include "tests/kernel/sleep_until.h"

namespace kernel::selftest {

using koios::u32;
using koios::u64;

namespace {

// Starts `name` with a0 = its root vmar's handle, plus `extra`'s handle in the high 32 bits.
koios::Result<RefPtr<Process>> spawn_with_vmar(const char* name, KernelHandle extra) {
  auto file = TRY(bootfs::find(name));
  RefPtr<Process> process = TRY(Process::create(name, RefPtr<Job>::from_existing(&Job::root())));
  u64 entry = TRY(process->aspace().load(file.data, file.size));
  auto vmar = TRY(Vmar::create_root(*process));
  u64 arg = TRY(process->handles().add(std::move(vmar), Vmar::kDefaultRights));
  if (extra) arg |= u64(TRY(process->handles().add(std::move(extra)))) << 32;
  RefPtr<UserThread> thread = TRY(UserThread::create(process, name));
  TRY(thread->start(entry, UserAspace::kStackTop, arg, 0, /*first=*/true));
  return process;
}

// Runs it to the end (10 s at most); its exit_summary, or 1 if it did not start or end.
koios::i64 run_with_vmar(const char* name, KernelHandle extra = {}) {
  auto process = spawn_with_vmar(name, std::move(extra));
  if (!process.ok()) return 1;
  if (!sleep_until([&] { return process.value()->exited(); }, 10'000'000'000)) {
    process.value()->kill();
    return 1;
  }
  return exit_summary(*process.value());
}

}  // namespace

void vmo_programs_test(Context& ctx) {
  u64 objects_before = KernelObject::live_count();
  u64 pages_before = UserAspace::live_pages();
  u64 threads_before = Thread::live_count();
  koios::i64 code = run_with_vmar("vmo");
  if (code != 0) print("vmo: check %ld failed\n", static_cast<long>(code));
  ctx.check(code == 0, "every vmo/vmar path answers as documented (vmo's exit code names the check)");
  ctx.check(run_with_vmar("vmo_fault") == kExitKilledByFault - 15, "a store to an unmapped page kills the process");

  // One vmo, mapped by two processes in turn: each sees the other's store.
  auto memory = VmObject::create(koios::kPageSize, VmObject::Resizable::No);
  if (!ctx.check(memory.ok(), "a vmo to share")) return;
  u64 word = 0x5000;
  CHECK_THAT(ctx, memory.value()->write(&word, 0, sizeof word) == koios::Status::Ok);
  for (int i = 0; i < 2; ++i) {
    auto vmo = Vmo::wrap(memory.value());
    if (!ctx.check(vmo.ok(), "a vmo object")) return;
    ctx.check(run_with_vmar("vmo", KernelHandle(std::move(vmo.value()), Vmo::kDefaultRights)) == 0,
              "a shared vmo shows the previous process's store");
  }
  CHECK_THAT(ctx, memory.value()->read(&word, 0, sizeof word) == koios::Status::Ok && word == 0x5002);
  memory.value().reset();

  CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == threads_before; }, 1'000'000'000));
  ctx.check(KernelObject::live_count() == objects_before, "no vmo, vmar or process outlives the programs");
  ctx.check(UserAspace::live_pages() == pages_before, "no page outlives its last vmo and mapping");
}

namespace {
// Readers spin on other harts reading a kernel address whose page the test swaps.
struct Reader {
  std::atomic<u64> seen{0};
  std::atomic<u64> reads_after_swap{0};
  std::atomic<u32> harts{0};
  std::atomic<bool> stale{false};
};
constexpr u32 kReaders = 3;
Reader g_readers[kReaders];
std::atomic<u32> g_phase{0};     // 0 reading A, 1 swapped to B and fenced, 2 stop
std::atomic<u32> g_readers_done{0};
constexpr u64 kValueA = 0xaaaa'0000'aaaa'0000ull, kValueB = 0xbbbb'0000'bbbb'0000ull;

void reader_main(void* arg) {
  auto& me = *static_cast<Reader*>(arg);
  auto* slot = reinterpret_cast<volatile u64*>(aspace::kScratchRegion + 0x10'0000);
  while (g_phase.load(std::memory_order_acquire) != 2) {
    u32 phase = g_phase.load(std::memory_order_acquire);
    u64 value = *slot;
    me.seen.store(value, std::memory_order_relaxed);
    me.harts.fetch_or(1u << this_hart().cpu, std::memory_order_relaxed);
    if (phase == 1) {
      if (value != kValueB) me.stale.store(true);
      me.reads_after_swap.fetch_add(1, std::memory_order_relaxed);
    }
  }
  g_readers_done.fetch_add(1);
}
}  // namespace

// The page behind a kernel address changes while threads on other harts read it in a loop (so
// their TLBs hold the old translation). After flush_tlb_all_harts returns, no hart may read the
// old page: QEMU keeps per-hart TLBs until sfence.vma, so a missing remote fence shows here.
void tlb_shootdown_test(Context& ctx) {
  platform::PageTable& table = aspace::table();
  u64 va = aspace::kScratchRegion + 0x10'0000;
  auto a = pmm::alloc_zeroed_page();
  auto b = pmm::alloc_zeroed_page();
  if (!ctx.check(a.ok() && b.ok(), "two pages")) return;
  *reinterpret_cast<u64*>(a.value()) = kValueA;
  *reinterpret_cast<u64*>(b.value()) = kValueB;
  using platform::Perm;
  CHECK_THAT(ctx, table.map(va, a.value(), platform::kPageSize, Perm::Read | Perm::Write) == koios::Status::Ok);
  platform::flush_tlb_all_harts(va, platform::kPageSize);
  g_phase.store(0);
  g_readers_done.store(0);
  for (auto& r : g_readers) r.seen.store(0), r.reads_after_swap.store(0), r.harts.store(0), r.stale.store(false);
  for (auto& r : g_readers) {
    auto t = Thread::create("tlb-reader", reader_main, &r);
    if (!ctx.check(t.ok(), "a reader thread")) {
      g_phase.store(2);
      return;
    }
    Scheduler::start(t.value());
  }
  u32 others = platform::cpu_count() > 1 ? ~(1u << this_hart().cpu) : ~0u;
  auto harts_reading_a = [&] {
    u32 seen = 0;
    for (auto& r : g_readers)
      if (r.seen.load() == kValueA) seen |= r.harts.load();
    return seen;
  };
  // Until the readers have run (and cached the translation) on some other hart.
  CHECK_THAT(ctx, sleep_until([&] { return (harts_reading_a() & others) != 0; }, 2'000'000'000));
  // Swap the page under them in one PTE store (a reader that walks the table meanwhile sees A or
  // B, never a hole), then the fence.
  CHECK_THAT(ctx, table.remap(va, b.value(), Perm::Read | Perm::Write) == koios::Status::Ok);
  platform::flush_tlb_all_harts(va, platform::kPageSize);
  g_phase.store(1, std::memory_order_release);
  CHECK_THAT(ctx, sleep_until([&] {
    for (auto& r : g_readers)
      if (r.reads_after_swap.load() < 1000) return false;
    return true;
  }, 2'000'000'000));
  g_phase.store(2, std::memory_order_release);
  CHECK_THAT(ctx, sleep_until([] { return g_readers_done.load() == kReaders; }, 2'000'000'000));
  for (auto& r : g_readers) ctx.check(!r.stale.load(), "after the fence every hart reads the new page");
  (void)table.unmap(va, platform::kPageSize);
  platform::flush_tlb_all_harts(va, platform::kPageSize);
  (void)pmm::free_page(a.value());
  (void)pmm::free_page(b.value());
}

}  // namespace kernel::selftest
