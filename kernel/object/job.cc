// kernel/object/job.cc
#include "kernel/object/job.h"

#include <new>

#include "kernel/object/process.h"

namespace kernel {

Job& Job::root() {
  // Built in place on first use and never destroyed: the one handle-less job that never finishes.
  alignas(Job) static unsigned char storage[sizeof(Job)];
  static Job* root = [] {
    auto* job = new (storage) Job(RefPtr<Job>());
    job->add_ref();  // a reference nobody releases
    return job;
  }();
  return *root;
}

Job::Job(RefPtr<Job> parent) : KernelObject(kType, koios::Signals::None), parent_(std::move(parent)) {
  if (parent_) depth_ = parent_->depth_ + 1;
}

koios::Result<RefPtr<Job>> Job::create_child(const RefPtr<Job>& parent) {
  if (parent->depth_ + 1 > kMaxDepth) return koios::Status::OutOfRange;
  RefPtr<Job> child = TRY(make_ref<Job>(parent));
  Guard guard(parent->lock());
  if (parent->killed_ || parent->finished_) return koios::Status::BadState;
  child->next_sibling_ = parent->first_child_;
  parent->first_child_ = child.get();
  ++parent->children_;
  return child;
}

bool Job::killed() const {
  Guard guard(lock());
  return killed_;
}

koios::u32 Job::process_count() const {
  Guard guard(lock());
  return processes_;
}

koios::u32 Job::child_job_count() const {
  Guard guard(lock());
  return children_;
}

koios::Status Job::add_process(Process* process) {
  Guard guard(lock());
  if (killed_ || finished_) return koios::Status::BadState;
  process->job_next_ = first_process_;
  first_process_ = process;
  ++processes_;
  return koios::Status::Ok;
}

void Job::remove_process(Process* process) {
  lock().lock();
  for (Process** link = &first_process_; *link != nullptr; link = &(*link)->job_next_) {
    if (*link == process) {
      *link = process->job_next_;
      process->job_next_ = nullptr;
      --processes_;
      break;
    }
  }
  finish_if_empty_locked();
}

void Job::remove_child_job(Job* child) {
  lock().lock();
  for (Job** link = &first_child_; *link != nullptr; link = &(*link)->next_sibling_) {
    if (*link == child) {
      *link = child->next_sibling_;
      child->next_sibling_ = nullptr;
      --children_;
      break;
    }
  }
  finish_if_empty_locked();
}

// Entered with lock() held; releases it. A job ends when nothing is under it and either it was
// killed or nobody holds a handle to it any more (nobody could put anything under it again).
void Job::finish_if_empty_locked() {
  bool done = !finished_ && this != &root() && processes_ == 0 && children_ == 0 &&
              (killed_ || handle_count() == 0);
  if (done) {
    finished_ = true;
    update_signals_locked(koios::Signals::None, koios::Signals::Terminated);
  }
  lock().unlock();
  // The parent lists this job with a plain pointer; this job's reference to the parent keeps it
  // alive through the call. Whoever holds the last reference to this job frees it afterwards.
  if (done && parent_) parent_->remove_child_job(this);
}

void Job::on_zero_handles() {
  lock().lock();
  finish_if_empty_locked();
}

// Marks this job killed and kills its processes; true if it was not killed before.
bool Job::kill_own_processes() {
  {
    Guard guard(lock());
    killed_ = true;
    killed_flag_.store(true, std::memory_order_release);
  }
  // One process at a time, each taken by reference under the lock and killed without it. Killing
  // marks it at once, so each is visited once; one being destroyed is skipped (it is leaving).
  for (;;) {
    RefPtr<Process> process;
    {
      Guard guard(lock());
      for (Process* p = first_process_; p != nullptr && !process; p = p->job_next_)
        if (!p->kill_requested()) process = RefPtr<Process>::try_from_listed(p);
    }
    if (!process) break;
    process->kill();
  }
  return true;
}

// Depth first without recursion (jobs nest kMaxDepth deep; kernel stacks are small): go down to
// an unkilled child, kill its processes, and climb back when a job has none left.
void Job::kill() {
  kill_own_processes();
  RefPtr<Job> at = RefPtr<Job>::from_existing(this);
  while (at) {
    RefPtr<Job> child;
    {
      Guard guard(at->lock());
      for (Job* j = at->first_child_; j != nullptr && !child; j = j->next_sibling_)
        if (!j->killed_flag_.load(std::memory_order_acquire)) child = RefPtr<Job>::try_from_listed(j);
    }
    if (child) {
      child->kill_own_processes();
      at = std::move(child);
      continue;
    }
    at->lock().lock();
    at->finish_if_empty_locked();
    if (at.get() == this) break;
    at = at->parent_;
  }
}

Job::~Job() {
  // A job that never had a handle (its creator failed to hand it out) never finished: leave the
  // parent's list now. A listed job being destroyed is skipped by try_from_listed meanwhile.
  if (parent_ && !finished_) parent_->remove_child_job(this);
}

}  // namespace kernel
