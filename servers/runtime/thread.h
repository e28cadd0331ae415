// servers/runtime/thread.h: the least a program needs to run a second thread over thread_create and
// thread_start (no pthreads yet): a stack and a TLS block of its own (picolibc keeps errno in TLS),
// both malloc'd by the caller's thread and freed by join_thread. What is thread-safe in the runtime:
// the fd table and the working directory (mutex.h); picolibc's malloc and stdio are not, so a
// second thread should stay off them.
#pragma once

#include "koios/handle.h"
#include "koios/result.h"

namespace koios {

struct UserThread {
  Handle handle = kInvalidHandle;
  void* block = nullptr;   // stack and TLS block
};

// Runs fn(arg) on a new thread of this process; the thread ends when fn returns. It uses the
// start-up Process handle, which it takes on first use (BadHandle when the program took it itself).
// NoMemory when the block cannot be allocated; otherwise what thread_create/thread_start answer.
Result<UserThread> start_thread(void (*fn)(void*), void* arg, usize stack_size = 64 * 1024);

// Waits until the thread has ended, then frees its block and closes its handle.
Status join_thread(UserThread& thread);

}  // namespace koios
