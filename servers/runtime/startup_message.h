// servers/runtime/startup_message.h: building and parsing the start-up message of
// kernel/abi/koios/startup.h. Pure code (no syscalls, no allocation): the runtime parses with it,
// whoever spawns (pidsrv, tests) builds with it, and the host unit tests check both.
#pragma once

#include "koios/handle.h"
#include "koios/result.h"
#include "koios/startup.h"

namespace koios {

// Builds one start-up message into a buffer the caller owns. Arguments first, then environment
// strings, then finish(); handles may be added at any time. The handles are only listed: they
// move when the caller writes the message (send_startup_message in runtime.h, or channel_write
// with bytes() and handles()).
class StartupBuilder {
 public:
  StartupBuilder(void* buffer, u32 capacity) : buffer_(static_cast<u8*>(buffer)), capacity_(capacity) {}

  // OutOfRange when the buffer (or kMaxMessageBytes) is too small; BadState after an add_env (argv
  // comes first) or after finish().
  Status add_arg(const char* arg);
  Status add_env(const char* env);
  // The working directory (an absolute path): after the arguments and environment, at most once;
  // makes it a version 2 message. BadState when set already or after finish(), InvalidArgs when
  // not absolute, OutOfRange as add_arg.
  Status set_cwd(const char* cwd);
  // NoResources beyond kStartupMaxHandles; BadState after finish().
  Status add_handle(Handle handle, StartupHandleKind kind, u32 arg);
  // Lays out the header and the handle records; returns the message size. OutOfRange when they
  // do not fit.
  Result<u32> finish();

  const u8* bytes() const { return buffer_; }
  const Handle* handles() const { return handles_; }
  u32 handle_count() const { return handle_count_; }

 private:
  Status add_string(const char* s);

  u8* buffer_;
  u32 capacity_;
  u32 strings_size_ = 0;   // strings sit at the start of buffer_ until finish() moves them up
  u32 argc_ = 0, envc_ = 0;
  bool finished_ = false;
  bool has_cwd_ = false;
  u32 handle_count_ = 0;
  Handle handles_[kStartupMaxHandles];
  StartupHandleInfo infos_[kStartupMaxHandles];
};

// A parsed start-up message: views into the caller's bytes, which must outlive it.
class StartupMessage {
 public:
  // BadFormat unless the bytes are a whole, consistent start-up message that describes exactly
  // num_handles handles: magic and version, every record and string inside the message, exactly
  // argc + envc NUL-terminated strings (one more in version 2: an absolute cwd) filling strings_size.
  static Result<StartupMessage> parse(const void* bytes, u32 num_bytes, u32 num_handles);

  u32 argc() const { return header_.argc; }
  u32 envc() const { return header_.envc; }
  u32 handle_count() const { return header_.handle_count; }
  StartupHandleInfo handle_info(u32 i) const;
  // Fills out[0 .. argc + envc) with the strings, argv then envp; out needs argc() + envc() slots.
  void strings(const char** out) const;
  // The working directory of a version 2 message, else nullptr.
  const char* cwd() const;

 private:
  StartupHeader header_{};
  const u8* bytes_ = nullptr;
};

}  // namespace koios
