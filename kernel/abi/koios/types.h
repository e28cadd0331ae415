// kernel/abi/koios/types.h: fixed-width names shared by the kernel, platform code and user space.
// Includes only <cstdint>-level headers so it builds freestanding and on the host alike.
#pragma once

#include <cstddef>
#include <cstdint>

namespace koios {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;
using usize = std::size_t;
using uptr = std::uintptr_t;

}  // namespace koios
