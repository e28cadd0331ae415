// kernel/object/exception_channel.cc
#include "kernel/object/exception_channel.h"

#include <cstring>

namespace kernel {

koios::Status ExceptionChannel::create(KernelHandle* out) {
  {
    Guard guard(lock_);
    if (kernel_end_ && kernel_end_->peer_alive()) return koios::Status::AlreadyExists;
  }
  auto pair = TRY(Channel::create());
  RefPtr<Channel> old;  // dropped after the lock: dropping may close handles in its queue
  {
    Guard guard(lock_);
    // Checked again: another thread may have bound one meanwhile.
    if (kernel_end_ && kernel_end_->peer_alive()) return koios::Status::AlreadyExists;
    old = std::move(kernel_end_);
    kernel_end_ = std::move(pair.first);
  }
  // The handler's end may be passed on (a debugger hands it to a helper), so Transfer is kept.
  *out = KernelHandle(std::move(pair.second), kHandlerRights);
  return koios::Status::Ok;
}

void ExceptionChannel::reset() {
  RefPtr<Channel> old;
  {
    Guard guard(lock_);
    old = std::move(kernel_end_);
  }
}

koios::Result<RefPtr<Channel>> ExceptionChannel::deliver(const koios::ExceptionReport& report, KernelHandle thread) {
  RefPtr<Channel> end;
  {
    Guard guard(lock_);
    end = kernel_end_;
  }
  if (!end || !end->peer_alive()) return koios::Status::NotFound;
  OwnPtr<Message> message = TRY(Message::create(sizeof report, 1));
  std::memcpy(message->bytes(), &report, sizeof report);
  message->handles()[0] = std::move(thread);
  if (end->write_from_kernel(std::move(message)) != koios::Status::Ok) return koios::Status::NotFound;
  return end;
}

}  // namespace kernel
