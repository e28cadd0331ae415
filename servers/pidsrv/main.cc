// servers/pidsrv/main.cc: the program `pidsrv`. init spawns it first with (koios/startup.h):
//   Job              the job of the root pid namespace (a child of the root job)
//   BootfsVmo        the boot filesystem, to spawn from
//   User 1, 2, 3     init's process, init's main thread (optional: the kernel gives init no handle
//                    to it, so no handler can be delivered to init), pidsrv's end of init's channel
//   Resource Info    optional: kernel-wide memory counts for sysinfo
// init is pid 1 of the root namespace: it was started by the kernel, so pidsrv adopts it instead
// of spawning it. pidsrv itself is adopted next, as init's child (pid 2, like Linux's kthreadd,
// and as deaf to signals as a kernel thread). Then one
// loop: port_wait, and each packet is a client channel to serve or a process that ended.
#include <cstdio>

#include "koios/resource.h"
#include "koios/vm.h"
#include "libns/allocator.h"
#include "runtime.h"
#include "servers/pidsrv/kernel_ops_koios.h"
#include "servers/pidsrv/process_table.h"
#include "syscalls.h"

namespace {

using koios::Handle;
using koios::StartupHandleKind;

// The model's memory: a vmo mapped once, pages committed on first touch. An entry is about 5 KiB
// (signal actions, handler frames), so this holds well over a thousand processes.
constexpr koios::u64 kArenaBytes = 16 * 1024 * 1024;

int fail(const char* what, koios::Status s) {
  std::printf("pidsrv: %s: %s\n", what, koios::status_name(s));
  return 1;
}

}  // namespace

int main(int, char**, char**) {
  Handle root_job = koios::startup_handle(StartupHandleKind::Job);
  Handle bootfs_vmo = koios::startup_handle(StartupHandleKind::BootfsVmo);
  Handle init_process = koios::startup_handle(StartupHandleKind::User, 1);
  Handle init_thread = koios::startup_handle(StartupHandleKind::User, 2);
  Handle init_channel = koios::startup_handle(StartupHandleKind::User, 3);
  Handle vmar = koios::startup_handle(StartupHandleKind::RootVmar);
  // Optional: the info resource, for sysinfo's memory counts (koios/resource.h's Info).
  Handle info_resource =
      koios::startup_handle(StartupHandleKind::Resource, static_cast<koios::u32>(koios::ResourceKind::Info));
  if (root_job == koios::kInvalidHandle || bootfs_vmo == koios::kInvalidHandle ||
      init_process == koios::kInvalidHandle || init_channel == koios::kInvalidHandle || vmar == koios::kInvalidHandle) {
    std::printf("pidsrv: missing start-up handles (job, boot filesystem, init's process, channel)\n");
    return 1;
  }
  auto bootfs = koios::Bootfs::open(bootfs_vmo);
  if (!bootfs.ok()) return fail("boot filesystem", bootfs.status());

  Handle arena_vmo = koios::kInvalidHandle;
  koios::u64 arena = 0;
  if (koios::Status s = koios::vmo_create(kArenaBytes, 0, &arena_vmo); s != koios::Status::Ok) return fail("vmo", s);
  if (koios::Status s = koios::vmar_map(vmar, koios::kVmPermRead | koios::kVmPermWrite, 0, arena_vmo, 0, kArenaBytes,
                                        &arena);
      s != koios::Status::Ok)
    return fail("map", s);
  (void)koios::handle_close(arena_vmo);
  static ns::BufferAllocator alloc(reinterpret_cast<void*>(arena), kArenaBytes);

  Handle port = koios::kInvalidHandle;
  if (koios::Status s = koios::port_create(0, &port); s != koios::Status::Ok) return fail("port", s);
  static pidsrv::KoiosKernel kernel(alloc, port, bootfs.value());
  kernel.set_info_resource(info_resource);
  static pidsrv::ProcessTable table(alloc, kernel);
  auto job_koid = kernel.adopt_job(root_job);
  ns::Koid init_thread_koid{};
  auto init_koid = kernel.adopt_init(init_process, init_thread, init_channel, &init_thread_koid);
  if (!job_koid.ok() || !init_koid.ok() ||
      !table.init(job_koid.value(), init_koid.value(), init_thread_koid, "init").ok()) {
    std::printf("pidsrv: cannot adopt init\n");
    return 1;
  }
  // pidsrv itself gets a pid under init, as Linux's kthreadd is pid 2, so that ps shows it; it
  // ignores every signal (it cannot stop or kill itself and go on serving).
  const Handle self[] = {koios::startup_handle(StartupHandleKind::Process),
                         koios::startup_handle(StartupHandleKind::Thread)};
  if (Handle me = koios::kInvalidHandle;
      self[0] != koios::kInvalidHandle &&
      koios::handle_duplicate(self[0], koios::Rights::SameRights, &me) == koios::Status::Ok)
    kernel.set_self_process(me);
  if (self[0] != koios::kInvalidHandle) {
    koios::u32 count = self[1] != koios::kInvalidHandle ? 2 : 1;
    if (!table.adopt(init_koid.value(), self, count, "pidsrv", pidsrv::ProcessTable::SignalPolicy::kIgnore).ok())
      std::printf("pidsrv: cannot give itself a pid\n");
  }
  for (;;) {
    koios::PortPacket packet{};
    koios::Status s = koios::port_wait(port, koios::kDeadlineInfinite, &packet);
    if (s == koios::Status::Interrupted) continue;
    if (s != koios::Status::Ok) return fail("port_wait", s);
    kernel.on_packet(table, packet);
  }
}
