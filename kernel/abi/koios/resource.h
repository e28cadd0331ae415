// kernel/abi/koios/resource.h: what a Resource handle allows, shared by kernel and user space.
// The kernel makes one resource of each kind at boot; the root resource goes only to the first
// process (init), which derives narrower ones with resource_create and hands them on.
#pragma once

#include "koios/types.h"

namespace koios {

// A kind's number is ABI and never reused. Root covers every kind; any other kind covers itself.
enum class ResourceKind : u32 {
  Root = 1,     // everything below, and deriving any of them
  Console = 2,  // console_read (which takes console input from the kernel monitor) and console_write
  Power = 3,    // system_shutdown
  Info = 4,     // object_get_info's kernel-wide topic (KernelCounts)
};
inline constexpr u32 kResourceKindMax = 4;

constexpr bool resource_kind_valid(ResourceKind kind) {
  return static_cast<u32>(kind) >= 1 && static_cast<u32>(kind) <= kResourceKindMax;
}
// Whether a resource of kind `held` allows what `wanted` allows.
constexpr bool resource_covers(ResourceKind held, ResourceKind wanted) {
  return held == ResourceKind::Root || held == wanted;
}

// console_write takes at most this many bytes a call (OutOfRange above): one copy, no partial output.
inline constexpr u64 kConsoleWriteMax = 1024;

}  // namespace koios
