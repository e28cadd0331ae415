// kernel/syscalls/futex.cc: the futex_* handlers. A futex is a 4-byte aligned word in the
// caller's address space; the table (kernel/sched/futex.h) keys it by (address space, address).
#include "kernel/sched/blocking.h"
#include "kernel/sched/futex.h"
#include "kernel/syscalls/dispatch.h"

namespace kernel {

using koios::Status;

namespace {

// InvalidArgs unless the word is aligned and inside the user range.
Status check_word(koios::u64 address) {
  if (address % sizeof(koios::u32) != 0) return Status::InvalidArgs;
  if (address < platform::kUserBase || address > platform::kUserTop - sizeof(koios::u32)) return Status::InvalidArgs;
  return Status::Ok;
}

Futex::Key key_of(koios::u64 address) { return Futex::Key{Scheduler::current()->user_aspace(), address}; }

Status read_user_word(void* context, koios::u32* value) {
  return static_cast<const UserPtr<const koios::u32>*>(context)->copy_in(value);
}

}  // namespace

Status sys_futex_wait(UserPtr<const koios::u32> value_ptr, koios::u32 current_value, koios::i64 deadline) {
  TRY(check_word(value_ptr.address()));
  return Futex::wait(key_of(value_ptr.address()), current_value, read_user_word, &value_ptr, deadline_ns(deadline));
}

Status sys_futex_wake(UserPtr<const koios::u32> value_ptr, koios::u32 count) {
  TRY(check_word(value_ptr.address()));
  (void)Futex::wake(key_of(value_ptr.address()), count);
  return Status::Ok;
}

}  // namespace kernel
