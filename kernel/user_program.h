// kernel/user_program.h: starting a program from the boot filesystem as a user process, and
// waiting for it: how the kernel runs its user-mode self-tests and benchmarks, and starts init.
#pragma once

#include "kernel/object/handle.h"
#include "kernel/object/process.h"
#include "koios/result.h"
#include "koios/startup.h"

namespace kernel {

// One number for how a program ended, for self-tests: its return code when it exited; for a
// kill by an unhandled fault kExitKilledByFault - scause; for any other kill kExitKilled. (User
// space reads the reason and the code separately, with object_get_info.)
inline constexpr koios::i64 kExitKilledByFault = -1000;
inline constexpr koios::i64 kExitKilled = -2000;
koios::i64 exit_summary(const Process& process);

struct UserRun {
  RefPtr<Process> process;
};

// Loads `name` from the boot filesystem into a new process, in a new job under the root job, and
// starts it with a0 = arg, or, when start_handle holds one, with that handle moved into the
// process and a0 = its value; a1 = a handle to the process itself, a2 = one to its job. `run`
// keeps the process for the caller to wait on.
koios::Status spawn_user_program(const char* name, koios::u64 arg, UserRun* run, KernelHandle* start_handle);
// Spawns and sleeps until it ends (exit_summary) or timeout_ns passes (TimedOut; it is killed).
koios::Status run_user_program(const char* name, koios::u64 arg, koios::u64 timeout_ns, koios::i64* exit_code,
                               KernelHandle* start_handle = nullptr);

// A bootstrap channel for spawn_user_program's start_handle: a new channel whose end (returned)
// holds a start-up message (koios/startup.h) with argv, envp and `handles` (moved in), described by
// `infos`. Until pidsrv spawns processes, this is how the kernel gives a program its arguments.
koios::Result<KernelHandle> make_startup_channel(const char* const* argv, koios::u32 argc, const char* const* envp,
                                                 koios::u32 envc, KernelHandle* handles,
                                                 const koios::StartupHandleInfo* infos, koios::u32 handle_count);

// The boot filesystem as a read-only vmo: the archive linked into the image, copied once into a
// VmObject (on first use; kept for good). Rights: basic, Read, Map, Execute, GetProperty (no Write).
koios::Result<KernelHandle> bootfs_vmo_handle();

// Starts init (the program `init` from the boot filesystem) in a job of its own under the root
// job, with a start-up message holding argv {"init"}, the root job, the root resource and the boot
// filesystem vmo, and envp as given (the command line's init.* words); then waits until init says its start-up is done (any message on its bootstrap
// channel: until the shell exists, after running the user-space test suite) or it dies, or
// timeout_ns passes. A kernel thread watches init from then on: if it ever dies the kernel logs
// why and says so on the console; it is not restarted. Ok once init reported; BadState if it died
// first (its exit is logged), TimedOut, NotFound (no init in the boot filesystem), NoMemory.
koios::Status start_init(koios::u64 timeout_ns, const char* const* envp, koios::u32 envc);

}  // namespace kernel
