// kernel/syscalls/socket.cc: the socket_* handlers. Data passes through a small buffer on the
// kernel stack, a chunk at a time, so a large write never holds the socket's lock for long.
#include "kernel/object/socket.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Handle;
using koios::Rights;
using koios::Status;

namespace {
constexpr koios::usize kChunk = 512;
}

Status sys_socket_write(Handle handle, koios::u32 options, UserPtr<const void> buffer, koios::u64 size,
                        UserPtr<koios::u64> actual) {
  if (options != 0) return Status::InvalidArgs;
  if (!actual.is_null()) TRY(actual.check_writable());
  auto socket = TRY(current_handles().lookup<Socket>(handle, Rights::Write));
  koios::u64 done = 0;
  Status status = Status::Ok;
  koios::u8 chunk[kChunk];
  while (done < size) {
    koios::usize n = size - done < kChunk ? koios::usize(size - done) : kChunk;
    Status s = UserPtr<const void>(buffer.address() + done).copy_in(chunk, n);
    if (s != Status::Ok) {
      if (done == 0) status = s;
      break;
    }
    koios::usize written = 0;
    s = socket->write(chunk, n, &written);
    done += written;
    if (s != Status::Ok) {
      if (done == 0) status = s;  // ShouldWait or PeerClosed only when nothing went
      break;
    }
    if (written < n) break;  // full: a short write
  }
  if (!actual.is_null()) TRY(actual.copy_out(&done));
  return status;
}

Status sys_socket_read(Handle handle, koios::u32 options, UserPtr<void> buffer, koios::u64 size,
                       UserPtr<koios::u64> actual) {
  if (options != 0) return Status::InvalidArgs;
  if (!actual.is_null()) TRY(actual.check_writable());
  auto socket = TRY(current_handles().lookup<Socket>(handle, Rights::Read));
  // Check the whole buffer first: bytes taken from the socket must reach the caller.
  TRY(buffer.check_writable(size));
  koios::u64 done = 0;
  Status status = Status::Ok;
  koios::u8 chunk[kChunk];
  while (done < size) {
    koios::usize n = size - done < kChunk ? koios::usize(size - done) : kChunk;
    koios::usize got = 0;
    Status s = socket->read(chunk, n, &got);
    if (s != Status::Ok) {
      if (done == 0) status = s;
      break;
    }
    TRY(UserPtr<void>(buffer.address() + done).copy_out(chunk, got));
    done += got;
    if (got < n) break;  // drained
  }
  if (!actual.is_null()) TRY(actual.copy_out(&done));
  return status;
}

}  // namespace kernel
