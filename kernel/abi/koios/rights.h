// kernel/abi/koios/rights.h: what a handle allows, as a set of bits (rights.def), shared by kernel
// and user space. A handle's rights only ever shrink: duplicate and replace take subsets.
#pragma once

#include "koios/flags.h"
#include "koios/types.h"

namespace koios {

enum class Rights : u32 {
  None = 0,
#define RIGHT(name, bit, doc) name = 1u << (bit),
#include "koios/rights.def"
#undef RIGHT
  // Not a right: handle_duplicate/replace take it to mean "the rights the handle already has".
  SameRights = 1u << 31,
};
template <>
inline constexpr bool kIsFlagSet<Rights> = true;

inline constexpr Rights kRightsAll = Rights(0
#define RIGHT(name, bit, doc) | (1u << (bit))
#include "koios/rights.def"
#undef RIGHT
);
// What every handle of a newly created object may carry (Zircon's ZX_RIGHTS_BASIC).
inline constexpr Rights kRightsBasic = Rights::Duplicate | Rights::Transfer | Rights::Wait | Rights::Inspect;
inline constexpr Rights kRightsIo = Rights::Read | Rights::Write;
inline constexpr Rights kRightsProperty = Rights::GetProperty | Rights::SetProperty;

constexpr const char* right_name(Rights single) {
  switch (single) {
#define RIGHT(name, bit, doc) \
  case Rights::name:          \
    return #name;
#include "koios/rights.def"
#undef RIGHT
    default:
      return "Unknown";
  }
}

}  // namespace koios
