// kernel/syscalls/object_info.cc: object_get_info, one record per topic (koios/object_info.h says
// the rules: Inspect, WrongType for a topic of another type, BufferTooSmall with actual/avail).
#include "kernel/object/process.h"
#include "kernel/object/resource.h"
#include "kernel/object/user_thread.h"
#include "kernel/syscalls/dispatch.h"
#include "kernel/vm/pmm.h"
#include "koios/object_info.h"

namespace kernel {

using koios::Handle;
using koios::InfoTopic;
using koios::Rights;
using koios::Status;

namespace {

// Everything a topic may answer; the topic picks one member.
union Record {
  koios::InfoBasic basic;
  koios::InfoHandleCount handle_count;
  koios::InfoProcessHandles process_handles;
  koios::InfoProcess process;
  koios::InfoProcessMemory process_memory;
  koios::InfoKernelCounts kernel_counts;
  koios::InfoThread thread;
  koios::InfoThreadStats thread_stats;
};

koios::InfoProcess process_info(const Process& process) {
  koios::InfoProcess info{koios::ProcessState::Running, koios::ProcessExitReason::None, 0, 0};
  switch (process.state()) {
    case Process::State::Dead: info.state = koios::ProcessState::Exited; break;
    case Process::State::Dying: info.state = koios::ProcessState::Dying; break;
    default: return info;
  }
  info.exit_reason = process.exit_reason();
  if (info.exit_reason == koios::ProcessExitReason::Exited) info.return_code = process.return_code();
  if (info.exit_reason == koios::ProcessExitReason::Fault) info.fault_cause = process.fault_cause();
  return info;
}

// Fills `out` for the topic; *size is the record's size. Changes nothing.
Status gather(InfoTopic topic, const HandleTable::Entry& entry, Record* out, koios::u64* size) {
  KernelObject& object = *entry.object;
  auto* process = object.type() == Process::kType ? static_cast<Process*>(&object) : nullptr;
  switch (topic) {
    case InfoTopic::Basic:
      out->basic = {object.koid(), object.related_koid(), object.type(), entry.rights};
      *size = sizeof out->basic;
      return Status::Ok;
    case InfoTopic::HandleCount:
      out->handle_count = {object.handle_count()};
      *size = sizeof out->handle_count;
      return Status::Ok;
    case InfoTopic::ProcessHandles:
      if (process == nullptr) return Status::WrongType;
      out->process_handles = {process->handles().count(), process->handles().quota()};
      *size = sizeof out->process_handles;
      return Status::Ok;
    case InfoTopic::Process:
      if (process == nullptr) return Status::WrongType;
      out->process = process_info(*process);
      *size = sizeof out->process;
      return Status::Ok;
    case InfoTopic::ProcessMemory: {
      if (process == nullptr) return Status::WrongType;
      out->process_memory = {process->aspace().mapped_bytes(), process->aspace().resident_pages()};
      *size = sizeof out->process_memory;
      return Status::Ok;
    }
    case InfoTopic::Thread:
      if (object.type() != UserThread::kType) return Status::WrongType;
      out->thread = {static_cast<UserThread&>(object).state(), 0};
      *size = sizeof out->thread;
      return Status::Ok;
    case InfoTopic::ThreadStats: {
      if (object.type() != UserThread::kType) return Status::WrongType;
      koios::u64 total = 0, system = 0;
      static_cast<UserThread&>(object).cpu_time(&total, &system);
      if (system > total) system = total;  // the in-kernel part is closed at a later instant
      koios::u64 total_ns = platform::ticks_to_ns(total), system_ns = platform::ticks_to_ns(system);
      out->thread_stats = {total_ns, system_ns, total_ns - system_ns};
      *size = sizeof out->thread_stats;
      return Status::Ok;
    }
    case InfoTopic::KernelCounts: {
      if (object.type() != Resource::kType) return Status::WrongType;
      if (!static_cast<Resource&>(object).covers(koios::ResourceKind::Info)) return Status::AccessDenied;
      koios::u64 total = pmm::total_page_count(), free = pmm::free_page_count();
      out->kernel_counts = {KernelObject::live_count(), Thread::live_count(), total, free, total - free,
                            UserAspace::live_pages()};
      *size = sizeof out->kernel_counts;
      return Status::Ok;
    }
  }
  return Status::InvalidArgs;
}

}  // namespace

Status sys_object_get_info(Handle handle, koios::u32 topic, UserPtr<void> buffer, koios::u64 buffer_size,
                           UserPtr<koios::u64> actual, UserPtr<koios::u64> avail) {
  auto entry = TRY(current_handles().lookup_any(handle, Rights::Inspect));
  Record record;
  koios::u64 size = 0;
  TRY(gather(static_cast<InfoTopic>(topic), entry, &record, &size));
  if (!actual.is_null()) TRY(actual.check_writable());
  if (!avail.is_null()) TRY(avail.check_writable());
  koios::u64 one = 1, zero = 0;
  if (!avail.is_null()) TRY(avail.copy_out(&one));
  if (buffer_size < size) {
    if (!actual.is_null()) TRY(actual.copy_out(&zero));
    return Status::BufferTooSmall;
  }
  TRY(buffer.copy_out(&record, size));
  if (!actual.is_null()) TRY(actual.copy_out(&one));
  return Status::Ok;
}

}  // namespace kernel
