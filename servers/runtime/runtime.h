// servers/runtime/runtime.h: what the runtime found at start-up (runtime_dep programs only).
// _start (start.S) reads the start-up message from the bootstrap channel in a0, sets up argv,
// envp and stdio, runs the C++ constructors, then exit(main(argc, argv, envp)).
#pragma once

#include "koios/result.h"
#include "koios/startup.h"
#include "owned_handle.h"
#include "startup_message.h"

namespace koios {

// The start-up handle of this kind and arg, or kInvalidHandle. The caller takes ownership: a
// second call for the same one answers kInvalidHandle. The fd table (fd.h) has already taken every
// Fd handle.
Handle startup_handle(StartupHandleKind kind, u32 arg = 0);

// The first start-up handle of this kind not taken yet, whatever its arg (stored in *arg), or
// kInvalidHandle when none is left. The caller takes ownership.
Handle startup_handle_any(StartupHandleKind kind, u32* arg);

// a0 as the kernel passed it. Without a start-up message (a spawner that passes a number or a
// single handle), this is the only input the program has.
u64 startup_arg();

// For a program the kernel started itself (init, bench= and run= programs): the handle to its own
// process that the kernel passes in a1 (kernel/user_program.h). kInvalidHandle for a program
// spawned from user space, which gets its Process handle in the start-up message instead.
Handle kernel_given_self();

// True when a start-up message was read (false: argc is 0 and stdio is the console, debug_write).
bool has_startup_message();

// The bootstrap channel itself, kept open for later messages; kInvalidHandle without one.
Handle bootstrap_channel();

// Writes a finished builder's message on `channel`, moving its handles (all or nothing).
Status send_startup_message(Handle channel, const StartupBuilder& builder, u32 size);

}  // namespace koios
