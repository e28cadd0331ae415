// kernel/syscalls/job.cc: job_create.
#include "kernel/object/job.h"
#include "kernel/syscalls/install.h"

namespace kernel {

koios::Status sys_job_create(koios::Handle parent_handle, koios::u32 options, UserPtr<koios::Handle> out) {
  if (options != 0) return koios::Status::InvalidArgs;
  RefPtr<Job> parent = TRY(current_handles().lookup<Job>(parent_handle, koios::Rights::Manage));
  TRY(out.check_writable());
  return install_one(TRY(Job::create_child(parent)), out);
}

}  // namespace kernel
