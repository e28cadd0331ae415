// servers/runtime/runtime.cc: from _start to main. Runs on the main thread before anything else.
#include "runtime.h"

#include <cstdlib>

#include "cwd.h"
#include "fd.h"
#include "stdio_glue.h"
#include "syscalls.h"

extern "C" int main(int argc, char** argv, char** envp);
extern "C" void __libc_init_array();  // picolibc: preinit_array, then init_array (user.ld)
extern "C" char** environ;             // picolibc: what getenv searches

namespace koios {

namespace {

struct StartupSlot {
  Handle handle;
  StartupHandleInfo info;
};
StartupSlot g_slots[kStartupMaxHandles];
u32 g_slot_count = 0;
u64 g_arg = 0;
u64 g_arg1 = 0;
Handle g_bootstrap = kInvalidHandle;
char* g_no_args[1] = {nullptr};

// Reads the start-up message, if a0 is a channel that holds one. On any failure the program runs
// with no arguments: older spawners pass a number or a handle of another kind, and a program
// should still be able to print why it cannot do its job. Returns argv (envp follows its NULL).
char** read_startup_message(Handle channel, int* argc) {
  *argc = 0;
  // Sizes first: an empty read answers BufferTooSmall with the sizes, leaving the message queued.
  MessageSizes sizes{0, 0};
  Status s = channel_read(channel, 0, nullptr, nullptr, 0, 0, &sizes);
  if (s != Status::BufferTooSmall || sizes.bytes < sizeof(StartupHeader) || sizes.handles > kStartupMaxHandles)
    return g_no_args;
  auto* bytes = static_cast<u8*>(std::malloc(sizes.bytes));  // kept: argv and envp point into it
  if (bytes == nullptr) return g_no_args;
  Handle handles[kStartupMaxHandles];
  MessageSizes got{0, 0};
  if (channel_read(channel, 0, bytes, handles, sizes.bytes, sizes.handles, &got) != Status::Ok) {
    std::free(bytes);
    return g_no_args;
  }
  g_bootstrap = channel;
  auto parsed = StartupMessage::parse(bytes, got.bytes, got.handles);
  if (!parsed.ok()) {
    for (u32 i = 0; i < got.handles; ++i) (void)handle_close(handles[i]);
    std::free(bytes);
    return g_no_args;
  }
  const StartupMessage& m = parsed.value();
  for (u32 i = 0; i < got.handles; ++i) g_slots[i] = StartupSlot{handles[i], m.handle_info(i)};
  g_slot_count = got.handles;
  runtime::cwd_init(m.cwd());
  // argv[argc] and envp[envc] are NULL, as C wants.
  u32 count = m.argc() + m.envc();
  auto** strings = static_cast<const char**>(std::malloc((count + 2) * sizeof(char*)));
  if (strings == nullptr) return g_no_args;
  const char** scratch = strings + 1;  // filled argv..envp, then shifted to leave the NULL between
  m.strings(scratch);
  for (u32 i = 0; i < m.argc(); ++i) strings[i] = scratch[i];
  strings[m.argc()] = nullptr;
  strings[count + 1] = nullptr;
  *argc = int(m.argc());
  return const_cast<char**>(strings);
}

}  // namespace

Handle startup_handle(StartupHandleKind kind, u32 arg) {
  for (u32 i = 0; i < g_slot_count; ++i) {
    if (g_slots[i].handle != kInvalidHandle && g_slots[i].info.kind == kind && g_slots[i].info.arg == arg)
      return std::exchange(g_slots[i].handle, kInvalidHandle);
  }
  return kInvalidHandle;
}

Handle startup_handle_any(StartupHandleKind kind, u32* arg) {
  for (u32 i = 0; i < g_slot_count; ++i) {
    if (g_slots[i].handle != kInvalidHandle && g_slots[i].info.kind == kind) {
      *arg = g_slots[i].info.arg;
      return std::exchange(g_slots[i].handle, kInvalidHandle);
    }
  }
  return kInvalidHandle;
}

u64 startup_arg() { return g_arg; }
Handle kernel_given_self() { return g_arg1 != 0 && g_arg1 <= 0xffffffffu ? Handle(g_arg1) : kInvalidHandle; }
bool has_startup_message() { return g_bootstrap != kInvalidHandle; }
Handle bootstrap_channel() { return g_bootstrap; }

Status send_startup_message(Handle channel, const StartupBuilder& builder, u32 size) {
  return channel_write(channel, 0, builder.bytes(), size, builder.handles(), builder.handle_count());
}

}  // namespace koios

extern "C" [[noreturn]] void koios_runtime_start(koios::u64 arg, koios::u64 arg1) {
  using namespace koios;
  g_arg = arg;
  g_arg1 = arg1;   // the kernel's programs get a handle to themselves here; koios::spawn passes 0
  int argc = 0;
  char** argv = g_no_args;
  // A value above 32 bits cannot be a handle; anything else is tried as a channel.
  if (arg != 0 && arg <= 0xffffffffu) argv = read_startup_message(Handle(arg), &argc);
  char** envp = argv + argc + 1;
  if (argv == g_no_args) envp = g_no_args;
  environ = envp;
  runtime::fd_init();
  __libc_init_array();
  std::exit(main(argc, argv, envp));
}
