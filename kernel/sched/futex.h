// kernel/sched/futex.h: threads sleeping on a 32-bit word until another thread wakes them (after
// Linux's and Zircon's futexes), the kernel half of user-space locks and joins. One global table
// of hashed buckets; a sleeper's entry lives on its own stack for as long as it sleeps.
//
// A word is keyed by (address space, virtual address): futexes are private to a process, as in
// Zircon. Two processes sharing a page do not meet on it (Linux's shared futexes, keyed by the
// page, are not offered); they synchronise through kernel objects (events, channels) instead.
// The word is read through the page table, which faults it in if needed (address-space locks are
// taken under the bucket's lock, so a concurrent unmap cannot free the page under the read).
//
// No lost wake-up: wait() reads the word and queues the sleeper under the bucket's lock, and
// wake() takes the same lock, so a wake that follows a change of the word either finds the
// sleeper queued or the sleeper finds the changed word (BadState). Lock order: a bucket's lock,
// then the scheduler's (wake() wakes under it, so the sleeper cannot return and go first).
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel {

class Futex {
 public:
  struct Key {
    const void* space;   // the address space (kernel self-tests use any unique pointer)
    koios::u64 address;  // 4-byte aligned
    bool operator==(const Key& other) const { return space == other.space && address == other.address; }
  };
  // Reads the word for wait(), under the bucket's lock: must not block. A status other than Ok
  // (a bad user pointer) is wait()'s answer.
  using ReadWord = koios::Status (*)(void* context, koios::u32* value);

  // Sleeps while the word equals `expected`: BadState at once if it differs; Ok when woken;
  // TimedOut at deadline_ns (Scheduler::kForever: none); Interrupted when the thread is asked to
  // stop (Thread::interrupted). A wake that races with a time-out or an interruption wins (Ok),
  // so a wake is never spent on a thread that reports failure.
  static koios::Status wait(Key key, koios::u32 expected, ReadWord read, void* context, koios::u64 deadline_ns);
  // Wakes up to `count` sleepers on `key`, oldest first; returns how many.
  static koios::u32 wake(Key key, koios::u32 count);
  // Sleepers on `key` now (for tests).
  static koios::u32 sleepers(Key key);
};

}  // namespace kernel
