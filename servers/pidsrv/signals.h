// servers/pidsrv/signals.h: Linux's signal table (signal(7)): each signal's default action, which
// signals stop and which cannot be caught, and how a kernel fault cause becomes a signal.
#pragma once

#include <cstdint>

#include "servers/proto/pid.h"

namespace pidsrv {

enum class DefaultAction : uint8_t { Terminate, Core, Ignore, Stop, Continue };

constexpr DefaultAction default_action(int sig) {
  using namespace proto::pid;
  switch (sig) {
    case kSigQuit: case kSigIll: case kSigTrap: case kSigAbrt: case kSigBus: case kSigFpe:
    case kSigSegv: case kSigXcpu: case kSigXfsz: case kSigSys:
      return DefaultAction::Core;
    case kSigChld: case kSigUrg: case kSigWinch:
      return DefaultAction::Ignore;
    case kSigCont:
      return DefaultAction::Continue;
    case kSigStop: case kSigTstp: case kSigTtin: case kSigTtou:
      return DefaultAction::Stop;
    default:
      return DefaultAction::Terminate;   // HUP INT KILL USR1 USR2 PIPE ALRM TERM STKFLT VTALRM PROF IO PWR, RT
  }
}

constexpr bool valid_signal(int sig) { return sig >= 1 && sig <= proto::pid::kSigMax; }
constexpr bool uncatchable(int sig) { return sig == proto::pid::kSigKill || sig == proto::pid::kSigStop; }

inline constexpr proto::pid::SigSet kStopSignals =
    proto::pid::sig_bit(proto::pid::kSigStop) | proto::pid::sig_bit(proto::pid::kSigTstp) |
    proto::pid::sig_bit(proto::pid::kSigTtin) | proto::pid::sig_bit(proto::pid::kSigTtou);
inline constexpr proto::pid::SigSet kUnblockable =
    proto::pid::sig_bit(proto::pid::kSigKill) | proto::pid::sig_bit(proto::pid::kSigStop);

// The signal Linux would send for a fault the kernel reports with this RISC-V scause.
constexpr int signal_for_fault(uint64_t cause) {
  using namespace proto::pid;
  switch (cause) {
    case 2: return kSigIll;                     // illegal instruction
    case 3: return kSigTrap;                    // breakpoint
    case 0: case 4: case 6: return kSigBus;     // misaligned fetch, load, store
    default: return kSigSegv;                   // access and page faults
  }
}

}  // namespace pidsrv
