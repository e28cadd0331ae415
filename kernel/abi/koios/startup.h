// kernel/abi/koios/startup.h: what a new process receives, declared once for the spawner (the
// kernel for init, pidsrv for everyone else) and the runtime that unpacks it.
//
// process_start moves one handle into the new process and passes it in a0: the bootstrap channel.
// Its first message is the start-up message: a StartupHeader, then `handle_count` HandleInfo
// records at handle_info_offset (one per handle of the message, in order), then argv and envp as
// NUL-terminated strings back to back at strings_offset (argc strings, then envc strings; in a
// version 2 message one more string follows: the working directory).
// Everything a process may reach arrives this way; there is no ambient authority.
#pragma once

#include "koios/channel.h"
#include "koios/resource.h"
#include "koios/types.h"

namespace koios {

inline constexpr u32 kStartupMagic = 0x4b535431;  // "KST1"
// Version 2 adds the working directory, an absolute path, as the last string. A POSIX child starts
// in its parent's directory, and the spawner (pidsrv) is the one who can put it there; as a string
// after envp it needs no new header field, so the kernel's own version 1 messages (for init: "/")
// stay valid.
inline constexpr u32 kStartupVersion = 1, kStartupVersionCwd = 2;

// What a start-up handle is for; `arg` qualifies it (a server id, a namespace type, an fd).
enum class StartupHandleKind : u32 {
  Process = 1,      // the process itself
  Thread = 2,       // its first thread
  RootVmar = 3,     // its address space
  Job = 4,          // the job it may create children in (init and servers only)
  Fd = 10,          // a file descriptor: arg is the fd (0, 1, 2: stdio sockets)
  Server = 20,      // a channel to a server: arg is a StartupServer
  Token = 30,       // a namespace token: arg is the namespace type
  Resource = 40,    // a resource: arg is its ResourceKind (koios/resource.h)
  BootfsVmo = 50,   // the boot filesystem image, read-only (koios/bootfs.h)
  User = 60,        // a handle for the program's own use: arg is what the spawner and it agree on
};

enum class StartupServer : u32 { Pid = 1, Mount = 2, Uts = 3, Cgroup = 4, Ipc = 5, Net = 6, User = 7, Time = 8 };

struct StartupHandleInfo {
  StartupHandleKind kind;
  u32 arg;
};
static_assert(sizeof(StartupHandleInfo) == 8);

struct StartupHeader {
  u32 magic;              // kStartupMagic
  u32 version;            // kStartupVersion, or kStartupVersionCwd with the working directory
  u32 argc, envc;
  u32 handle_count;       // handles in the message, each described by one StartupHandleInfo
  u32 handle_info_offset; // from the start of the message
  u32 strings_offset;     // argv then envp (then the cwd in version 2), each string NUL-terminated
  u32 strings_size;
};
static_assert(sizeof(StartupHeader) == 32);

inline constexpr u32 kStartupMaxHandles = kMaxMessageHandles;

}  // namespace koios
