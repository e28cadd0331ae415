// tests/user/tasks.cc: threads, jobs and processes from user space: threads of one process on
// several harts, start rules, suspend/resume with Interrupted, thread state, exception channels,
// task_kill, and process_exit from a second thread ending the whole process. Started by the kernel
// with a1 = a handle to this process and a2 = one to its job. Each failed check returns its own
// exit code; the last check passes only if process_exit on another thread ends everything with 0.
#include "user_lib.h"

using koios::Handle;
using koios::Rights;
using koios::Signals;
using koios::Status;
using koios::u64;

namespace {

using user::finish_thread;
using user::sleep_ms;
using user::wait_for;
using user::wait_until_blocked;

#define EXPECT(n, cond) \
  do {                  \
    if (!(cond)) return n; \
  } while (0)

constexpr int kStackBytes = 16 * 1024;
alignas(16) char g_stacks[6][kStackBytes];
u64 stack_top(int i) { return reinterpret_cast<u64>(&g_stacks[i][kStackBytes]); }
u64 entry_of(void (*fn)(u64)) { return reinterpret_cast<u64>(fn); }

volatile u64 g_counter = 0;
volatile u64 g_spin = 0;
volatile long g_wait_status = 1;
volatile u64 g_redirected = 0;
volatile u64 g_recovered = 0;
u64 g_amo_total = 0;
koios::ThreadStateGeneral g_state;  // in .bss: no memset needed

// Adds 1 to a shared word 100,000 times with an atomic add (two of these run on different harts).
void adder(u64) {
  for (int i = 0; i < 100000; ++i) __atomic_fetch_add(&g_amo_total, 1, __ATOMIC_RELAXED);
  finish_thread();
}

// Sums `step` 20,000 times in an FP register, sleeping every 1,000 additions so that the other
// summer runs in between on the same hart (a register kept across a call lives in a callee-saved
// fs register, which the kernel must keep across the switch). Exact in a double, so any register
// leaking between threads shows.
volatile double g_sums[2];
void fp_summer(u64 which) {
  double step = which == 0 ? 1.0 : 3.0;
  double acc = 0;
  for (int i = 0; i < 20000; ++i) {
    acc += step;
    asm volatile("" : "+f"(acc));
    if (i % 1000 == 999) {
      koios::i64 now = 0;
      koios::clock_get(0, &now);
      koios::clock_nanosleep(now + 100'000);
    }
  }
  g_sums[which] = acc;
  finish_thread();
}

void spinner(u64) {
  for (;;) g_spin = g_spin + 1;
}

// Blocks in a wait that only an interruption ends; records what the wait answered.
void blocked_waiter(u64 event) {
  g_wait_status = static_cast<long>(koios::object_wait_one(Handle(event), Signals::Signaled, koios::kDeadlineInfinite, nullptr));
  finish_thread();
}

void redirected(u64) {
  g_redirected = 1;
  finish_thread();
}

void recovered(u64) {
  g_recovered = 1;
  finish_thread();
}

// Stores to its own (read-only) code: a store page fault for its exception handler.
void faulter(u64) {
  *reinterpret_cast<volatile u64*>(reinterpret_cast<u64>(&faulter)) = 0;
  finish_thread();
}

void exit_whole_process(u64) { koios::process_exit(0); }

Status new_thread(Handle self, const char* name, Handle* out) {
  return koios::thread_create(self, name, static_cast<koios::u32>(user::length(name)), 0, out);
}

int run(Handle self, Handle job) {
  // Two threads add on (possibly) different harts; both finish and every add counts.
  Handle t1 = 0, t2 = 0;
  EXPECT(10, new_thread(self, "adder-1", &t1) == Status::Ok);
  EXPECT(11, new_thread(self, "adder-2", &t2) == Status::Ok);
  EXPECT(12, koios::thread_start(t1, entry_of(adder), stack_top(0), 0, 0) == Status::Ok);
  EXPECT(13, koios::thread_start(t2, entry_of(adder), stack_top(1), 0, 0) == Status::Ok);
  EXPECT(14, wait_for(t1, Signals::Terminated) == Status::Ok);
  EXPECT(15, wait_for(t2, Signals::Terminated) == Status::Ok);
  EXPECT(16, __atomic_load_n(&g_amo_total, __ATOMIC_RELAXED) == 200000);
  EXPECT(17, koios::thread_start(t1, entry_of(adder), stack_top(0), 0, 0) == Status::BadState);  // once only
  EXPECT(18, koios::task_suspend(t1) == Status::BadState);  // it is dead
  koios::handle_close(t1);
  koios::handle_close(t2);

  // FP registers are each thread's own.
  EXPECT(5, new_thread(self, "fp-1", &t1) == Status::Ok);
  EXPECT(6, new_thread(self, "fp-2", &t2) == Status::Ok);
  EXPECT(7, koios::thread_start(t1, entry_of(fp_summer), stack_top(0), 0, 0) == Status::Ok);
  EXPECT(8, koios::thread_start(t2, entry_of(fp_summer), stack_top(1), 1, 0) == Status::Ok);
  EXPECT(9, wait_for(t1, Signals::Terminated) == Status::Ok && wait_for(t2, Signals::Terminated) == Status::Ok);
  EXPECT(19, g_sums[0] == 20000.0 && g_sums[1] == 60000.0);
  // Their CPU time: all of it accounted, split between user and kernel (sampled at timer ticks).
  koios::InfoThreadStats stats;
  EXPECT(45, koios::object_get_info(t1, 8, &stats, sizeof stats, nullptr, nullptr) == Status::Ok);
  EXPECT(46, stats.total_ns > 0 && stats.user_ns + stats.system_ns == stats.total_ns);
  koios::handle_close(t1);
  koios::handle_close(t2);

  // Start rules: handle, type and rights are checked in that order; entries must be user addresses.
  Handle t = 0, event = 0, weak = 0;
  EXPECT(20, koios::event_create(0, &event) == Status::Ok);
  EXPECT(21, new_thread(event, "x", &t) == Status::WrongType);
  EXPECT(22, koios::handle_duplicate(self, Rights::Inspect | Rights::Wait, &weak) == Status::Ok);
  EXPECT(23, new_thread(weak, "x", &t) == Status::AccessDenied);
  EXPECT(24, koios::thread_create(self, "x", 1, 1, &t) == Status::InvalidArgs);
  EXPECT(25, koios::thread_create(self, reinterpret_cast<const char*>(0x10), 8, 0, &t) != Status::Ok);
  EXPECT(26, new_thread(self, "spinner", &t) == Status::Ok);
  EXPECT(27, koios::thread_start(t, 0x1000, stack_top(2), 0, 0) == Status::InvalidArgs);  // kernel address
  EXPECT(28, koios::thread_start(event, entry_of(spinner), stack_top(2), 0, 0) == Status::WrongType);
  EXPECT(29, koios::process_start(self, t, entry_of(spinner), stack_top(2), 0, 0) == Status::BadState);  // started

  // Suspend a busy loop: it stops (its counter stands still), its registers can be read and
  // rewritten, and on resume it runs where the new pc says.
  EXPECT(30, koios::thread_start(t, entry_of(spinner), stack_top(2), 0, 0) == Status::Ok);
  while (g_spin < 1000) {
  }
  EXPECT(31, koios::thread_read_state(t, 0, &g_state, sizeof g_state) == Status::BadState);  // running
  EXPECT(32, koios::task_suspend(t) == Status::Ok);
  EXPECT(33, wait_for(t, Signals::Suspended) == Status::Ok);
  koios::InfoThread suspended_info;
  EXPECT(29, koios::object_get_info(t, 7, &suspended_info, sizeof suspended_info, nullptr, nullptr) == Status::Ok &&
                 suspended_info.state == koios::ThreadState::Suspended);
  u64 before = g_spin;
  sleep_ms(5);
  EXPECT(34, g_spin == before);
  EXPECT(35, koios::thread_read_state(t, 0, &g_state, 8) == Status::BufferTooSmall);
  EXPECT(36, koios::thread_read_state(t, 7, &g_state, sizeof g_state) == Status::InvalidArgs);
  EXPECT(37, koios::thread_read_state(t, 0, &g_state, sizeof g_state) == Status::Ok);
  EXPECT(38, g_state.pc >= entry_of(spinner) && g_state.pc < entry_of(spinner) + 64);
  g_state.pc = entry_of(redirected);
  EXPECT(39, koios::thread_write_state(t, 0, &g_state, sizeof g_state - 8) == Status::InvalidArgs);
  EXPECT(40, koios::thread_write_state(t, 0, &g_state, sizeof g_state) == Status::Ok);
  EXPECT(41, koios::task_resume(t) == Status::Ok);
  EXPECT(42, wait_for(t, Signals::Terminated) == Status::Ok);
  EXPECT(43, g_redirected == 1);
  EXPECT(44, koios::task_resume(t) == Status::BadState);
  koios::InfoThread thread_info;
  EXPECT(47, koios::object_get_info(t, 7, &thread_info, sizeof thread_info, nullptr, nullptr) == Status::Ok);
  EXPECT(48, thread_info.state == koios::ThreadState::Dead);
  EXPECT(49, koios::object_get_info(event, 7, &thread_info, sizeof thread_info, nullptr, nullptr) == Status::WrongType);
  koios::handle_close(t);

  // A thread blocked in a wait, suspended and resumed, sees Interrupted.
  EXPECT(50, new_thread(self, "waiter", &t) == Status::Ok);
  EXPECT(51, koios::thread_start(t, entry_of(blocked_waiter), stack_top(3), event, 0) == Status::Ok);
  EXPECT(59, wait_until_blocked(t));
  EXPECT(52, koios::task_suspend(t) == Status::Ok);
  EXPECT(53, koios::task_suspend(t) == Status::Ok);  // idempotent
  EXPECT(54, wait_for(t, Signals::Suspended) == Status::Ok);
  EXPECT(55, g_wait_status == 1);  // still stopped: nothing returned to it yet
  EXPECT(56, koios::task_resume(t) == Status::Ok);
  EXPECT(57, wait_for(t, Signals::Terminated) == Status::Ok);
  EXPECT(58, g_wait_status == static_cast<long>(Status::Interrupted));
  koios::handle_close(t);

  // A fault goes to the thread's exception channel; the handler reads the report, moves the
  // thread on and resumes it.
  Handle exceptions = 0;
  EXPECT(60, new_thread(self, "faulter", &t) == Status::Ok);
  EXPECT(61, koios::task_create_exception_channel(t, 0, &exceptions) == Status::Ok);
  Handle second = 0;
  EXPECT(62, koios::task_create_exception_channel(t, 0, &second) == Status::AlreadyExists);
  EXPECT(63, koios::task_create_exception_channel(event, 0, &second) == Status::WrongType);
  EXPECT(64, koios::thread_start(t, entry_of(faulter), stack_top(4), 0, 0) == Status::Ok);
  EXPECT(65, wait_for(exceptions, Signals::Readable) == Status::Ok);
  koios::ExceptionReport report;
  Handle faulting = 0;
  koios::MessageSizes sizes{0, 0};
  EXPECT(66, koios::channel_read(exceptions, 0, &report, &faulting, sizeof report, 1, &sizes) == Status::Ok);
  EXPECT(67, sizes.bytes == sizeof report && sizes.handles == 1);
  EXPECT(68, report.cause == 15 && report.value == entry_of(faulter));
  koios::InfoBasic info;
  EXPECT(69, koios::object_get_info(t, 1, &info, sizeof info, nullptr, nullptr) == Status::Ok);
  EXPECT(70, report.thread_koid == info.koid);
  EXPECT(71, koios::thread_read_state(faulting, 0, &g_state, sizeof g_state) == Status::Ok);
  EXPECT(72, g_state.pc == report.pc);
  g_state.pc = entry_of(recovered);
  EXPECT(73, koios::thread_write_state(faulting, 0, &g_state, sizeof g_state) == Status::Ok);
  EXPECT(74, koios::task_resume(faulting) == Status::Ok);
  EXPECT(75, wait_for(t, Signals::Terminated) == Status::Ok);
  EXPECT(76, g_recovered == 1);
  EXPECT(77, koios::channel_write(exceptions, 0, "x", 1, nullptr, 0) == Status::AccessDenied);  // read-only
  koios::handle_close(faulting);
  koios::handle_close(exceptions);
  koios::handle_close(t);

  // A handler that kills the faulting thread ends only that thread; the process goes on.
  EXPECT(78, new_thread(self, "faulter-2", &t) == Status::Ok);
  EXPECT(79, koios::task_create_exception_channel(t, 0, &exceptions) == Status::Ok);
  EXPECT(85, koios::thread_start(t, entry_of(faulter), stack_top(4), 0, 0) == Status::Ok);
  EXPECT(86, wait_for(exceptions, Signals::Readable) == Status::Ok);
  EXPECT(87, koios::channel_read(exceptions, 0, &report, &faulting, sizeof report, 1, &sizes) == Status::Ok);
  EXPECT(88, koios::task_kill(faulting) == Status::Ok);
  EXPECT(89, wait_for(t, Signals::Terminated) == Status::Ok);
  koios::handle_close(faulting);
  koios::handle_close(exceptions);
  koios::handle_close(t);

  // task_kill ends a busy thread.
  g_spin = 0;
  EXPECT(80, new_thread(self, "spinner-2", &t) == Status::Ok);
  EXPECT(81, koios::thread_start(t, entry_of(spinner), stack_top(2), 0, 0) == Status::Ok);
  while (g_spin < 100) {
  }
  EXPECT(82, koios::task_kill(weak) == Status::AccessDenied);
  EXPECT(83, koios::task_kill(t) == Status::Ok);
  EXPECT(84, wait_for(t, Signals::Terminated) == Status::Ok);
  koios::handle_close(t);

  // Jobs and processes: an unstarted process in a child job; killing the job ends it and the job
  // takes no more children.
  Handle child_job = 0, process = 0, vmar = 0, thread = 0;
  EXPECT(90, koios::job_create(job, 0, &child_job) == Status::Ok);
  Handle bad = 0;
  EXPECT(91, koios::job_create(event, 0, &bad) == Status::WrongType);
  EXPECT(92, koios::process_create(child_job, "child", 5, 0, &process, &vmar) == Status::Ok);
  EXPECT(93, koios::process_create(self, "child", 5, 0, &process, &vmar) == Status::WrongType);
  // Handle quotas: the default, the large table a server asks for, and an unknown option refused.
  {
    Handle big = 0, big_vmar = 0, none = 0;
    koios::InfoProcessHandles q{}, qbig{};
    EXPECT(126, koios::object_get_info(process, koios::u32(koios::InfoTopic::ProcessHandles), &q, sizeof q, nullptr,
                                       nullptr) == Status::Ok &&
                    q.quota == koios::kHandleQuotaDefault);
    EXPECT(127, koios::process_create(child_job, "big", 3, koios::kProcessLargeHandleTable, &big, &big_vmar) ==
                    Status::Ok);
    EXPECT(128, koios::object_get_info(big, koios::u32(koios::InfoTopic::ProcessHandles), &qbig, sizeof qbig,
                                       nullptr, nullptr) == Status::Ok &&
                    qbig.quota == koios::kHandleQuotaLarge);
    EXPECT(129, koios::process_create(child_job, "bad", 3, 1u << 7, &none, &none) == Status::InvalidArgs);
    koios::handle_close(big);
    koios::handle_close(big_vmar);
  }
  EXPECT(94, koios::object_wait_one(process, Signals::Terminated, koios::kDeadlineNow, nullptr) == Status::TimedOut);
  EXPECT(95, koios::thread_create(process, "main", 4, 0, &thread) == Status::Ok);
  EXPECT(96, koios::process_start(process, t1, entry_of(spinner), stack_top(5), 0, 0) == Status::BadHandle);
  Handle own_thread = 0;
  EXPECT(97, new_thread(self, "own", &own_thread) == Status::Ok);
  EXPECT(98, koios::process_start(process, own_thread, entry_of(spinner), stack_top(5), 0, 0) == Status::AccessDenied);
  EXPECT(99, koios::thread_start(thread, entry_of(spinner), stack_top(5), 0, 0) == Status::BadState);  // not started
  EXPECT(100, koios::task_kill(child_job) == Status::Ok);
  EXPECT(101, wait_for(process, Signals::Terminated) == Status::Ok);
  EXPECT(102, wait_for(child_job, Signals::Terminated) == Status::Ok);
  Handle late = 0;
  EXPECT(103, koios::process_create(child_job, "late", 4, 0, &late, &vmar) == Status::BadState);
  EXPECT(104, koios::job_create(child_job, 0, &late) == Status::BadState);
  koios::handle_close(thread);
  koios::handle_close(process);
  koios::handle_close(child_job);
  koios::handle_close(own_thread);

  // Jobs nest to a fixed depth; killing the top kills a process at the bottom.
  Handle chain[80];
  int depth = 0;
  Handle parent = job;
  Status made = Status::Ok;
  while (depth < 80 && (made = koios::job_create(parent, 0, &chain[depth])) == Status::Ok) parent = chain[depth++];
  EXPECT(120, made == Status::OutOfRange && depth > 32 && depth < 80);
  Handle deep_process = 0;
  EXPECT(121, koios::process_create(chain[depth - 1], "deep", 4, 0, &deep_process, &vmar) == Status::Ok);
  EXPECT(122, koios::task_kill(chain[0]) == Status::Ok);
  EXPECT(123, wait_for(deep_process, Signals::Terminated) == Status::Ok);
  EXPECT(124, wait_for(chain[depth - 1], Signals::Terminated) == Status::Ok);
  EXPECT(125, wait_for(chain[0], Signals::Terminated) == Status::Ok);
  koios::handle_close(deep_process);
  koios::handle_close(vmar);
  for (int i = 0; i < depth; ++i) koios::handle_close(chain[i]);

  // process_exit on another thread ends the whole process (this thread included) with its code.
  EXPECT(110, new_thread(self, "exiter", &t) == Status::Ok);
  EXPECT(111, koios::thread_start(t, entry_of(exit_whole_process), stack_top(5), 0, 0) == Status::Ok);
  koios::object_wait_one(event, Signals::Signaled, koios::kDeadlineInfinite, nullptr);  // never signaled
  return 119;  // reached only if the wait ended, which it must not
}

}  // namespace

extern "C" int main(u64, u64 self, u64 job) { return run(Handle(self), Handle(job)); }
