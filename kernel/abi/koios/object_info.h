// kernel/abi/koios/object_info.h: object_get_info's topics and their records, shared by kernel and
// user space. Records only grow at the end; a topic's number is ABI and never reused.
//
// Every topic answers one record (as Zircon's single-record topics do): with a buffer of at least
// the record's size the call copies it and sets *actual = *avail = 1; with a smaller one it copies
// nothing, sets *actual = 0 and *avail = 1, and answers BufferTooSmall. actual and avail may be null.
// The handle needs Inspect; a topic for another object type answers WrongType; an unknown topic
// InvalidArgs.
#pragma once

#include "koios/object_type.h"
#include "koios/rights.h"
#include "koios/task.h"
#include "koios/types.h"

namespace koios {

enum class InfoTopic : u32 {
  Basic = 1,           // InfoBasic, any object
  HandleCount = 2,     // InfoHandleCount, any object
  ProcessHandles = 3,  // InfoProcessHandles, a process
  Process = 4,         // InfoProcess, a process
  ProcessMemory = 5,   // InfoProcessMemory, a process
  KernelCounts = 6,    // InfoKernelCounts, a resource that covers Info (root or info)
  Thread = 7,          // InfoThread, a thread
  ThreadStats = 8,     // InfoThreadStats, a thread
};

struct InfoBasic {
  Koid koid;
  Koid related_koid;   // the peer of a channel/socket/eventpair end, the process of a thread, or 0
  ObjectType type;
  Rights rights;       // of the handle asked through
};
static_assert(sizeof(InfoBasic) == 24);

struct InfoHandleCount {
  u32 handle_count;    // handles to the object, in every process and in messages in flight
};
static_assert(sizeof(InfoHandleCount) == 4);

struct InfoProcessHandles {
  u32 handle_count;    // handles in the process's own table
  u32 quota;           // how many it may hold
};
static_assert(sizeof(InfoProcessHandles) == 8);

struct InfoProcess {
  ProcessState state;            // koios/task.h
  ProcessExitReason exit_reason; // koios/task.h
  i64 return_code;     // Exited: the code given to process_exit; otherwise 0
  u64 fault_cause;     // Fault: scause of the fault that killed it; otherwise 0
};
static_assert(sizeof(InfoProcess) == 24);

struct InfoProcessMemory {
  u64 mapped_bytes;    // the sizes of its mappings (code, data, stack, vmos) together
  u64 resident_pages;  // pages it has touched that are mapped now (pages come on first touch)
};
static_assert(sizeof(InfoProcessMemory) == 16);

// Kernel-wide counts: only through a resource that covers Info, since they tell about every process.
struct InfoKernelCounts {
  u64 live_objects;    // kernel objects alive now
  u64 threads;         // threads alive now (kernel and user)
  u64 pages_total;     // physical pages the page allocator manages
  u64 pages_free;
  u64 pages_used;      // pages_total - pages_free
  u64 user_pages;      // pages held by user address spaces (mapped pages and their page tables)
};
static_assert(sizeof(InfoKernelCounts) == 48);

struct InfoThread {
  ThreadState state;   // koios/task.h
  u32 reserved;
};
static_assert(sizeof(InfoThread) == 8);

// CPU time as of the thread's last switch: time on a hart (exact), and how it splits between the
// kernel (syscalls, faults, interrupts taken while it ran) and user mode, in the ratio of timer-
// interrupt samples, as Linux's tick-based accounting reports it; user = total - system.
struct InfoThreadStats {
  u64 total_ns;
  u64 system_ns;
  u64 user_ns;
};
static_assert(sizeof(InfoThreadStats) == 24);

}  // namespace koios
