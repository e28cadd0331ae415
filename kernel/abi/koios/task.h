// kernel/abi/koios/task.h: processes, threads and their exceptions as user space sees them: exit
// reasons, thread states, the register record of thread_read_state/thread_write_state and the
// message an exception channel carries. Shared by kernel and user space.
#pragma once

#include "koios/handle.h"
#include "koios/object_type.h"
#include "koios/types.h"

namespace koios {

// process_create's options. kProcessLargeHandleTable: the process may hold kHandleQuotaLarge
// handles instead of kHandleQuotaDefault; for servers that keep a few handles per client (pidsrv:
// a process, thread and channel per process it manages). Allowed to whoever may create processes
// in the job (Manage): the table is the process's own memory, as its vmos are.
inline constexpr u32 kProcessLargeHandleTable = 1u << 0;
inline constexpr u32 kProcessCreateOptions = kProcessLargeHandleTable;
inline constexpr u32 kHandleQuotaDefault = 1024;
inline constexpr u32 kHandleQuotaLarge = 16383;   // the handle value's 14 index bits

enum class ProcessState : u32 {
  Running = 1,   // not ended (possibly not started yet)
  Exited = 2,    // ended: see the exit reason
  Dying = 3,     // told to end; some thread has not stopped yet
};

// How a process ended; a normal exit code and a kill are never confused (Linux's wait status
// distinguishes them the same way).
enum class ProcessExitReason : u32 {
  None = 0,      // still running
  Exited = 1,    // process_exit (or main returned): see the return code
  Killed = 2,    // task_kill of it or of a job above it
  Fault = 3,     // an exception nobody handled: see the fault cause (RISC-V scause)
};

enum class ThreadState : u32 {
  New = 0,               // created, not started
  Running = 1,           // running or runnable, possibly blocked in a syscall
  Suspended = 2,         // stopped by task_suspend; registers readable
  BlockedException = 3,  // stopped at a fault, waiting for its exception handler
  Dead = 4,
  Blocked = 5,           // running, but blocked in a syscall wait now (object_get_info only)
};

// thread_read_state/thread_write_state kinds.
enum class ThreadStateKind : u32 { General = 0 };

// The general registers of a user thread: pc and x1..x31 (x[0] reads 0 and is ignored on write).
struct ThreadStateGeneral {
  u64 pc;
  u64 x[32];
};
static_assert(sizeof(ThreadStateGeneral) == 33 * 8);

// task_create_exception_channel options: none so far.
// The message a fault sends on the first exception channel that exists (thread, process, then
// each job up to the root): this record, with one handle to the faulting thread (Read, Write,
// Manage, Inspect, Wait). The thread stays in BlockedException until the handler resumes it with
// task_resume (after thread_write_state, say) or kills it. If the handler's end is closed, the
// next channel up is tried; with none left the process is killed with reason Fault.
struct ExceptionReport {
  Koid process_koid;
  Koid thread_koid;
  u64 cause;     // RISC-V scause: 2 illegal instruction, 3 breakpoint, 4/6 misaligned, 12/13/15 page fault, ...
  u64 pc;        // sepc
  u64 value;     // stval: the faulting address, or the instruction
};
static_assert(sizeof(ExceptionReport) == 40);

}  // namespace koios
