// kernel/syscalls/install.h: handing fresh objects to the caller. Every *_create shares one shape:
// install the handles, report them, and if reporting fails close them again, so no handle is ever
// created unreported.
#pragma once

#include "kernel/syscalls/dispatch.h"

namespace kernel {

inline koios::Status install_handle(KernelHandle handle, UserPtr<koios::Handle> out) {
  koios::Handle value = TRY(current_handles().add(std::move(handle)));
  if (koios::Status s = out.copy_out(&value); s != koios::Status::Ok) {
    (void)current_handles().close(value);
    return s;
  }
  return koios::Status::Ok;
}

template <typename T>
koios::Status install_one(RefPtr<T> object, UserPtr<koios::Handle> out) {
  return install_handle(KernelHandle(std::move(object), T::kDefaultRights), out);
}

// Two fresh handles reported together: both or neither.
inline koios::Status install_two(KernelHandle a, KernelHandle b, UserPtr<koios::Handle> out0,
                                 UserPtr<koios::Handle> out1) {
  koios::Handle first = TRY(current_handles().add(std::move(a)));
  auto second = current_handles().add(std::move(b));
  if (!second.ok()) {
    (void)current_handles().close(first);
    return second.status();
  }
  koios::Status s = out0.copy_out(&first);
  if (s == koios::Status::Ok) s = out1.copy_out(&second.value());
  if (s != koios::Status::Ok) {
    (void)current_handles().close(first);
    (void)current_handles().close(second.value());
  }
  return s;
}

template <typename T>
koios::Status install_pair(PeerPair<T> pair, UserPtr<koios::Handle> out0, UserPtr<koios::Handle> out1) {
  return install_two(KernelHandle(std::move(pair.first), T::kDefaultRights),
                     KernelHandle(std::move(pair.second), T::kDefaultRights), out0, out1);
}

// A name argument (process_create, thread_create): at most max - 1 bytes are kept (longer names
// are cut, as Zircon does), NUL-terminated, and anything but printable ASCII becomes '?' (names
// reach the kernel log and the console).
inline koios::Status copy_name_in(UserPtr<const char> name, koios::u32 size, char* out, koios::usize max) {
  koios::usize n = size < max - 1 ? size : max - 1;
  if (n > 0) TRY(name.copy_in(out, n));
  out[n] = 0;
  for (koios::usize i = 0; i < n; ++i)
    if (out[i] == 0) break;
    else if (out[i] < 0x20 || out[i] > 0x7e) out[i] = '?';
  return koios::Status::Ok;
}

}  // namespace kernel
