// servers/runtime/owned_handle.h: a handle this code owns (after zx::handle). Move-only; closes its
// handle when it dies, so a handle cannot leak on an early return. release() gives it up, for a
// handle about to move through a channel.
#pragma once

#include <utility>

#include "syscalls.h"

namespace koios {

class OwnedHandle {
 public:
  OwnedHandle() = default;
  explicit OwnedHandle(Handle h) : handle_(h) {}
  OwnedHandle(OwnedHandle&& other) : handle_(other.release()) {}
  OwnedHandle& operator=(OwnedHandle&& other) {
    if (this != &other) reset(other.release());
    return *this;
  }
  OwnedHandle(const OwnedHandle&) = delete;
  OwnedHandle& operator=(const OwnedHandle&) = delete;
  ~OwnedHandle() { reset(); }

  Handle get() const { return handle_; }
  bool valid() const { return handle_ != kInvalidHandle; }
  explicit operator bool() const { return valid(); }
  // The caller now owns the value (it is about to be sent, or handed to code that closes it).
  [[nodiscard]] Handle release() { return std::exchange(handle_, kInvalidHandle); }
  void reset(Handle h = kInvalidHandle) {
    if (handle_ != kInvalidHandle) (void)handle_close(handle_);
    handle_ = h;
  }
  // A new handle to the same object with a subset of the rights.
  Result<OwnedHandle> duplicate(Rights rights) const {
    Handle out = kInvalidHandle;
    TRY(handle_duplicate(handle_, rights, &out));
    return OwnedHandle(out);
  }

 private:
  Handle handle_ = kInvalidHandle;
};

// Both ends of a new channel or socket.
struct OwnedPair {
  OwnedHandle first, second;
};
inline Result<OwnedPair> make_channel() {
  Handle a = kInvalidHandle, b = kInvalidHandle;
  TRY(channel_create(0, &a, &b));
  return OwnedPair{OwnedHandle(a), OwnedHandle(b)};
}
inline Result<OwnedPair> make_socket() {
  Handle a = kInvalidHandle, b = kInvalidHandle;
  TRY(socket_create(0, &a, &b));
  return OwnedPair{OwnedHandle(a), OwnedHandle(b)};
}

}  // namespace koios
