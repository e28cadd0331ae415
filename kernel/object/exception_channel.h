// kernel/object/exception_channel.h: where a task's faults go (task_create_exception_channel). A
// thread, a process and a job each have one slot; the kernel keeps one end of the channel and the
// handler holds the other. A fault is offered to the thread's slot, then the process's, then each
// job's up to the root: the first whose handler's end is open takes it.
#pragma once

#include "kernel/lib/lock.h"
#include "kernel/object/channel.h"
#include "koios/task.h"

namespace kernel {

class ExceptionChannel {
 public:
  // Binds a new channel and gives the handler's end: AlreadyExists while a handler's end is open.
  koios::Status create(KernelHandle* out);
  // Queues the report with `thread` (a handle to the faulting thread) and returns the kernel's end,
  // which reports PeerClosed if the handler goes away. NotFound when no handler is bound (or it is
  // gone, or its queue is full): try the next slot.
  koios::Result<RefPtr<Channel>> deliver(const koios::ExceptionReport& report, KernelHandle thread);
  // The task has ended: the handler sees PeerClosed and nothing more arrives. Idempotent.
  void reset();
  // The handler's end: it reads reports and may pass the end on; it cannot write (nothing would
  // ever read the kernel's end, so writes could only pin memory).
  static constexpr koios::Rights kHandlerRights = Channel::kDefaultRights & ~koios::Rights::Write;

 private:
  SpinLock lock_;
  RefPtr<Channel> kernel_end_;  // guarded by lock_
};

}  // namespace kernel
