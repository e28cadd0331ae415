// kernel/abi/koios/status.h: the status codes of status.def as an enum, shared by kernel and user space.
#pragma once

#include "koios/types.h"

namespace koios {

enum class Status : i32 {
#define STATUS(name, value, doc) name = value,
#include "koios/status.def"
#undef STATUS
};

// A stable, printable name for a status ("BadHandle"); "Unknown" for values outside the list.
constexpr const char* status_name(Status status) {
  switch (status) {
#define STATUS(name, value, doc) \
  case Status::name:             \
    return #name;
#include "koios/status.def"
#undef STATUS
  }
  return "Unknown";
}

}  // namespace koios
