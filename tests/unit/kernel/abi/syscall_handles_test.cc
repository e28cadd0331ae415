// tests/unit/kernel/abi/syscall_handles_test.cc: syscall_handles.def covers every handle argument
// of syscalls.def (a syscall cannot be added without saying what its handles must be), and its
// words expand into the types and rights they name.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>

#include "koios/syscall_handles.h"

using namespace koios;

TEST_CASE("every Handle parameter of every syscall has exactly one handle rule", "[syscall_handles]") {
  const char* uncovered = first_syscall_without_handle_rule();
  INFO((uncovered == nullptr ? "" : uncovered));
  CHECK(uncovered == nullptr);

  // The same, spelled out: every (syscall, Handle parameter) pair has a rule, and no rule is spare.
  std::set<std::pair<u32, u32>> handles, rules;
  for (const auto& sp : internal::kSyscallParams)
    for (u32 i = 0; i < kMaxSyscallArgs; ++i)
      if (internal::param_kind(sp.params, i) == internal::ParamKind::Handle) handles.insert({u32(sp.syscall), i});
  u32 in_array = 0;
  for (const HandleRule& r : kHandleRules) {
    if (r.passing != HandlePassing::InArray) rules.insert({u32(r.syscall), r.argument});
    else ++in_array;
  }
  CHECK(handles == rules);
  CHECK(rules.size() + in_array == kHandleRuleCount);  // no rule twice
  CHECK(internal::rule_for(Syscall::object_wait_many, 0) != nullptr);  // handles in memory have rules too
}

TEST_CASE("the parameter scanner tells Handle from pointers and other types", "[syscall_handles]") {
  const char* params = "(Handle handle, u32 options, const Handle* handles, Handle* out, WaitItem* items, HandleX h)";
  CHECK(internal::param_kind(params, 0) == internal::ParamKind::Handle);
  CHECK(internal::param_kind(params, 1) == internal::ParamKind::Other);
  CHECK(internal::param_kind(params, 2) == internal::ParamKind::Pointer);
  CHECK(internal::param_kind(params, 3) == internal::ParamKind::Pointer);
  CHECK(internal::param_kind(params, 4) == internal::ParamKind::Pointer);
  CHECK(internal::param_kind(params, 5) == internal::ParamKind::Other);
  CHECK(internal::param_kind(params, 6) == internal::ParamKind::Missing);
  CHECK(internal::param_kind("()", 0) == internal::ParamKind::Missing);
}

TEST_CASE("a rule's words become object type sets and rights", "[syscall_handles]") {
  const HandleRule* call = internal::rule_for(Syscall::channel_call, 0);
  REQUIRE(call != nullptr);
  CHECK(call->types == object_type_bit(ObjectType::Channel));
  CHECK(call->rights == (Rights::Read | Rights::Write));
  CHECK(std::string(call->checked_before).find("write_num_bytes") != std::string::npos);

  const HandleRule* kill = internal::rule_for(Syscall::task_kill, 0);
  REQUIRE(kill != nullptr);
  CHECK(kill->types == (object_type_bit(ObjectType::Job) | object_type_bit(ObjectType::Process) |
                        object_type_bit(ObjectType::Thread)));
  CHECK(kill->rights == Rights::Manage);

  const HandleRule* close = internal::rule_for(Syscall::handle_close, 0);
  REQUIRE(close != nullptr);
  CHECK(close->types == kAnyObjectType);
  CHECK(close->rights == Rights::None);
  for (u32 t = 1; t <= 13; ++t) CHECK((kAnyObjectType & object_type_bit(ObjectType(t))) != 0);

  const HandleRule* arg1 = internal::rule_for(Syscall::process_start, 4);
  REQUIRE(arg1 != nullptr);
  CHECK(arg1->passing == HandlePassing::Optional);
  CHECK(arg1->rights == Rights::Transfer);
  CHECK(internal::rule_for(Syscall::process_start, 2) == nullptr);
}
