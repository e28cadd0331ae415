// servers/runtime/mutex.h: a small mutex over futex_wait/futex_wake (the three-state lock of
// Drepper's "Futexes Are Tricky"), for the runtime's own tables (the fd table, the working
// directory) now that a program may run several threads. Uncontended, lock and unlock are one
// atomic each and no syscall. Not recursive; never held across blocking I/O. A static Mutex needs
// no constructor call (all zero is unlocked), so the runtime can use it before the C++ constructors.
#pragma once

#include "koios/signals.h"
#include "syscalls.h"

namespace koios {

class Mutex {
 public:
  constexpr Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() {
    u32 expected = kFree;
    if (__atomic_compare_exchange_n(&state_, &expected, kLocked, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    // Contended: mark it so the holder wakes someone at unlock, then sleep until it is free. A wait
    // interrupted by a signal (pidsrv's task_suspend) just tries again.
    if (expected != kContended) expected = __atomic_exchange_n(&state_, kContended, __ATOMIC_ACQUIRE);
    while (expected != kFree) {
      (void)futex_wait(&state_, kContended, kDeadlineInfinite);
      expected = __atomic_exchange_n(&state_, kContended, __ATOMIC_ACQUIRE);
    }
  }

  void unlock() {
    if (__atomic_exchange_n(&state_, kFree, __ATOMIC_RELEASE) == kContended) (void)futex_wake(&state_, 1);
  }

 private:
  static constexpr u32 kFree = 0, kLocked = 1, kContended = 2;   // kContended: someone may sleep
  u32 state_ = kFree;
};

// Holds a Mutex for one scope.
class MutexLock {
 public:
  explicit MutexLock(Mutex& m) : m_(m) { m_.lock(); }
  ~MutexLock() { m_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& m_;
};

}  // namespace koios
