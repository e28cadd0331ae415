// kernel/abi/koios/flags.h: bitwise operators for enum-class bit sets (Rights, Signals), opted in
// per enum, so a set of flags stays a distinct type and never mixes with plain integers.
#pragma once

#include <type_traits>

namespace koios {

// Specialise to true for an enum class whose values are bit flags.
template <typename E>
inline constexpr bool kIsFlagSet = false;

template <typename E>
concept FlagSet = std::is_enum_v<E> && kIsFlagSet<E>;

template <FlagSet E>
constexpr E operator|(E a, E b) {
  return E(std::underlying_type_t<E>(a) | std::underlying_type_t<E>(b));
}
template <FlagSet E>
constexpr E operator&(E a, E b) {
  return E(std::underlying_type_t<E>(a) & std::underlying_type_t<E>(b));
}
template <FlagSet E>
constexpr E operator~(E a) {
  return E(~std::underlying_type_t<E>(a));
}
template <FlagSet E>
constexpr E& operator|=(E& a, E b) {
  return a = a | b;
}
template <FlagSet E>
constexpr E& operator&=(E& a, E b) {
  return a = a & b;
}
// Every bit of `wanted` is in `set` (an empty `wanted` is always contained).
template <FlagSet E>
constexpr bool contains(E set, E wanted) {
  return (set & wanted) == wanted;
}
// At least one bit of `any` is in `set`.
template <FlagSet E>
constexpr bool intersects(E set, E any) {
  return std::underlying_type_t<E>(set & any) != 0;
}
template <FlagSet E>
constexpr bool empty(E set) {
  return std::underlying_type_t<E>(set) == 0;
}

}  // namespace koios
