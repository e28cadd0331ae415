// kernel/abi/koios/vm.h: option bits and limits of the vmo_* and vmar_* syscalls, shared by kernel
// and user space. Options are plain u32 bit sets in the syscall list; these name the bits.
#pragma once

#include "koios/types.h"

namespace koios {

inline constexpr u64 kPageSize = 4096;
// The user range every root vmar spans (the kernel's platform::kUserBase/kUserTop, checked equal
// in kernel/user_program.cc): vmar offsets are addresses minus kUserBase.
inline constexpr u64 kUserBase = 0x1'0000'0000ull;
inline constexpr u64 kUserTop = 0x40'0000'0000ull;
// The largest vmo (create, set_size and create_child answer OutOfRange above it).
inline constexpr u64 kMaxVmoSize = 1ull << 30;

// vmo_create options.
inline constexpr u32 kVmoResizable = 1u << 0;   // vmo_set_size may change the size
inline constexpr u32 kVmoCreateOptions = kVmoResizable;

// vmo_create_child options. Snapshot is required: it is the only kind of child so far.
inline constexpr u32 kVmoChildSnapshot = 1u << 0;   // copy-on-write copy of the range as it is now
inline constexpr u32 kVmoChildResizable = 1u << 2;  // the child may be resized
inline constexpr u32 kVmoChildOptions = kVmoChildSnapshot | kVmoChildResizable;

// vmar_map options: permissions (Read is required; Write and Execute never together) and placement.
inline constexpr u32 kVmPermRead = 1u << 0;
inline constexpr u32 kVmPermWrite = 1u << 1;
inline constexpr u32 kVmPermExecute = 1u << 2;
inline constexpr u32 kVmSpecific = 1u << 4;     // map at vmar base + vmar_offset, else the kernel picks
inline constexpr u32 kVmMapOptions = kVmPermRead | kVmPermWrite | kVmPermExecute | kVmSpecific;

}  // namespace koios
