// kernel/sched/thread.cc
#include "kernel/sched/thread.h"

#include <new>

#include "kernel/sched/scheduler.h"

namespace kernel {
namespace {
std::atomic<koios::u64> g_live_threads{0};

void copy_name(char* out, const char* name) {
  koios::usize i = 0;
  for (; name != nullptr && name[i] != 0 && i + 1 < Thread::kNameMax; ++i) out[i] = name[i];
  out[i] = 0;
}
}  // namespace

koios::Result<Thread*> Thread::create(const char* name, Entry entry, void* arg) {
  if (entry == nullptr) return koios::Status::InvalidArgs;
  auto* t = new (std::nothrow) Thread();
  if (t == nullptr) return koios::Status::NoMemory;
  auto stack = aspace::create_thread_stack();
  if (!stack.ok()) {
    delete t;
    return stack.status();
  }
  copy_name(t->name_, name);
  t->owns_stack_ = true;
  t->stack_low_ = stack.value().low;
  t->stack_top_ = stack.value().top;
  t->entry_ = entry;
  t->arg_ = arg;
  t->context_ = platform::Context::for_new_thread(t->stack_top_, &Thread::start_trampoline, t);
  g_live_threads.fetch_add(1);
  return t;
}

koios::Result<Thread*> Thread::create_user(RefPtr<Process> process, const char* name) {
  if (!process) return koios::Status::InvalidArgs;
  Thread* t = TRY(create(name, &Thread::user_start, nullptr));
  t->arg_ = t;
  t->aspace_ = &process->aspace();
  process->on_core_created();
  t->process_ = std::move(process);
  // The top of the kernel stack holds the user frame (trap.S puts it there on every trap), so the
  // thread's kernel code starts below it. Zeroed: until user_start fills it, it says "no FP state".
  *t->user_frame() = platform::TrapFrame{};
  t->context_ = platform::Context::for_new_thread(t->stack_top_ - sizeof(platform::TrapFrame),
                                                 &Thread::start_trampoline, t);
  return t;
}

void Thread::destroy_unstarted(Thread* t) {
  if (t == nullptr) return;
  aspace::destroy_stack(aspace::KernelStack{t->stack_low_, t->stack_top_});
  delete t;
}

// The first kernel code of a user thread: build the user frame where trap.S keeps it (the top
// of this thread's kernel stack) and leave for user mode. Every later kernel entry is a trap.
void Thread::user_start(void* self) {
  auto* t = static_cast<Thread*>(self);
  auto* frame = reinterpret_cast<platform::TrapFrame*>(t->stack_top_ - sizeof(platform::TrapFrame));
  *frame = platform::make_user_frame(t->user_entry_, t->user_sp_, t->user_arg_);
  frame->x[11] = t->user_arg2_;
  frame->x[12] = t->user_arg3_;
  // Suspended or killed before its first instruction: stop here like at any return to user mode.
  while (t->user_thread_ != nullptr && t->user_thread_->stop_requested()) t->user_thread_->checkpoint(*frame);
  platform_return_to_user(frame);
}

Thread* Thread::adopt_current(Thread* storage, const char* name, koios::u64 stack_low, koios::u64 stack_top) {
  auto* t = new (storage) Thread();
  copy_name(t->name_, name);
  t->state_ = State::Running;
  t->stack_low_ = stack_low;
  t->stack_top_ = stack_top;
  return t;
}

Thread::~Thread() {
  // process_ goes with the thread: its last reference frees the address space, never while a
  // hart still runs on it (threads are destroyed only after being switched away from). Released
  // before the count drops, so "no threads left" implies "their processes are gone too".
  user_thread_ref_ = RefPtr<UserThread>();
  // No hart runs on its page table any more (threads are destroyed only after being switched
  // away from, or never started): the process may release its address space.
  if (process_) process_->on_core_gone();
  process_ = RefPtr<Process>();
  if (owns_stack_) g_live_threads.fetch_sub(1);
}

koios::u64 Thread::live_count() { return g_live_threads.load(); }

}  // namespace kernel
