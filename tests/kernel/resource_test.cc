// tests/kernel/resource_test.cc: runs tests/user/resources twice: once with a bootstrap channel
// carrying the root resource, the program's own process and two ended ones (hello, returned 7;
// fault, killed by a store page fault), and once with nothing. The program's exit code names the
// first rule that broke. Afterwards nothing it made, and nothing this test made, is left.
#include <atomic>
#include <new>

#include "kernel/lib/bootfs.h"
#include "kernel/lib/log.h"
#include "kernel/object/channel.h"
#include "kernel/object/job.h"
#include "kernel/object/message.h"
#include "kernel/object/resource.h"
#include "kernel/object/user_thread.h"
#include "kernel/sched/scheduler.h"
#include "kernel/user_program.h"
#include "kernel/vm/user_aspace.h"
#include "platform/platform.h"
#include "tests/kernel/selftest.h"
#include "tests/kernel/sleep_until.h"

namespace kernel::selftest {

namespace {

using koios::Status;
using koios::u64;

// A program this test starts itself (it hands the program its own process handle and others).
struct Spawned {
  RefPtr<Process> process;
  koios::i64 code = 0;
};

// Loads `name` into a new process, kept in s->process; returns its entry point.
koios::Result<u64> load(const char* name, Spawned* s) {
  auto file = TRY(bootfs::find(name));
  s->process = TRY(Process::create(name, RefPtr<Job>::from_existing(&Job::root())));
  return s->process->aspace().load(file.data, file.size);
}

Status start(Spawned* s, u64 entry, u64 arg) {
  RefPtr<UserThread> thread = TRY(UserThread::create(s->process, s->process->name()));
  return thread->start(entry, UserAspace::kStackTop, arg, 0, /*first=*/true);
}

bool wait_done(Spawned* s) {
  u64 deadline = platform::now_ns() + 5'000'000'000;
  while (!s->process->exited()) {
    if (platform::now_ns() > deadline) return false;
    Scheduler::sleep_ns(500'000);
  }
  s->code = exit_summary(*s->process);
  return true;
}

// The bootstrap channel's far end, installed in `into`; its one message carries `objects`.
koios::Result<koios::Handle> bootstrap(Process& into, RefPtr<KernelObject> const* objects, const koios::Rights* rights,
                                       koios::u32 count) {
  auto pair = TRY(Channel::create());
  auto message = TRY(Message::create(0, count));
  for (koios::u32 i = 0; i < count; ++i) message->handles()[i] = KernelHandle(objects[i], rights[i]);
  TRY(pair.first->write_from_kernel(std::move(message)));
  return into.handles().add(KernelHandle(std::move(pair.second), Channel::kDefaultRights));
}

}  // namespace

void resources_test(Context& ctx) {
  u64 objects_before = KernelObject::live_count();
  u64 user_pages_before = UserAspace::live_pages();
  u64 threads_before = Thread::live_count();
  Spawned all[4];
  Spawned &hello = all[0], &fault = all[1], &resources = all[2], &bare = all[3];
  {
    auto entry = load("hello", &hello);
    if (!ctx.check(entry.ok() && start(&hello, entry.value(), 0) == Status::Ok, "hello starts")) return;
    entry = load("fault", &fault);
    if (!ctx.check(entry.ok() && start(&fault, entry.value(), 0) == Status::Ok, "fault starts")) return;
    if (!ctx.check(wait_done(&hello) && wait_done(&fault), "hello and fault end")) return;

    entry = load("resources", &resources);
    if (!ctx.check(entry.ok(), "resources loads")) return;
    RefPtr<KernelObject> objects[] = {root_resource(), resources.process, hello.process, fault.process};
    koios::Rights rights[] = {Resource::kDefaultRights, Process::kDefaultRights, Process::kDefaultRights,
                              Process::kDefaultRights};
    auto channel = bootstrap(*resources.process, objects, rights, 4);
    if (!ctx.check(channel.ok(), "the bootstrap message is sent")) return;
    if (!ctx.check(start(&resources, entry.value(), channel.value()) == Status::Ok, "resources starts")) return;
    if (!ctx.check(wait_done(&resources), "resources ends")) return;
    if (resources.code != 0) LOG_ERROR("resources: check %ld failed", static_cast<long>(resources.code));
    ctx.check(resources.code == 0, "resources, console and get_info behave (the exit code names the rule)");

    entry = load("resources", &bare);
    if (!ctx.check(entry.ok() && start(&bare, entry.value(), 0) == Status::Ok, "resources starts bare")) return;
    if (!ctx.check(wait_done(&bare), "bare resources ends")) return;
    ctx.check(bare.code == 0, "without a resource every privileged call is refused");
  }
  for (Spawned& s : all) s.process = RefPtr<Process>();
  CHECK_THAT(ctx, sleep_until([&] { return Thread::live_count() == threads_before; }, 1'000'000'000));
  ctx.check(KernelObject::live_count() == objects_before, "no object outlives the programs");
  ctx.check(UserAspace::live_pages() == user_pages_before, "no page outlives them");
}

}  // namespace kernel::selftest
