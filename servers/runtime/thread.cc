// servers/runtime/thread.cc: see thread.h. A new thread's block is [TLS | stack]: tp points at the
// TLS copy (RISC-V has no TCB before it, as start.S says), sp at the block's end.
#include "thread.h"

#include <cstdlib>
#include <cstring>

#include "koios/signals.h"
#include "mutex.h"
#include "runtime.h"
#include "syscalls.h"

extern "C" char __tdata_source[], __tdata_size[], __tbss_size[], __tls_size[];   // user.ld

namespace koios {

namespace {

Mutex g_lock;
Handle g_self = kInvalidHandle;
bool g_self_taken = false;

Handle self_process() {
  MutexLock hold(g_lock);
  if (!g_self_taken) {
    g_self_taken = true;
    g_self = startup_handle(StartupHandleKind::Process);
  }
  return g_self;
}

struct Start {
  void (*fn)(void*);
  void* arg;
};

}  // namespace

}  // namespace koios

// The kernel starts the thread here with a0 = the Start record, a1 = its TLS block.
extern "C" [[noreturn]] void koios_thread_main(koios::Start* start) {
  start->fn(start->arg);
  koios::thread_exit();
  __builtin_unreachable();
}
asm(R"(
  .text
  .globl koios_thread_entry
koios_thread_entry:
  mv fp, zero
  mv tp, a1
  call koios_thread_main
)");
extern "C" void koios_thread_entry();

namespace koios {

Result<UserThread> start_thread(void (*fn)(void*), void* arg, usize stack_size) {
  Handle self = self_process();
  if (self == kInvalidHandle) return Status::BadHandle;
  usize tls = (usize(__tls_size) + 15) & ~usize(15);
  usize size = tls + sizeof(Start) + ((stack_size + 15) & ~usize(15));
  auto* block = static_cast<u8*>(std::malloc(size + 16));
  if (block == nullptr) return Status::NoMemory;
  u8* base = reinterpret_cast<u8*>((reinterpret_cast<usize>(block) + 15) & ~usize(15));
  std::memcpy(base, __tdata_source, usize(__tdata_size));   // the template's initial values
  std::memset(base + usize(__tdata_size), 0, usize(__tbss_size));
  auto* start = reinterpret_cast<Start*>(base + tls);
  *start = Start{fn, arg};
  u64 stack_top = (reinterpret_cast<u64>(block) + size) & ~u64(15);
  Handle h = kInvalidHandle;
  if (Status s = thread_create(self, "thread", 6, 0, &h); s != Status::Ok) {
    std::free(block);
    return s;
  }
  if (Status s = thread_start(h, reinterpret_cast<u64>(&koios_thread_entry), stack_top, reinterpret_cast<u64>(start),
                              reinterpret_cast<u64>(base));
      s != Status::Ok) {
    (void)handle_close(h);
    std::free(block);
    return s;
  }
  return UserThread{h, block};
}

Status join_thread(UserThread& thread) {
  Signals seen = Signals::None;
  Status s;
  do {
    s = object_wait_one(thread.handle, Signals::Terminated, kDeadlineInfinite, &seen);
  } while (s == Status::Interrupted);
  if (s != Status::Ok) return s;
  (void)handle_close(thread.handle);
  std::free(thread.block);
  thread = UserThread{};
  return Status::Ok;
}

}  // namespace koios
