// kernel/console.cc
#include "kernel/console.h"

#include <atomic>

#include "kernel/lib/lock.h"
#include "kernel/object/resource.h"
#include "platform/platform.h"

namespace kernel::console {

namespace {
// Held across "who owns input" and taking a byte, so no byte reaches the monitor once user space
// owns the console. Lock order: after object locks (its holders take the resource's lock inside
// it), before the platform's `uart rx`.
SpinLock g_owner_lock;
std::atomic<bool> g_user_owned{false};

// Readable mirrors "a byte is waiting", checked under the resource's lock so a byte that arrives
// between the check and the change still leaves Readable asserted (on_input sets it after).
// Interrupt mirrors "a ^C is waiting": a shell that waits for a program sees it without reading
// the input typed ahead of it, which stays for whoever reads next.
void sync_readable() {
  RefPtr<Resource> console = Resource::of(koios::ResourceKind::Console);
  if (!console) return;
  console->set_signal_if(koios::Signals::Readable, [] { return platform::console_input_pending(); });
  console->set_signal_if(koios::Signals::Interrupt, [] { return platform::console_interrupt_pending(); });
}
}  // namespace

void on_input() { sync_readable(); }

int monitor_read_byte() {
  int c;
  {
    Guard guard(g_owner_lock);
    if (g_user_owned.load(std::memory_order_relaxed)) return -1;
    c = platform::console_read_byte();
  }
  if (c >= 0) sync_readable();
  return c;
}

bool owned_by_user() { return g_user_owned.load(std::memory_order_acquire); }

void take_for_user() {
  Guard guard(g_owner_lock);
  g_user_owned.store(true, std::memory_order_release);
}

koios::usize read_for_user(char* buffer, koios::usize size) {
  koios::usize n = 0;
  {
    Guard guard(g_owner_lock);
    g_user_owned.store(true, std::memory_order_release);
    for (; n < size; ++n) {
      int c = platform::console_read_byte();
      if (c < 0) break;
      buffer[n] = static_cast<char>(c);
    }
  }
  sync_readable();
  return n;
}

}  // namespace kernel::console
