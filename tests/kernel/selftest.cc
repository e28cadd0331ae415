// tests/kernel/selftest.cc: the runner and the registry of every self-test.
#include "tests/kernel/selftest.h"

#include "kernel/lib/format.h"
#include "kernel/lib/log.h"
#include "kernel/sched/per_hart.h"
#include "platform/platform.h"

namespace kernel::selftest {

void pmm_test(Context& ctx);
void heap_test(Context& ctx);
void page_table_test(Context& ctx);
void timer_test(Context& ctx);
void ipi_test(Context& ctx);
void percpu_test(Context& ctx);
void format_test(Context& ctx);
void threads_test(Context& ctx);
void thread_sleep_wake_test(Context& ctx);
void thread_churn_test(Context& ctx);
void user_programs_test(Context& ctx);
void cgroup_slot_test(Context& ctx);
void user_runtime_test(Context& ctx);
void syscall_fuzz_test(Context& ctx);
void resources_test(Context& ctx);
void futex_test(Context& ctx);
void timer_object_test(Context& ctx);
void vmo_programs_test(Context& ctx);
void tlb_shootdown_test(Context& ctx);
void handle_rules_test(Context& ctx);
void exhaust_memory_test(Context& ctx);

namespace {

constexpr Test kTests[] = {
    {"format", Where::BootHart, format_test},
    {"pmm", Where::BootHart, pmm_test},
    {"heap", Where::BootHart, heap_test},
    {"page_table", Where::BootHart, page_table_test},
    {"timer", Where::BootHart, timer_test},
    {"ipi", Where::BootHart, ipi_test},
    {"percpu", Where::EveryHart, percpu_test},
    {"threads", Where::Scheduler, threads_test},
    {"thread_sleep_wake", Where::Scheduler, thread_sleep_wake_test},
    {"thread_churn", Where::Scheduler, thread_churn_test},
    {"futex", Where::Scheduler, futex_test},
    {"timer_object", Where::Scheduler, timer_object_test},
    {"user_programs", Where::Scheduler, user_programs_test},
    {"cgroup_slot", Where::Scheduler, cgroup_slot_test},
    {"user_runtime", Where::Scheduler, user_runtime_test},
    {"vmo_programs", Where::Scheduler, vmo_programs_test},
    {"tlb_shootdown", Where::Scheduler, tlb_shootdown_test},
    {"syscall_fuzz", Where::Scheduler, syscall_fuzz_test},
    {"resources", Where::Scheduler, resources_test},
    {"handle_rules", Where::Scheduler, handle_rules_test},
    {"exhaust_memory", Where::Scheduler, exhaust_memory_test},
};

char g_broken[128];

bool is_broken(const char* name) {
  // g_broken is a comma-separated list of test names.
  const char* p = g_broken;
  while (*p != 0) {
    const char* n = name;
    while (*p != 0 && *p != ',' && *p == *n) ++p, ++n;
    if (*n == 0 && (*p == 0 || *p == ',')) return true;
    while (*p != 0 && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return false;
}

}  // namespace

bool Context::check(bool cond, const char* what) {
  if (!cond && !failed_) first_failure_ = what;
  if (!cond) failed_ = true;
  return cond;
}

namespace {
koios::u64 g_fuzz_iterations = 20000;
}
void set_fuzz_iterations(koios::u64 iterations) { g_fuzz_iterations = iterations; }
koios::u64 fuzz_iterations() { return g_fuzz_iterations; }

void set_broken(const char* name_list) {
  koios::usize i = 0;
  for (; name_list[i] != 0 && i + 1 < sizeof g_broken; ++i) g_broken[i] = name_list[i];
  g_broken[i] = 0;
}

koios::u32 run_all(Where where, koios::u32* passed) {
  koios::u32 failed = 0;
  for (const Test& test : kTests) {
    if (test.where != where) continue;
    Context ctx;
    koios::u64 start = platform::now_ns();
    test.run(ctx);
    koios::u64 ms = (platform::now_ns() - start) / 1'000'000;
    if (is_broken(test.name)) ctx.check(false, "broken on purpose by selftest.break");
    const char* scope = "";
    char hart_name[24] = "";
    if (where == Where::EveryHart) {
      format(hart_name, sizeof hart_name, " hart%lu", static_cast<unsigned long>(this_hart().hart_id));
      scope = hart_name;
    }
    if (ctx.failed()) {
      print("selftest %s%s FAIL: %s (%lu ms)\n", test.name, scope, ctx.first_failure(), ms);
      ++failed;
    } else {
      print("selftest %s%s ok (%lu ms)\n", test.name, scope, ms);
      ++*passed;
    }
  }
  return failed;
}

}  // namespace kernel::selftest
