// tests/user/resources.cc: resources (console, power, info, root), the console and power syscalls'
// error paths, and every object_get_info topic. Each failed check returns its own exit code, so the
// kernel's self-test (tests/kernel/resource_test.cc) names the broken rule.
//
// a0 = 0: run without any resource (the negative run). Otherwise a0 is a channel whose one message
// carries, in order: the root resource, this process, a process that returned 7 (hello) and one
// killed by a store page fault (fault). It never calls console_read with a size above 0 on a valid
// resource: that would take console input from the monitor for the rest of the boot.
#include "user_lib.h"

using koios::Handle;
using koios::InfoTopic;
using koios::ResourceKind;
using koios::Rights;
using koios::Signals;
using koios::Status;

namespace {

int failed_check = 0;
#define EXPECT(n, cond)                   \
  do {                                    \
    if (!(cond)) return failed_check = n; \
  } while (0)

const void* const kKernelAddress = reinterpret_cast<const void*>(0x80200000);

koios::u32 topic(InfoTopic t) { return static_cast<koios::u32>(t); }

// Without a resource, every privileged call is refused: BadHandle, then WrongType for an event.
int run_without_resource() {
  Handle event = 0;
  EXPECT(200, koios::event_create(0, &event) == Status::Ok);
  char c = 'x';
  koios::u64 got = 0;
  EXPECT(201, koios::console_write(0, "x", 1) == Status::BadHandle);
  EXPECT(202, koios::console_read(0, &c, 1, &got) == Status::BadHandle);
  EXPECT(203, koios::system_shutdown(0, 0) == Status::BadHandle);
  EXPECT(204, koios::system_shutdown(0x12345678, 0) == Status::BadHandle);
  Handle out = 0;
  EXPECT(205, koios::resource_create(0, ResourceKind::Console, 0, &out) == Status::BadHandle);
  EXPECT(210, koios::console_write(event, "x", 1) == Status::WrongType);
  EXPECT(211, koios::console_read(event, &c, 1, &got) == Status::WrongType);
  EXPECT(212, koios::system_shutdown(event, 0) == Status::WrongType);
  EXPECT(213, koios::resource_create(event, ResourceKind::Console, 0, &out) == Status::WrongType);
  // Kernel-wide counts need a resource that covers Info: an event is the wrong type.
  koios::InfoKernelCounts counts;
  EXPECT(214, koios::object_get_info(event, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                     nullptr) == Status::WrongType);
  EXPECT(215, koios::object_get_info(0, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                     nullptr) == Status::BadHandle);
  return 0;
}

int check_resources(Handle root) {
  // Deriving: narrower is fine, with the parent's rights; wider or sideways is refused.
  Handle console = 0, power = 0, info = 0, again = 0;
  EXPECT(10, koios::resource_create(root, ResourceKind::Console, 0, &console) == Status::Ok);
  EXPECT(11, koios::resource_create(root, ResourceKind::Power, 0, &power) == Status::Ok);
  EXPECT(12, koios::resource_create(root, ResourceKind::Info, 0, &info) == Status::Ok);
  EXPECT(13, koios::resource_create(console, ResourceKind::Root, 0, &again) == Status::AccessDenied);
  EXPECT(14, koios::resource_create(console, ResourceKind::Power, 0, &again) == Status::AccessDenied);
  EXPECT(15, koios::resource_create(power, ResourceKind::Console, 0, &again) == Status::AccessDenied);
  EXPECT(16, koios::resource_create(root, static_cast<ResourceKind>(0), 0, &again) == Status::InvalidArgs);
  EXPECT(17, koios::resource_create(root, static_cast<ResourceKind>(99), 0, &again) == Status::InvalidArgs);
  EXPECT(18, koios::resource_create(root, ResourceKind::Console, 1, &again) == Status::InvalidArgs);
  EXPECT(19, koios::resource_create(root, ResourceKind::Console, 0, reinterpret_cast<Handle*>(0x80200000)) ==
                 Status::InvalidArgs);
  EXPECT(20, koios::resource_create(console, ResourceKind::Console, 0, &again) == Status::Ok);
  EXPECT(21, koios::handle_close(again) == Status::Ok);
  koios::InfoBasic basic;
  EXPECT(22, koios::object_get_info(console, topic(InfoTopic::Basic), &basic, sizeof basic, nullptr, nullptr) ==
                 Status::Ok);
  EXPECT(23, basic.type == koios::ObjectType::Resource);
  // A handle lacking Manage cannot derive; the derived handle keeps the parent's fewer rights.
  Handle weak_root = 0, weak_console = 0;
  EXPECT(24, koios::handle_duplicate(root, Rights::Write | Rights::Inspect | Rights::Duplicate, &weak_root) ==
                 Status::Ok);
  EXPECT(25, koios::resource_create(weak_root, ResourceKind::Console, 0, &again) == Status::AccessDenied);
  Handle no_read_root = 0;
  EXPECT(26, koios::handle_duplicate(root, Rights::Manage | Rights::Write | Rights::Inspect, &no_read_root) ==
                 Status::Ok);
  EXPECT(27, koios::resource_create(no_read_root, ResourceKind::Console, 0, &weak_console) == Status::Ok);
  EXPECT(28, koios::object_get_info(weak_console, topic(InfoTopic::Basic), &basic, sizeof basic, nullptr,
                                    nullptr) == Status::Ok);
  EXPECT(29, basic.rights == (Rights::Manage | Rights::Write | Rights::Inspect));

  // console_write: console or root; not power; Write needed; bounded; a bad buffer writes nothing.
  static const char line[] = "resources: console_write works\n";
  EXPECT(30, koios::console_write(console, line, sizeof line - 1) == Status::Ok);
  static const char root_line[] = "resources: the root resource covers the console\n";
  EXPECT(31, koios::console_write(root, root_line, sizeof root_line - 1) == Status::Ok);
  EXPECT(32, koios::console_write(power, line, sizeof line - 1) == Status::AccessDenied);
  EXPECT(33, koios::console_write(info, line, sizeof line - 1) == Status::AccessDenied);
  Handle read_only_console = 0;
  EXPECT(34, koios::handle_duplicate(console, Rights::Read, &read_only_console) == Status::Ok);
  EXPECT(35, koios::console_write(read_only_console, line, 1) == Status::AccessDenied);
  EXPECT(36, koios::console_write(console, line, koios::kConsoleWriteMax + 1) == Status::OutOfRange);
  EXPECT(37, koios::console_write(console, kKernelAddress, 4) == Status::InvalidArgs);
  EXPECT(38, koios::console_write(console, line, 0) == Status::Ok);

  // console_read's refusals (none takes the console): wrong kind, missing Read, bad buffers.
  char c = 0;
  koios::u64 got = 99;
  EXPECT(40, koios::console_read(power, &c, 1, &got) == Status::AccessDenied);
  EXPECT(41, koios::console_read(weak_console, &c, 1, &got) == Status::AccessDenied);  // no Read
  EXPECT(42, koios::console_read(console, reinterpret_cast<void*>(0x80200000), 4, &got) == Status::InvalidArgs);
  EXPECT(43, koios::console_read(console, &c, 1, reinterpret_cast<koios::u64*>(0x80200000)) == Status::InvalidArgs);
  EXPECT(44, koios::console_read(console, &c, 0, &got) == Status::Ok && got == 0);

  // system_shutdown's refusals: the console resource is the wrong kind; codes are one byte.
  Handle event = 0;
  EXPECT(50, koios::event_create(0, &event) == Status::Ok);
  EXPECT(51, koios::system_shutdown(console, 0) == Status::AccessDenied);
  EXPECT(52, koios::system_shutdown(info, 0) == Status::AccessDenied);
  EXPECT(53, koios::system_shutdown(event, 0) == Status::WrongType);
  EXPECT(54, koios::system_shutdown(power, 256) == Status::InvalidArgs);
  Handle power_no_manage = 0;
  EXPECT(55, koios::handle_duplicate(power, Rights::Inspect, &power_no_manage) == Status::Ok);
  EXPECT(56, koios::system_shutdown(power_no_manage, 0) == Status::AccessDenied);

  // Kernel-wide counts: root and info answer; console, power and a handle without Inspect do not.
  koios::InfoKernelCounts counts;
  koios::u64 actual = 99, avail = 99;
  EXPECT(60, koios::object_get_info(info, topic(InfoTopic::KernelCounts), &counts, sizeof counts, &actual, &avail) ==
                 Status::Ok);
  EXPECT(61, actual == 1 && avail == 1);
  EXPECT(62, counts.live_objects >= 5 && counts.threads >= 1 && counts.pages_total > counts.pages_free &&
                 counts.pages_used == counts.pages_total - counts.pages_free && counts.user_pages > 0);
  EXPECT(63, koios::object_get_info(root, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                    nullptr) == Status::Ok);
  EXPECT(64, koios::object_get_info(console, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                    nullptr) == Status::AccessDenied);
  EXPECT(65, koios::object_get_info(power, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                    nullptr) == Status::AccessDenied);
  EXPECT(66, koios::object_get_info(event, topic(InfoTopic::KernelCounts), &counts, sizeof counts, nullptr,
                                    nullptr) == Status::WrongType);
  EXPECT(67, koios::object_get_info(power_no_manage, topic(InfoTopic::KernelCounts), &counts, sizeof counts,
                                    nullptr, nullptr) == Status::AccessDenied);  // power, not info
  EXPECT(68, koios::object_get_info(info, topic(InfoTopic::KernelCounts), &counts, sizeof counts - 1, &actual,
                                    &avail) == Status::BufferTooSmall);
  EXPECT(69, actual == 0 && avail == 1);
  return 0;
}

int check_process_topics(Handle self, Handle returned_7, Handle faulted) {
  koios::u64 actual = 99, avail = 99;
  Handle event = 0;
  EXPECT(100, koios::event_create(0, &event) == Status::Ok);

  // Basic and HandleCount answer for any object.
  koios::InfoBasic basic;
  EXPECT(101, koios::object_get_info(self, topic(InfoTopic::Basic), &basic, sizeof basic, &actual, &avail) ==
                  Status::Ok);
  EXPECT(102, basic.type == koios::ObjectType::Process && basic.koid != 0 && actual == 1 && avail == 1);
  EXPECT(103, koios::object_get_info(self, topic(InfoTopic::Basic), &basic, sizeof basic - 1, &actual, &avail) ==
                  Status::BufferTooSmall);
  EXPECT(104, actual == 0 && avail == 1);
  koios::InfoHandleCount count;
  EXPECT(105, koios::object_get_info(event, topic(InfoTopic::HandleCount), &count, sizeof count, nullptr,
                                     nullptr) == Status::Ok);
  EXPECT(106, count.handle_count == 1);
  Handle event2 = 0;
  EXPECT(107, koios::handle_duplicate(event, Rights::SameRights, &event2) == Status::Ok);
  EXPECT(108, koios::object_get_info(event2, topic(InfoTopic::HandleCount), &count, sizeof count, nullptr,
                                     nullptr) == Status::Ok);
  EXPECT(109, count.handle_count == 2);
  EXPECT(110, koios::object_get_info(event, topic(InfoTopic::HandleCount), &count, 3, &actual, &avail) ==
                  Status::BufferTooSmall);

  // ProcessHandles: the handles in this process's own table move with every create and close.
  koios::InfoProcessHandles handles, handles_after;
  EXPECT(120, koios::object_get_info(self, topic(InfoTopic::ProcessHandles), &handles, sizeof handles, nullptr,
                                     nullptr) == Status::Ok);
  EXPECT(121, handles.handle_count >= 6 && handles.quota >= handles.handle_count);
  EXPECT(122, koios::handle_close(event2) == Status::Ok);
  EXPECT(123, koios::object_get_info(self, topic(InfoTopic::ProcessHandles), &handles_after, sizeof handles_after,
                                     nullptr, nullptr) == Status::Ok);
  EXPECT(124, handles_after.handle_count == handles.handle_count - 1);
  EXPECT(125, koios::object_get_info(event, topic(InfoTopic::ProcessHandles), &handles, sizeof handles, nullptr,
                                     nullptr) == Status::WrongType);
  EXPECT(126, koios::object_get_info(self, topic(InfoTopic::ProcessHandles), &handles, 4, &actual, &avail) ==
                  Status::BufferTooSmall);

  // Process: state and how it ended.
  koios::InfoProcess info;
  EXPECT(130, koios::object_get_info(self, topic(InfoTopic::Process), &info, sizeof info, nullptr, nullptr) ==
                  Status::Ok);
  EXPECT(131, info.state == koios::ProcessState::Running && info.exit_reason == koios::ProcessExitReason::None);
  EXPECT(132, koios::object_get_info(returned_7, topic(InfoTopic::Process), &info, sizeof info, nullptr,
                                     nullptr) == Status::Ok);
  EXPECT(133, info.state == koios::ProcessState::Exited && info.exit_reason == koios::ProcessExitReason::Exited &&
                  info.return_code == 7 && info.fault_cause == 0);
  EXPECT(134, koios::object_get_info(faulted, topic(InfoTopic::Process), &info, sizeof info, nullptr, nullptr) ==
                  Status::Ok);
  EXPECT(135, info.state == koios::ProcessState::Exited && info.exit_reason == koios::ProcessExitReason::Fault &&
                  info.fault_cause == 15);  // a store page fault
  EXPECT(136, koios::object_get_info(event, topic(InfoTopic::Process), &info, sizeof info, nullptr, nullptr) ==
                  Status::WrongType);
  EXPECT(137, koios::object_get_info(self, topic(InfoTopic::Process), &info, sizeof info - 1, &actual, &avail) ==
                  Status::BufferTooSmall);
  EXPECT(138, actual == 0 && avail == 1);

  // ProcessMemory: this process maps its code, data and a 64 KiB stack, and has touched some.
  koios::InfoProcessMemory memory;
  EXPECT(140, koios::object_get_info(self, topic(InfoTopic::ProcessMemory), &memory, sizeof memory, nullptr,
                                     nullptr) == Status::Ok);
  EXPECT(141, memory.mapped_bytes >= (16 + 1) * 4096 && memory.resident_pages >= 2 &&
                  memory.resident_pages * 4096 <= memory.mapped_bytes);
  EXPECT(142, koios::object_get_info(event, topic(InfoTopic::ProcessMemory), &memory, sizeof memory, nullptr,
                                     nullptr) == Status::WrongType);
  EXPECT(143, koios::object_get_info(self, topic(InfoTopic::ProcessMemory), &memory, 8, &actual, &avail) ==
                  Status::BufferTooSmall);

  // Inspect is needed; unknown topics and bad pointers are refused.
  Handle blind = 0;
  EXPECT(150, koios::handle_duplicate(self, Rights::Manage, &blind) == Status::Ok);
  EXPECT(151, koios::object_get_info(blind, topic(InfoTopic::Basic), &basic, sizeof basic, nullptr, nullptr) ==
                  Status::AccessDenied);
  EXPECT(152, koios::object_get_info(self, 0, &basic, sizeof basic, nullptr, nullptr) == Status::InvalidArgs);
  EXPECT(153, koios::object_get_info(self, 77, &basic, sizeof basic, nullptr, nullptr) == Status::InvalidArgs);
  EXPECT(154, koios::object_get_info(self, topic(InfoTopic::Basic), reinterpret_cast<void*>(0x80200000),
                                     sizeof basic, nullptr, nullptr) == Status::InvalidArgs);
  EXPECT(155, koios::object_get_info(self, topic(InfoTopic::Basic), &basic, sizeof basic,
                                     reinterpret_cast<koios::u64*>(0x80200000), nullptr) == Status::InvalidArgs);
  return 0;
}

int run(Handle bootstrap) {
  if (bootstrap == 0) return run_without_resource();
  Handle handles[4] = {0, 0, 0, 0};
  koios::MessageSizes sizes{0, 0};
  char bytes[8];
  EXPECT(1, koios::channel_read(bootstrap, 0, bytes, handles, sizeof bytes, 4, &sizes) == Status::Ok);
  EXPECT(2, sizes.handles == 4);
  EXPECT(3, koios::handle_close(bootstrap) == Status::Ok);
  if (int code = check_resources(handles[0]); code != 0) return code;
  return check_process_topics(handles[1], handles[2], handles[3]);
}

}  // namespace

extern "C" int main(koios::u64 bootstrap) {
  int code = run(static_cast<Handle>(bootstrap));
  char line[48];
  user::say(code == 0 ? "resources: all checks passed" : user::with_number(line, "resources: check failed: ", code));
  return code;
}
