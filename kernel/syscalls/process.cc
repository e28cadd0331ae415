// kernel/syscalls/process.cc: process_* handlers, and the kernel's side of a user fault and of
// every return to user mode (where a stopped thread stops).
#include "kernel/lib/log.h"
#include "kernel/object/job.h"
#include "kernel/object/user_thread.h"
#include "kernel/object/vmar.h"
#include "kernel/syscalls/install.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

Status sys_process_create(Handle job_handle, UserPtr<const char> name, koios::u32 name_size, koios::u32 options,
                          UserPtr<Handle> out_process, UserPtr<Handle> out_vmar) {
  RefPtr<Job> job = TRY(current_handles().lookup<Job>(job_handle, Rights::Manage));
  if ((options & ~koios::kProcessCreateOptions) != 0) return Status::InvalidArgs;
  char copied[Process::kNameMax];
  TRY(copy_name_in(name, name_size, copied, sizeof copied));
  TRY(out_process.check_writable());
  TRY(out_vmar.check_writable());
  koios::u32 quota = options & koios::kProcessLargeHandleTable ? koios::kHandleQuotaLarge : koios::kHandleQuotaDefault;
  RefPtr<Process> process = TRY(Process::create(copied, std::move(job), quota));
  RefPtr<Vmar> vmar = TRY(Vmar::create_root(*process));
  return install_two(KernelHandle(std::move(process), Process::kDefaultRights),
                     KernelHandle(std::move(vmar), Vmar::kDefaultRights), out_process, out_vmar);
}

// arg1 moves into the new process (it needs Transfer) and its new value is passed in a0. Like
// Zircon, a valid arg1 is consumed even when the start fails.
Status sys_process_start(Handle process_handle, Handle thread_handle, koios::u64 entry, koios::u64 stack,
                         Handle arg1, koios::u64 arg2) {
  RefPtr<Process> process = TRY(current_handles().lookup<Process>(process_handle, Rights::Manage));
  RefPtr<UserThread> thread = TRY(current_handles().lookup<UserThread>(thread_handle, Rights::Manage));
  if (&thread->process() != process.get()) return Status::AccessDenied;
  if (entry < platform::kUserBase || entry >= platform::kUserTop) return Status::InvalidArgs;
  koios::u64 a0 = 0;
  Handle moved_value = koios::kInvalidHandle;
  if (arg1 != koios::kInvalidHandle) {
    KernelHandle moved;
    TRY(current_handles().remove_for_transfer(&arg1, 1, &moved));
    moved_value = TRY(process->handles().add(std::move(moved)));
    a0 = moved_value;
  }
  Status s = thread->start(entry, stack, a0, arg2, /*first=*/true);
  if (s != Status::Ok && moved_value != koios::kInvalidHandle) (void)process->handles().close(moved_value);
  return s;
}

void sys_process_exit(koios::i64 return_code) {
  current_process().exit(return_code);  // tells every other thread to stop
  Scheduler::exit_current();
}

void on_user_fault(platform::TrapFrame& frame) {
  if (handle_user_page_fault(*Scheduler::current()->user_aspace(), frame)) return;  // demand paging, copy on write
  platform::interrupts_enable();  // a handler may take its time
  UserThread& thread = *Scheduler::current()->user_thread();
  switch (thread.report_exception(frame)) {
    case UserThread::ExceptionOutcome::Resumed:
      platform::interrupts_disable();
      return;  // resumed by its handler, perhaps with new registers
    case UserThread::ExceptionOutcome::Killed:
      Scheduler::exit_current();  // a kill of this thread (or of its process) ends only it here
    case UserThread::ExceptionOutcome::Unhandled:
      break;
  }
  LOG_WARN("%s: killed by %s at pc 0x%lx (address 0x%lx)", Scheduler::current()->name(),
           platform::trap_cause_name(frame.scause), frame.sepc, frame.stval);
  thread.process().kill(koios::ProcessExitReason::Fault, frame.scause);
  Scheduler::exit_current();
}

void on_cpu_sample(bool from_user) { Scheduler::sample_cpu_mode(from_user); }

void on_return_to_user(platform::TrapFrame& frame) {
  UserThread* thread = this_hart().current_thread->user_thread();  // a user trap: per-hart state exists
  // Checked again with interrupts off after each stop: a request that arrives later sends an
  // IPI, which traps as soon as the thread is back in user mode.
  while (thread != nullptr && thread->stop_requested()) {
    platform::interrupts_enable();
    thread->checkpoint(frame);
    platform::interrupts_disable();
  }
}

}  // namespace kernel
