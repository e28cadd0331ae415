// kernel/mountsrv_boot.cc
#include "kernel/mountsrv_boot.h"

#include "kernel/lib/bootfs.h"
#include "kernel/lib/format.h"
#include "kernel/lib/log.h"
#include "kernel/object/channel.h"
#include "kernel/object/vmo.h"
#include "kernel/user_program.h"

extern "C" const koios::u8 bootfs_start[];
extern "C" const koios::u8 bootfs_end[];

namespace kernel {
namespace {

// A copy of the boot image in a fresh VMO, readable and mappable but not writable: mountsrv may
// read it, no one can change what the kernel loads programs from.
koios::Result<KernelHandle> bootfs_vmo() {
  koios::u64 size = koios::u64(bootfs_end - bootfs_start);
  auto memory = TRY(VmObject::create(size, VmObject::Resizable::No));
  TRY(memory->write(bootfs_start, 0, size));
  auto vmo = TRY(Vmo::wrap(std::move(memory)));
  return KernelHandle(std::move(vmo), koios::kRightsBasic | koios::Rights::Read | koios::Rights::Map);
}

}  // namespace

void run_with_mountsrv(const BootArgs& args) {
  char name[32];
  if (!args.get("mountsrv", name, sizeof name)) return;
  koios::Status s = [&]() -> koios::Status {
    auto pair = TRY(Channel::create());
    KernelHandle server_handles[] = {KernelHandle(std::move(pair.first), Channel::kDefaultRights), TRY(bootfs_vmo())};
    koios::StartupHandleInfo server_infos[] = {
        {koios::StartupHandleKind::Server, koios::u32(koios::StartupServer::Mount)},
        {koios::StartupHandleKind::BootfsVmo, 0}};
    const char* server_argv[] = {"mountsrv"};
    auto server_start = TRY(make_startup_channel(server_argv, 1, nullptr, 0, server_handles, server_infos, 2));
    UserRun server_run;  // mountsrv runs on after this reference goes
    TRY(spawn_user_program("mountsrv", 0, &server_run, &server_start));

    KernelHandle client_handles[] = {KernelHandle(std::move(pair.second), Channel::kDefaultRights)};
    koios::StartupHandleInfo client_infos[] = {{koios::StartupHandleKind::Server, koios::u32(koios::StartupServer::Mount)}};
    const char* client_argv[] = {name};
    auto client_start = TRY(make_startup_channel(client_argv, 1, nullptr, 0, client_handles, client_infos, 1));
    koios::i64 code = 0;
    TRY(run_user_program(name, 0, 600'000'000'000, &code, &client_start));
    if (code != 0) LOG_ERROR("mountsrv=%s: exit code %ld", name, static_cast<long>(code));
    return koios::Status::Ok;
  }();
  if (s != koios::Status::Ok) LOG_ERROR("mountsrv=%s: %s", name, koios::status_name(s));
}

}  // namespace kernel
