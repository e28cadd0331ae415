// kernel/object/message.h: one channel message: bytes (at most kMaxMessageBytes) and handles (at
// most kMaxMessageHandles). Built by the writer (the syscall copies bytes and handle values in),
// then owned by the receiving channel end's queue, then by the reader until its bytes and handle
// values are copied out. Handles in a message count as handles of their objects; a message that
// dies unread closes them.
#pragma once

#include "kernel/lib/own_ptr.h"
#include "kernel/object/handle.h"
#include "koios/channel.h"
#include "koios/handle.h"
#include "koios/result.h"

namespace kernel {

class Message {
 public:
  // Room for the bytes and the handle values, both uninitialised. OutOfRange above the limits,
  // NoMemory.
  static koios::Result<OwnPtr<Message>> create(koios::u32 num_bytes, koios::u32 num_handles);
  // The same, filled from kernel memory (tests and kernel-made messages such as exceptions).
  static koios::Result<OwnPtr<Message>> create(const void* bytes, koios::u32 num_bytes, const koios::Handle* handles,
                                               koios::u32 num_handles);
  ~Message();
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  koios::u8* bytes() { return bytes_; }
  const koios::u8* bytes() const { return bytes_; }
  koios::u32 num_bytes() const { return num_bytes_; }
  koios::u32 num_handles() const { return num_handles_; }
  // Writer side: the values to move out of the writer's table. Reader side: the values the
  // reader's table gave the handles.
  koios::Handle* handle_values() { return values_; }
  const koios::Handle* handle_values() const { return values_; }
  // The capabilities themselves while in flight.
  KernelHandle* handles() { return handles_; }
  // The txid of the MessageHeader the bytes start with, 0 if shorter than a header.
  koios::u32 txid() const;

  // Whether create(num_bytes, num_handles) would give a message with no storage of its own (bytes
  // inside, no handles): such a message can be used again for another one (see Channel's spare).
  static bool fits_inline(koios::u32 num_bytes, koios::u32 num_handles) {
    return num_bytes <= kInlineBytes && num_handles == 0;
  }
  bool is_inline() const { return handles_ == nullptr && values_ == nullptr && (bytes_ == nullptr || bytes_ == inline_bytes_); }
  // Makes an is_inline() message a fresh one of num_bytes (fits_inline) with uninitialised bytes.
  void reuse(koios::u32 num_bytes) {
    bytes_ = num_bytes > 0 ? inline_bytes_ : nullptr;
    num_bytes_ = num_bytes;
    next_ = nullptr;
  }

 private:
  friend class Channel;
  Message() = default;

  // Small payloads (the usual RPC) live inside the message: one allocation instead of two.
  static constexpr koios::u32 kInlineBytes = 64;
  koios::u8 inline_bytes_[kInlineBytes];
  koios::u8* bytes_ = nullptr;
  koios::Handle* values_ = nullptr;
  KernelHandle* handles_ = nullptr;
  koios::u32 num_bytes_ = 0;
  koios::u32 num_handles_ = 0;
  Message* next_ = nullptr;          // the channel queue's link
};

}  // namespace kernel
