// kernel/abi/koios/version.h: the one version of Koios, printed by the kernel at boot and answered
// by uname(2) in user space (release and version fields).
#pragma once

namespace koios {

inline constexpr const char kSystemName[] = "Koios";
inline constexpr const char kRelease[] = "0.1.0";      // meson.build's project version agrees
inline constexpr const char kVersionString[] = "#1";   // uname -v: one build per release so far
inline constexpr const char kMachine[] = "riscv64";

}  // namespace koios
