// kernel/syscalls/process.cc: process_* and thread_* handlers. Until Process objects exist
// (FIXME(#4)) a user process is one thread owning its address space, so ending the process ends
// the thread, and the scheduler frees both once it has switched away.
#include "kernel/lib/log.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

void sys_process_exit(koios::i64 return_code) { Scheduler::exit_current_with(return_code); }

void sys_thread_exit() { Scheduler::exit_current_with(0); }

void on_user_fault(platform::TrapFrame& frame) {
  if (handle_user_page_fault(*Scheduler::current()->user_aspace(), frame)) return;  // demand paging, copy on write
  // No handler can exist yet (exception channels, FIXME(#4)): the process is killed, and its exit
  // reason says which fault, distinct from any exit code.
  LOG_WARN("%s: killed by %s at pc 0x%lx (address 0x%lx)", Scheduler::current()->name(),
           platform::trap_cause_name(frame.scause), frame.sepc, frame.stval);
  platform::interrupts_enable();
  Scheduler::exit_current_with(kExitKilledByFault - static_cast<koios::i64>(frame.scause));
}

}  // namespace kernel
