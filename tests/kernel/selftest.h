// tests/kernel/selftest.h: the in-kernel self-tests. Each test is a function that records checks
// in a SelfTestContext; a test marked PerHart runs on every hart. The kernel prints one line per
// test ("selftest NAME ok" / "selftest NAME FAIL: why") and a summary, and exits with status 1
// when any failed. `selftest.break=NAME` on the command line fails NAME on purpose, to prove that
// a failure reaches the exit status.
#pragma once

#include "koios/types.h"

namespace kernel::selftest {

class Context {
 public:
  // Records a failed check (the first message is kept for the report); returns cond.
  bool check(bool cond, const char* what);
  bool failed() const { return failed_; }
  const char* first_failure() const { return first_failure_; }

 private:
  bool failed_ = false;
  const char* first_failure_ = nullptr;
};

// BootHart and EveryHart run before scheduling starts; Scheduler runs on the boot hart's main
// thread once every hart has joined the scheduler.
enum class Where { BootHart, EveryHart, Scheduler };

struct Test {
  const char* name;
  Where where;
  void (*run)(Context& ctx);
};

// Runs the tests for `where` on the calling hart; returns the number that failed, and adds the
// number that passed to *passed.
koios::u32 run_all(Where where, koios::u32* passed);

// Set once from the command line before any test runs.
void set_broken(const char* name_list);
// fuzz.iterations=N: how many calls the syscall fuzzer makes (default 20,000; more on demand).
void set_fuzz_iterations(koios::u64 iterations);
koios::u64 fuzz_iterations();

}  // namespace kernel::selftest

#define CHECK_THAT(ctx, cond) (ctx).check((cond), #cond)
