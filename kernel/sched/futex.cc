// kernel/sched/futex.cc
#include "kernel/sched/futex.h"

#include <atomic>

#include "kernel/lib/lock.h"
#include "kernel/sched/blocking.h"
#include "kernel/sched/scheduler.h"

namespace kernel {
namespace {

struct Sleeper {
  Futex::Key key;
  Thread* thread;
  std::atomic<bool> woken{false};
  Sleeper* next = nullptr;
};

// Sleepers in arrival order, per bucket; a bucket holds every key that hashes to it.
struct Bucket {
  SpinLock lock;
  Sleeper* head = nullptr;
  Sleeper* tail = nullptr;
};

constexpr koios::u32 kBuckets = 64;
Bucket g_buckets[kBuckets];

Bucket& bucket_of(const Futex::Key& key) {
  koios::u64 h = (key.address >> 2) ^ reinterpret_cast<koios::uptr>(key.space);
  h *= 0x9e3779b97f4a7c15ull;
  return g_buckets[h >> 58];  // the top 6 bits: kBuckets == 64
}
static_assert(kBuckets == 64);

// Caller holds b.lock.
void unlink(Bucket& b, Sleeper* s) {
  Sleeper* prev = nullptr;
  for (Sleeper* p = b.head; p != nullptr; prev = p, p = p->next) {
    if (p != s) continue;
    if (prev != nullptr) prev->next = p->next;
    else b.head = p->next;
    if (b.tail == p) b.tail = prev;
    p->next = nullptr;
    return;
  }
}

}  // namespace

koios::Status Futex::wait(Key key, koios::u32 expected, ReadWord read, void* context, koios::u64 deadline_ns) {
  Bucket& b = bucket_of(key);
  Sleeper me{key, Scheduler::current()};
  {
    Guard guard(b.lock);
    koios::u32 value = 0;
    TRY(read(context, &value));
    if (value != expected) return koios::Status::BadState;
    if (b.tail != nullptr) b.tail->next = &me;
    else b.head = &me;
    b.tail = &me;
  }
  koios::Status status = block_while_not(deadline_ns, [&] { return me.woken.load(std::memory_order_acquire); });
  // Always through the lock, even when woken: the waker holds it until it has woken this thread,
  // so `me` and the thread outlive its use of them.
  Guard guard(b.lock);
  if (me.woken.load(std::memory_order_relaxed)) return koios::Status::Ok;  // a wake wins a race
  unlink(b, &me);
  return status;
}

koios::u32 Futex::wake(Key key, koios::u32 count) {
  Bucket& b = bucket_of(key);
  koios::u32 woken = 0;
  Guard guard(b.lock);
  Sleeper* next;
  for (Sleeper* s = b.head; s != nullptr && woken < count; s = next) {
    next = s->next;
    if (!(s->key == key)) continue;
    unlink(b, s);
    Thread* thread = s->thread;
    s->woken.store(true, std::memory_order_release);
    Scheduler::wake(thread);  // still under the lock, which the sleeper needs to leave
    ++woken;
  }
  return woken;
}

koios::u32 Futex::sleepers(Key key) {
  Bucket& b = bucket_of(key);
  Guard guard(b.lock);
  koios::u32 n = 0;
  for (Sleeper* s = b.head; s != nullptr; s = s->next) n += s->key == key ? 1 : 0;
  return n;
}

}  // namespace kernel
