// kernel/user_program.h: starting a program from the boot filesystem as a user process, and
// waiting for it. Until pidsrv and Process objects exist (issues 4 and 6) this is how the kernel
// runs its user-mode self-tests and benchmarks.
#pragma once

#include "koios/result.h"
#include "koios/startup.h"
#include "kernel/object/handle.h"

namespace kernel {

struct UserRun {
  bool done = false;
  koios::i64 exit_code = 0;
};

// Loads `name` from the boot filesystem into a new process and starts it with a0 = arg, or, when
// start_handle holds one, with that handle moved into the process and a0 = its value; `run` is
// filled in when it ends (exit code, or kExitKilledByFault - scause).
koios::Status spawn_user_program(const char* name, koios::u64 arg, UserRun* run, KernelHandle* start_handle);
// Spawns and sleeps until it ends or timeout_ns passes (TimedOut; the program keeps running).
koios::Status run_user_program(const char* name, koios::u64 arg, koios::u64 timeout_ns, koios::i64* exit_code,
                               KernelHandle* start_handle = nullptr);

// A bootstrap channel for spawn_user_program's start_handle: a new channel whose end (returned)
// holds a start-up message (koios/startup.h) with argv, envp and `handles` (moved in), described by
// `infos`. Until pidsrv spawns processes, this is how the kernel gives a program its arguments.
koios::Result<KernelHandle> make_startup_channel(const char* const* argv, koios::u32 argc, const char* const* envp,
                                                 koios::u32 envc, KernelHandle* handles,
                                                 const koios::StartupHandleInfo* infos, koios::u32 handle_count);

}  // namespace kernel
