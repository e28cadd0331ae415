// kernel/abi/koios/object_type.h: kernel object types (object_type.def) and KoIDs, shared by kernel
// and user space.
#pragma once

#include "koios/types.h"

namespace koios {

// A kernel object's identity: 64-bit, allocated monotonically, never reused; 0 names nothing.
// Unlike a handle value, a KoID means the same object in every process.
using Koid = u64;
inline constexpr Koid kInvalidKoid = 0;

enum class ObjectType : u32 {
  None = 0,
#define OBJECT_TYPE(name, value, doc) name = value,
#include "koios/object_type.def"
#undef OBJECT_TYPE
};

// A stable, printable name ("EventPair"); "None" for 0 and "Unknown" outside the list.
constexpr const char* object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::None:
      return "None";
#define OBJECT_TYPE(name, value, doc) \
  case ObjectType::name:              \
    return #name;
#include "koios/object_type.def"
#undef OBJECT_TYPE
  }
  return "Unknown";
}

}  // namespace koios
