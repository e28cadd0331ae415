// kernel/object/message.cc
#include "kernel/object/message.h"

#include <cstring>
#include <new>

namespace kernel {

using koios::Status;
using koios::u32;

koios::Result<OwnPtr<Message>> Message::create(u32 num_bytes, u32 num_handles) {
  if (num_bytes > koios::kMaxMessageBytes || num_handles > koios::kMaxMessageHandles) return Status::OutOfRange;
  OwnPtr<Message> message(new (std::nothrow) Message());
  if (!message) return Status::NoMemory;
  if (num_bytes > 0) {
    message->bytes_ = num_bytes <= kInlineBytes ? message->inline_bytes_ : new (std::nothrow) koios::u8[num_bytes];
    if (message->bytes_ == nullptr) return Status::NoMemory;
    message->num_bytes_ = num_bytes;
  }
  if (num_handles > 0) {
    message->values_ = new (std::nothrow) koios::Handle[num_handles];
    message->handles_ = new (std::nothrow) KernelHandle[num_handles];
    if (message->values_ == nullptr || message->handles_ == nullptr) return Status::NoMemory;
    message->num_handles_ = num_handles;
  }
  return message;
}

koios::Result<OwnPtr<Message>> Message::create(const void* bytes, u32 num_bytes, const koios::Handle* handles,
                                               u32 num_handles) {
  OwnPtr<Message> message = TRY(create(num_bytes, num_handles));
  if (num_bytes > 0) std::memcpy(message->bytes_, bytes, num_bytes);
  if (num_handles > 0) std::memcpy(message->values_, handles, num_handles * sizeof(koios::Handle));
  return message;
}

Message::~Message() {
  delete[] handles_;   // closes any handle still in flight
  delete[] values_;
  if (bytes_ != inline_bytes_) delete[] bytes_;
}

u32 Message::txid() const {
  if (num_bytes_ < sizeof(koios::MessageHeader)) return 0;
  koios::MessageHeader header;
  std::memcpy(&header, bytes_, sizeof(header));
  return header.txid;
}

}  // namespace kernel
