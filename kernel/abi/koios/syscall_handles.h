// kernel/abi/koios/syscall_handles.h: syscall_handles.def expanded into kHandleRules, one record
// per handle argument: which object types it takes and which rights it needs. The docs generator
// reads the .def itself; tests/user/handle_rules tries every rule against the kernel. A compile-time
// check here (and a host test) refuses a `Handle` parameter in syscalls.def that has no rule.
#pragma once

#include "koios/syscalls.h"

namespace koios {

// How the handle reaches the kernel (see syscall_handles.def).
enum class HandlePassing : u8 { Value, Optional, InArray };

// A set of object types, one bit per ObjectType value.
using ObjectTypes = u32;
constexpr ObjectTypes object_type_bit(ObjectType type) { return 1u << static_cast<u32>(type); }

struct HandleRule {
  Syscall syscall;
  u32 argument;  // index into the syscall's arguments (a0 = 0)
  HandlePassing passing;
  ObjectTypes types;
  Rights rights;
  const char* checked_before;  // what the syscall checks before this handle; "" if nothing
};

// The words the .def uses: each object type and right by its own name, Any and None.
namespace handle_rule_terms {
#define OBJECT_TYPE(name, value, doc) inline constexpr ObjectTypes name = 1u << (value);
#include "koios/object_type.def"
#undef OBJECT_TYPE
inline constexpr ObjectTypes Any = 0
#define OBJECT_TYPE(name, value, doc) | (1u << (value))
#include "koios/object_type.def"
#undef OBJECT_TYPE
    ;
inline constexpr Rights None = Rights::None;
#define RIGHT(name, bit, doc) inline constexpr Rights name = Rights::name;
#include "koios/rights.def"
#undef RIGHT

inline constexpr HandleRule kHandleRules[] = {
#define HANDLE_RULE(family, verb, argument, passing, types, rights, before) \
  {Syscall::family##_##verb, argument, HandlePassing::passing, (types), (rights), before},
#include "koios/syscall_handles.def"
#undef HANDLE_RULE
};
}  // namespace handle_rule_terms

using handle_rule_terms::kHandleRules;
inline constexpr u32 kHandleRuleCount = sizeof(kHandleRules) / sizeof(kHandleRules[0]);
inline constexpr ObjectTypes kAnyObjectType = handle_rule_terms::Any;

namespace internal {

// Each syscall with its parameter list as written in syscalls.def: "(Handle handle, u32 options)".
struct SyscallParams {
  Syscall syscall;
  const char* params;
};
inline constexpr SyscallParams kSyscallParams[] = {
#define SYSCALL(number, family, verb, ret, args, doc) {Syscall::family##_##verb, #args},
#include "koios/syscalls.def"
#undef SYSCALL
};

enum class ParamKind { Missing, Handle, Pointer, Other };

constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// What parameter `index` of a "(T1 n1, T2 n2, ...)" list is, by its written type: exactly
// `Handle`, a pointer, something else, or Missing past the last one.
constexpr ParamKind param_kind(const char* params, u32 index) {
  const char* p = params;
  while (*p != 0 && *p != '(') ++p;
  if (*p == 0) return ParamKind::Missing;
  ++p;
  for (u32 i = 0;; ++i) {
    while (is_blank(*p)) ++p;
    if (*p == ')' || *p == 0) return ParamKind::Missing;
    const char* begin = p;
    while (*p != ',' && *p != ')' && *p != 0) ++p;
    if (i == index) {
      const char* end = p;
      while (end > begin && is_blank(end[-1])) --end;
      // The type is everything before the name (the last word).
      const char* name = end;
      while (name > begin && !is_blank(name[-1]) && name[-1] != '*') --name;
      const char* type_end = name;
      while (type_end > begin && is_blank(type_end[-1])) --type_end;
      if (type_end > begin && type_end[-1] == '*') return ParamKind::Pointer;
      const char* handle = "Handle";
      const char* t = begin;
      while (t < type_end && *handle != 0 && *t == *handle) ++t, ++handle;
      return t == type_end && *handle == 0 ? ParamKind::Handle : ParamKind::Other;
    }
    if (*p == ',') ++p;
  }
}

constexpr const char* params_of(Syscall s) {
  for (const SyscallParams& sp : kSyscallParams)
    if (sp.syscall == s) return sp.params;
  return nullptr;
}

constexpr const HandleRule* rule_for(Syscall s, u32 argument) {
  for (const HandleRule& r : kHandleRules)
    if (r.syscall == s && r.argument == argument) return &r;
  return nullptr;
}

}  // namespace internal

// The first syscall with a `Handle` parameter that has no Value/Optional rule, or a rule that names
// no such parameter (an InArray rule must name a pointer); nullptr when the lists agree.
constexpr const char* first_syscall_without_handle_rule() {
  for (const internal::SyscallParams& sp : internal::kSyscallParams) {
    for (u32 i = 0; i < kMaxSyscallArgs; ++i) {
      if (internal::param_kind(sp.params, i) != internal::ParamKind::Handle) continue;
      const HandleRule* rule = internal::rule_for(sp.syscall, i);
      if (rule == nullptr || rule->passing == HandlePassing::InArray) return syscall_name(sp.syscall);
    }
  }
  for (u32 i = 0; i < kHandleRuleCount; ++i) {
    const HandleRule& r = kHandleRules[i];
    const char* params = internal::params_of(r.syscall);
    internal::ParamKind kind = params == nullptr ? internal::ParamKind::Missing : internal::param_kind(params, r.argument);
    internal::ParamKind want = r.passing == HandlePassing::InArray ? internal::ParamKind::Pointer : internal::ParamKind::Handle;
    if (kind != want || r.types == 0) return syscall_name(r.syscall);
    for (u32 j = 0; j < i; ++j)
      if (kHandleRules[j].syscall == r.syscall && kHandleRules[j].argument == r.argument) return syscall_name(r.syscall);
  }
  return nullptr;
}

static_assert(first_syscall_without_handle_rule() == nullptr,
              "syscalls.def and syscall_handles.def disagree: every Handle parameter needs one HANDLE_RULE "
              "(call first_syscall_without_handle_rule() in a test to see which)");

}  // namespace koios
