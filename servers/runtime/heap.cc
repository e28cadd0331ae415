// servers/runtime/heap.cc: sbrk, which picolibc's malloc grows its heap with.
// FIXME(#4): a static arena in .bss for now; once vmar_map lands, the heap becomes a VMO mapped
// into the process and grown on demand.
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace {
// Every process that calls malloc pays for this in .bss (the loader maps it zeroed at start).
constexpr std::size_t kHeapSize = 128 * 1024;
alignas(16) char g_heap[kHeapSize];
std::size_t g_brk = 0;
}  // namespace

extern "C" void* sbrk(std::ptrdiff_t increment) {
  if (increment < 0 ? std::size_t(-increment) > g_brk : std::size_t(increment) > kHeapSize - g_brk) {
    errno = ENOMEM;
    return reinterpret_cast<void*>(-1);
  }
  void* old = g_heap + g_brk;
  g_brk += increment;
  return old;
}
