// kernel/lib/lock.h: the lock kernel objects use. In the kernel it is platform::SpinLock, which keeps
// interrupts off on this hart while held; in host builds (KOIOS_HOST=1, the unit tests) a plain
// atomic spinlock, so object code is the same source on both.
#pragma once

#if defined(KOIOS_HOST) && KOIOS_HOST
#include <atomic>

#include "koios/types.h"
#else
#include "platform/platform.h"
#endif

namespace kernel {

#if defined(KOIOS_HOST) && KOIOS_HOST
class SpinLock {
 public:
  void lock() {
    while (locked_.exchange(1, std::memory_order_acquire) != 0) {
      while (locked_.load(std::memory_order_relaxed) != 0) {
      }
    }
  }
  void unlock() { locked_.store(0, std::memory_order_release); }
  bool is_locked() const { return locked_.load(std::memory_order_relaxed) != 0; }

 private:
  std::atomic<koios::u32> locked_{0};
};
#else
using SpinLock = platform::SpinLock;
#endif

// Not recursive. Take locks in the order the object files document (handle table before object).
class Guard {
 public:
  explicit Guard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
  ~Guard() { lock_.unlock(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  SpinLock& lock_;
};

}  // namespace kernel
