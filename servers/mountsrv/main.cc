// servers/mountsrv/main.cc: mountsrv, the file server. It mounts the boot filesystem read-only at
// / and a tmpfs at /tmp in one mount namespace, then serves the directory channel it was started
// with (StartupServer::Mount) and every channel opened through it, from one port, forever.
// Start-up handles: Server/Mount (the server end of the first client's directory channel),
// BootfsVmo (the boot image, read-only).
#include <cstdio>

#include "libns/allocator.h"
#include "libns/mnt_ns.h"
#include "runtime.h"
#include "servers/mountsrv/bootfs.h"
#include "servers/mountsrv/server.h"
#include "servers/mountsrv/tmpfs.h"
#include "syscalls.h"

namespace {

// Everything mountsrv allocates (nodes, file data, connections) comes from this arena: pages are
// committed on first touch, so it costs what is used. The tmpfs gets most of it.
constexpr size_t kArenaBytes = 8 << 20;
constexpr uint64_t kTmpBytes = 4 << 20;
constexpr uint32_t kTmpNodes = 4096;
alignas(64) unsigned char g_arena[kArenaBytes];

// The boot image, read through its VMO on each read.
class VmoImage final : public mountsrv::ImageReader {
 public:
  explicit VmoImage(koios::Handle vmo) : vmo_(vmo) {}
  bool read(uint64_t off, void* buf, size_t n) const override {
    return n == 0 || koios::vmo_read(vmo_, buf, off, n) == koios::Status::Ok;
  }

 private:
  koios::Handle vmo_;
};

int fail(const char* what, ns::Errno e) {
  std::printf("mountsrv: %s: %s\n", what, ns::errno_name(e));
  return 1;
}

}  // namespace

int main(int, char**, char**) {
  koios::Handle first = koios::startup_handle(koios::StartupHandleKind::Server, koios::u32(koios::StartupServer::Mount));
  koios::Handle vmo = koios::startup_handle(koios::StartupHandleKind::BootfsVmo);
  if (first == koios::kInvalidHandle || vmo == koios::kInvalidHandle) return fail("start-up handles", ns::Errno::BadF);
  uint64_t image_size = 0;
  if (koios::vmo_get_size(vmo, &image_size) != koios::Status::Ok) return fail("boot image", ns::Errno::BadF);

  ns::BufferAllocator alloc(g_arena, sizeof g_arena);
  VmoImage image(vmo);
  mountsrv::BootFs boot(alloc, 1);
  mountsrv::TmpFs tmp(alloc, 2, kTmpBytes, kTmpNodes);
  ns::MountTable table(alloc);
  // The root mount namespace. FIXME(#5): mountsrv's Registry will hold one per namespace, and each
  // client connection the Context of its process's namespace.
  ns::MntNamespace mnt(table, ns::Koid{1}, nullptr, ns::kInvalidKoid, 0);
  mountsrv::Vfs vfs(alloc);

  const char* mountpoints[] = {"tmp"};
  if (auto s = boot.load(image, image_size, mountpoints, 1); !s.ok()) return fail("boot image", s.error());
  if (auto s = tmp.init(); !s.ok()) return fail("tmpfs", s.error());
  if (auto s = mnt.init_root(boot, "bootfs", "bootfs"); !s.ok()) return fail("mount /", s.error());
  mnt.root()->flags |= ns::kMsRdonly;
  auto at = mnt.walk(mnt.root_path(), mnt.root_path(), "/tmp");
  if (!at.ok()) return fail("/tmp", at.error());
  if (auto m = mnt.mount(at.value(), tmp, "tmpfs", "tmpfs", 0); !m.ok()) return fail("mount /tmp", m.error());

  koios::Handle port = koios::kInvalidHandle;
  if (koios::port_create(0, &port) != koios::Status::Ok) return fail("port", ns::Errno::NoMem);
  mountsrv::Server server(alloc, vfs, port);
  if (auto s = server.add(first, mountsrv::ConnKind::Dir, mountsrv::root_context(mnt), nullptr); !s.ok())
    return fail("first client", s.error());
  for (;;) {
    koios::PortPacket p;
    if (koios::port_wait(port, koios::kDeadlineInfinite, &p) != koios::Status::Ok) continue;
    server.on_packet(p);
  }
}
