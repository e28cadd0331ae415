// servers/runtime/heap.cc: sbrk, which picolibc's malloc grows its heap with. A program that got
// its root vmar in the start-up message (everything koios::spawn starts) reserves a 256 MiB vmo
// mapped read-write on first use: pages are committed only when touched, so the reservation costs
// nothing until malloc uses it. A program without one (init and the kernel's own test programs)
// grows into a 128 KiB arena in .bss, whose pages are likewise only committed when touched.
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "koios/startup.h"
#include "koios/vm.h"
#include "runtime.h"
#include "syscalls.h"

namespace {

constexpr std::size_t kReserve = 256u << 20;
constexpr std::size_t kArenaSize = 128 * 1024;
alignas(16) char g_arena[kArenaSize];

char* g_base = nullptr;
std::size_t g_size = 0;
std::size_t g_brk = 0;

bool g_tried_vmar = false;

// The reservation, once the start-up message has been read (the runtime mallocs while it reads
// it, so the first sbrk comes too early to find the root vmar). True when the heap moved there.
bool move_to_reservation() {
  if (g_tried_vmar || !koios::has_startup_message()) return false;
  g_tried_vmar = true;
  koios::OwnedHandle vmar(koios::startup_handle(koios::StartupHandleKind::RootVmar));
  if (!vmar) return false;
  koios::Handle vmo = koios::kInvalidHandle;
  if (koios::vmo_create(kReserve, 0, &vmo) != koios::Status::Ok) return false;
  koios::u64 at = 0;
  koios::Status mapped =
      koios::vmar_map(vmar.get(), koios::kVmPermRead | koios::kVmPermWrite, 0, vmo, 0, kReserve, &at);
  (void)koios::handle_close(vmo);  // the mapping keeps the vmo
  if (mapped != koios::Status::Ok) return false;
  // picolibc's malloc takes what sbrk returns as a new chunk: the heap need not be contiguous.
  g_base = reinterpret_cast<char*>(at);
  g_size = kReserve;
  g_brk = 0;
  return true;
}

}  // namespace

extern "C" void* sbrk(std::ptrdiff_t increment) {
  if (g_base == nullptr) {
    g_base = g_arena;
    g_size = kArenaSize;
  }
  if (increment > 0 && std::size_t(increment) > g_size - g_brk) (void)move_to_reservation();
  if (increment < 0 ? std::size_t(-increment) > g_brk : std::size_t(increment) > g_size - g_brk) {
    errno = ENOMEM;
    return reinterpret_cast<void*>(-1);
  }
  void* old = g_base + g_brk;
  g_brk += increment;
  return old;
}
