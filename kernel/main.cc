// kernel/main.cc: the boot order after the platform hands over, written once.
//   boot hart: per-hart state -> page allocator -> heap -> kernel address space -> guarded stack
//   -> interrupts -> start the other harts -> self-tests on every hart -> requested fault tests,
//   benchmark and run= program -> init (until its start-up is done) -> the console monitor.
//   other harts: address space -> guarded stack -> interrupts -> per-hart self-tests -> idle.
#include <atomic>
#include <cstring>

#include "koios/version.h"
#include "kernel/lib/bootargs.h"
#include "kernel/lib/log.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/bootfs.h"
#include "kernel/lib/format.h"
#include "kernel/console.h"
#include "kernel/monitor.h"
#include "kernel/mountsrv_boot.h"
#include "kernel/object/job.h"
#include "kernel/object/channel.h"
#include "kernel/object/resource.h"
#include "kernel/object/socket.h"
#include "kernel/user_program.h"
#include "kernel/sched/per_hart.h"
#include "kernel/sched/scheduler.h"
#include "kernel/sched/wait.h"
#include "kernel/vm/heap.h"
#include "kernel/vm/kernel_aspace.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"

extern "C" [[noreturn]] void call_on_stack(koios::u64 top, void (*fn)(void*), void* arg);

namespace kernel {

// Named in the stack-overflow test's expected backtrace; defined below the boot code.
[[gnu::noinline]] koios::u64 overflow_stack_recursively(koios::u64 depth);

namespace {

using koios::u32;
using koios::u64;

constexpr u64 kEmergencyStackSize = 8192;
constexpr u64 kSecondaryBootStackSize = 8192;
// Generous: under TCG a vCPU may get little host time when QEMUs run side by side.
constexpr u64 kHartStartTimeoutNs = 5'000'000'000;
constexpr u64 kHartStartRetryNs = 200'000'000;
// init's test suite spawns a few thousand processes; generous, because TCG may get little host time.
constexpr u64 kInitStartTimeoutNs = 300'000'000'000;

alignas(16) unsigned char g_emergency_stacks[platform::kMaxCpus][kEmergencyStackSize];
alignas(16) unsigned char g_secondary_boot_stacks[platform::kMaxCpus][kSecondaryBootStackSize];
// Each hart's boot context becomes a Thread: the boot hart's "main" (the monitor), the others'
// idle threads. They live for the whole boot.
alignas(Thread) unsigned char g_adopted_threads[platform::kMaxCpus][sizeof(Thread)];

Thread* adopt_this_context(const char* name) {
  PerHart& h = this_hart();
  return Thread::adopt_current(reinterpret_cast<Thread*>(g_adopted_threads[h.cpu]), name, h.stack_low, h.stack_top);
}

void boot_idle_thread(void*) { Scheduler::idle_loop(); }

void init_per_hart(u32 cpu) {
  PerHart& h = hart(cpu);
  h.cpu = cpu;
  h.hart_id = platform::hart_id_of(cpu);
  h.emergency_low = reinterpret_cast<u64>(g_emergency_stacks[cpu]);
  h.emergency_top = h.emergency_low + kEmergencyStackSize;
  h.boot_stack_top = reinterpret_cast<u64>(g_secondary_boot_stacks[cpu]) + kSecondaryBootStackSize;
}

// Moves the calling hart onto its guarded stack and continues in `next`.
[[noreturn]] void switch_to_guarded_stack(void (*next)(void*)) {
  PerHart& h = this_hart();
  auto stack = aspace::create_stack(h.cpu);
  if (!stack.ok()) panic("no kernel stack for hart %lu: %s", h.hart_id, koios::status_name(stack.status()));
  h.stack_top = stack.value().top;
  // Until the switch the hart runs on its boot stack, so trap.S checks against that one.
  call_on_stack(h.stack_top, next, &h);
}

bool break_if_asked(const BootArgs& args) {
  char iterations[24];
  if (args.get("fuzz.iterations", iterations, sizeof iterations)) {
    u64 n = 0;
    for (const char* p = iterations; *p >= '0' && *p <= '9'; ++p) n = n * 10 + u64(*p - '0');
    if (n > 0) selftest::set_fuzz_iterations(n);
  }
  char names[128];
  if (args.get("selftest.break", names, sizeof names)) {
    selftest::set_broken(names);
    return true;
  }
  return false;
}

void run_requested_fault(const BootArgs& args) {
  if (args.has("fault", "panic")) panic("forced panic requested by fault=panic");
  if (args.has("fault", "stack_overflow")) {
    LOG_INFO("fault=stack_overflow: recursing until the guard page stops us");
    overflow_stack_recursively(0);
  }
  if (args.has("fault", "bad_dtb")) {
    // The same path a bad blob takes at boot, fed a copy of ours cut in half.
    const auto& info = platform::boot_info();
    const char* why = nullptr;
    auto parsed = platform::parse_device_tree(reinterpret_cast<const void*>(info.dtb_base), info.dtb_size / 2, &why);
    if (!parsed.ok()) platform::fail_boot_device_tree(why);
    panic("fault=bad_dtb: a truncated device tree was accepted");
  }
}

// bench=null_syscall runs that user-mode benchmark after the self-tests; it prints its BENCH line.
void run_requested_benchmark(const BootArgs& args) {
  char name[32];
  if (!args.get("bench", name, sizeof name)) return;
  koios::i64 code = 0;
  koios::Status s = koios::Status::Ok;
  // A benchmark with a NAME_server program in the boot filesystem talks to it over a channel: each
  // gets one end as its start-up handle.
  char server[48];
  format(server, sizeof server, "%s_server", name);
  if (bootfs::find(server).ok()) {
    // socket_* benchmarks talk over a socket pair, the others over a channel.
    KernelHandle server_end, client_end;
    if (std::strncmp(name, "socket_", 7) == 0) {
      auto pair = Socket::create();
      if (!pair.ok()) return;
      server_end = KernelHandle(std::move(pair.value().first), Socket::kDefaultRights);
      client_end = KernelHandle(std::move(pair.value().second), Socket::kDefaultRights);
    } else {
      auto pair = Channel::create();
      if (!pair.ok()) return;
      server_end = KernelHandle(std::move(pair.value().first), Channel::kDefaultRights);
      client_end = KernelHandle(std::move(pair.value().second), Channel::kDefaultRights);
    }
    UserRun server_run;  // the server runs on after this reference goes
    s = spawn_user_program(server, 0, &server_run, &server_end);
    if (s == koios::Status::Ok) s = run_user_program(name, 0, 600'000'000'000, &code, &client_end);
  } else if (std::strncmp(name, "process_", 8) == 0) {
    // Benchmarks that spawn from user space get what init gives its tests: a job and the boot
    // filesystem, in a start-up message.
    auto job = Job::create_child(RefPtr<Job>::from_existing(&Job::root()));
    auto fs = bootfs_vmo_handle();
    if (!job.ok() || !fs.ok()) return;
    KernelHandle handles[2] = {KernelHandle(std::move(job.value()), Job::kDefaultRights), std::move(fs.value())};
    const koios::StartupHandleInfo infos[2] = {{koios::StartupHandleKind::Job, 0}, {koios::StartupHandleKind::BootfsVmo, 0}};
    const char* argv[] = {name};
    auto channel = make_startup_channel(argv, 1, nullptr, 0, handles, infos, 2);
    if (!channel.ok()) return;
    s = run_user_program(name, 0, 600'000'000'000, &code, &channel.value());
  } else {
    s = run_user_program(name, 0, 600'000'000'000, &code, nullptr);
  }
  if (s != koios::Status::Ok || code != 0)
    LOG_ERROR("bench=%s: %s, exit code %ld", name, koios::status_name(s), static_cast<long>(code));
}

// run=NAME starts that program with the root resource as its start-up handle (as init will get
// it) and waits for it; it should end the boot with system_shutdown. If it ends instead, the
// machine powers off with 0 when it returned 0, else kExitRunFailed.
constexpr u32 kExitRunFailed = 5;
void run_requested_program(const BootArgs& args) {
  char name[32];
  if (!args.get("run", name, sizeof name)) return;
  KernelHandle root(root_resource(), Resource::kDefaultRights);
  koios::i64 code = 0;
  koios::Status s = run_user_program(name, 0, 1'000'000'000'000'000'000, &code, &root);
  print("run=%s: %s, exit code %ld\n", name, koios::status_name(s), static_cast<long>(code));
  platform::shutdown(s == koios::Status::Ok && code == 0 ? 0 : kExitRunFailed);
}

// init starts the servers and the console shell (or, with init.shell=0, leaves the console to the
// monitor). Its failures are its own: the boot goes on. As Linux hands init the boot parameters it
// does not know, `init.tests=...` and `init.shell=...` reach init's environment.
void start_init_from_command_line(const BootArgs& args) {
  // init's own boot arguments, passed on as its environment.
  constexpr const char* kInitArgs[] = {"init.tests", "init.shell", "init.pidsrv_table"};
  char value[16], env[3][40];
  const char* envp[3];
  u32 envc = 0;
  for (const char* name : kInitArgs) {
    if (!args.get(name, value, sizeof value)) continue;
    format(env[envc], sizeof env[envc], "%s=%s", name, value);
    envp[envc] = env[envc];
    ++envc;
  }
  koios::Status s = start_init(kInitStartTimeoutNs, envp, envc);
  if (s != koios::Status::Ok && s != koios::Status::BadState) LOG_ERROR("init: %s", koios::status_name(s));
}

[[noreturn]] void secondary_continue(void*) {
  PerHart& h = this_hart();
  h.stack_low = h.stack_top - aspace::kStackSize;
  platform::trap_init_this_hart(false);
  platform::interrupts_enable();
  h.online.store(true);
  u32 passed = 0;
  u32 failed = selftest::run_all(selftest::Where::EveryHart, &passed);
  h.selftests_passed.store(passed);
  h.selftests_failed.store(failed);
  // Join the scheduler before reporting, so the thread self-tests find every hart ready.
  Thread* idle = adopt_this_context("idle");
  Scheduler::init_this_hart(idle, idle);
  h.selftests_done.store(true);
  Scheduler::idle_loop();  // sleeps in wfi; woken by IPIs and timers
}

[[noreturn]] void boot_continue(void*) {
  PerHart& me = this_hart();
  me.stack_low = me.stack_top - aspace::kStackSize;
  platform::trap_init_this_hart(true);  // the boot hart reads the console
  platform::interrupts_enable();
  me.online.store(true);

  BootArgs args(platform::boot_info().bootargs);
  break_if_asked(args);

  u32 started = 1;
  for (u32 cpu = 0; cpu < platform::cpu_count(); ++cpu) {
    if (cpu == me.cpu) continue;
    init_per_hart(cpu);
    koios::Status s = platform::start_cpu(cpu, &hart(cpu));
    if (s != koios::Status::Ok) {
      LOG_ERROR("hart %lu did not start: %s", hart(cpu).hart_id, koios::status_name(s));
      continue;
    }
    // A start can be lost when it races the hart's own firmware start-up (seen under heavy host
    // load): if the firmware still reports the hart stopped after a while, ask again.
    bool online = false;
    for (u64 waited = 0; !online && waited < kHartStartTimeoutNs; waited += kHartStartRetryNs) {
      online = wait_until([&] { return hart(cpu).online.load(); }, kHartStartRetryNs);
      if (!online && platform::cpu_stopped(cpu)) {
        LOG_WARN("hart %lu still stopped: starting it again", hart(cpu).hart_id);
        (void)platform::start_cpu(cpu, &hart(cpu));
      }
    }
    if (online) ++started;
    else LOG_ERROR("hart %lu did not come online", hart(cpu).hart_id);
  }
  LOG_INFO("%u of %u harts online", started, platform::cpu_count());

  // Before any process exists: the resources are made once and kept for good.
  if (koios::Status s = Resource::create_all(); s != koios::Status::Ok)
    panic("no resources: %s", koios::status_name(s));

  Thread* main_thread = adopt_this_context("main");
  auto idle = Thread::create("idle", boot_idle_thread, nullptr);
  if (!idle.ok()) panic("no idle thread for the boot hart: %s", koios::status_name(idle.status()));
  Scheduler::init_this_hart(main_thread, idle.value());
  (void)Job::root();  // the root of the process tree exists before any process

  u32 passed = 0;
  u32 failed = selftest::run_all(selftest::Where::BootHart, &passed);
  failed += selftest::run_all(selftest::Where::EveryHart, &passed);
  failed += platform::cpu_count() - started;  // a hart that never came up is a failure
  for (u32 cpu = 0; cpu < platform::cpu_count(); ++cpu) {
    if (cpu == me.cpu || !hart(cpu).online.load()) continue;
    if (!wait_until([&] { return hart(cpu).selftests_done.load(); }, kHartStartTimeoutNs)) {
      print("selftest percpu hart%lu FAIL: no result from this hart\n", hart(cpu).hart_id);
      ++failed;
      continue;
    }
    passed += hart(cpu).selftests_passed.load();
    failed += hart(cpu).selftests_failed.load();
  }
  failed += selftest::run_all(selftest::Where::Scheduler, &passed);
  u64 done_ns = platform::now_ns();
  print("selftests: %u passed, %u failed on %u harts\n", passed, failed, started);
  print("BENCH boot_to_selftests_done 1 %lu\n", done_ns);
  if (failed != 0) platform::shutdown(kExitSelftestFailed);

  run_requested_fault(args);
  run_requested_benchmark(args);
  run_with_mountsrv(args);
  run_requested_program(args);
  start_init_from_command_line(args);
  monitor::run();
}

}  // namespace

// Each level keeps a live buffer and does work after the call, so it is neither inlined into a
// loop nor turned into a tail call: every call costs real stack until the guard page stops it.
volatile bool g_stop_recursion = false;  // never set; keeps the compiler from proving the loop endless

[[gnu::noinline]] u64 overflow_stack_recursively(u64 depth) {
  if (g_stop_recursion) return depth;
  volatile unsigned char buffer[256];
  buffer[depth % sizeof buffer] = static_cast<unsigned char>(depth);
  return overflow_stack_recursively(depth + 1) + buffer[(depth * 7) % sizeof buffer];
}

void kernel_main() {
  u32 boot = platform::boot_cpu();
  init_per_hart(boot);
  PerHart& me = hart(boot);
  me.boot_stack_top = platform::boot_stack_top();
  me.stack_low = platform::boot_stack_bottom();
  platform::set_this_hart(&me);

  const auto& info = platform::boot_info();
  u64 ram = 0;
  for (u32 i = 0; i < info.memory_count; ++i) ram += info.memory[i].size;
  print("Koios %s riscv64: booting on hart %lu of %u harts, %lu MiB\n", koios::kRelease, me.hart_id,
        platform::cpu_count(), ram >> 20);
  if (info.cpus_ignored != 0) LOG_WARN("%u harts beyond the supported %u are left off", info.cpus_ignored, platform::kMaxCpus);
  if (info.bootargs[0] != 0) LOG_INFO("command line: %s", info.bootargs);

  if (koios::Status s = pmm::init(info); s != koios::Status::Ok) panic("page allocator: %s", koios::status_name(s));
  LOG_INFO("memory: %lu pages free of %lu", pmm::free_page_count(), pmm::total_page_count());
  if (koios::Status s = aspace::init(info); s != koios::Status::Ok)
    panic("kernel address space: %s", koios::status_name(s));
  aspace::activate_this_hart();
  LOG_INFO("Sv39 paging on; kernel stacks at 0x%lx with guard pages", aspace::kStackRegion);
  switch_to_guarded_stack(boot_continue);
}

void secondary_main(void* arg) {
  auto* h = static_cast<PerHart*>(arg);
  platform::set_this_hart(h);
  h->stack_low = h->boot_stack_top - kSecondaryBootStackSize;
  aspace::activate_this_hart();
  switch_to_guarded_stack(secondary_continue);
}

void on_timer_interrupt() {
  InterruptScope scope;
  this_hart().timer_interrupts.fetch_add(1, std::memory_order_relaxed);
  this_hart().timers.on_interrupt();
}

void on_ipi() {
  InterruptScope scope;
  this_hart().ipis_received.fetch_add(1, std::memory_order_relaxed);
  Scheduler::on_ipi();
}

void on_interrupt_exit() { Scheduler::on_interrupt_exit(); }

void on_console_input() {
  InterruptScope scope;
  // The monitor polls the platform's buffer; console_read's waiters watch the console resource.
  console::on_input();
}

}  // namespace kernel
