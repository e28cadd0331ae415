// kernel/object/job.h: a node of the process tree (after Zircon's Job). A job owns the processes
// created in it and its child jobs; killing a job kills everything under it, which is how pidsrv
// ends a PID namespace whose init died. The root job is made at boot and handed only to init.
//
// Ownership: a child (process or job) holds a reference to its parent, so a job lives while
// anything under it does; the parent lists its children with plain pointers, and a child leaves
// the list (under the parent's lock) when it ends, before its last reference can go. So a listed
// child is always alive, and kill() can take a reference to it under the lock.
#pragma once

#include <atomic>

#include "kernel/object/exception_channel.h"
#include "kernel/object/object.h"

namespace kernel {

class Process;

class Job final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Job;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Manage;
  // Deeper than PID namespaces may nest (32), with room for the jobs a server puts around them.
  static constexpr koios::u32 kMaxDepth = 64;

  // The one root job, made on first use (boot); never dies.
  static Job& root();
  // A child of `parent`: BadState once the parent was killed, OutOfRange past kMaxDepth.
  static koios::Result<RefPtr<Job>> create_child(const RefPtr<Job>& parent);
  explicit Job(RefPtr<Job> parent);  // use create_child()
  ~Job() override;

  // Kills every process and job under this one, and refuses new children from now on.
  void kill();
  bool killed() const;
  Job* parent() const { return parent_.get(); }

  // For Process: join (BadState once killed) and leave the list of this job's processes.
  koios::Status add_process(Process* process);
  void remove_process(Process* process);

  ExceptionChannel& exception_channel() { return exception_channel_; }
  koios::u32 process_count() const;
  koios::u32 child_job_count() const;

 protected:
  void on_zero_handles() override;

 private:
  void remove_child_job(Job* child);
  bool kill_own_processes();
  // A job with nothing under it that was killed or has no handles is done: it leaves its parent
  // and asserts Terminated. Entered with lock() held; returns with it released. Idempotent.
  void finish_if_empty_locked();

  RefPtr<Job> parent_;
  ExceptionChannel exception_channel_;
  koios::u32 depth_ = 0;
  bool killed_ = false;
  std::atomic<bool> killed_flag_{false};  // killed_, readable without the lock (by the parent's kill)
  bool finished_ = false;
  // Guarded by lock().
  Process* first_process_ = nullptr;
  Job* first_child_ = nullptr;
  Job* next_sibling_ = nullptr;   // guarded by the parent's lock
  koios::u32 processes_ = 0, children_ = 0;

  friend class Process;
};

}  // namespace kernel
