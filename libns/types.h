// libns/types.h: the plain value types every libns file shares. No kernel headers: identities are
// 64-bit KoIDs handed in by the caller, numbers and flags are Linux's so the servers can pass them through.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ns {

// A kernel object id. A strong type so a KoID is never mistaken for a pid or a uid.
enum class Koid : uint64_t {};
inline constexpr Koid kInvalidKoid = Koid{0};
constexpr uint64_t raw(Koid k) { return static_cast<uint64_t>(k); }

using Pid = int32_t;   // a pid number as one namespace sees it (pid_t)
using Uid = uint32_t;  // uid_t / gid_t; kernel-wide ("k") ids use the same width
using Gid = uint32_t;
inline constexpr Uid kInvalidId = 0xffffffffu;  // (uid_t)-1: "no such id"
inline constexpr Uid kOverflowUid = 65534;      // what an unmapped id reads as (/proc/sys/kernel/overflowuid)

// The eight namespace types. The order is used to index NsSet slots and arrays; not ABI.
enum class NsType : uint8_t { Mnt, Uts, Ipc, Pid, Net, User, Cgroup, Time };
inline constexpr size_t kNsTypeCount = 8;

// clone(2)/unshare(2)/setns(2) flags, with Linux's values so callers can pass them unchanged.
inline constexpr uint64_t kCloneVm = 0x00000100;
inline constexpr uint64_t kCloneFs = 0x00000200;
inline constexpr uint64_t kCloneFiles = 0x00000400;
inline constexpr uint64_t kCloneSighand = 0x00000800;
inline constexpr uint64_t kCloneParent = 0x00008000;
inline constexpr uint64_t kCloneThread = 0x00010000;
inline constexpr uint64_t kCloneNewTime = 0x00000080;
inline constexpr uint64_t kCloneNewNs = 0x00020000;
inline constexpr uint64_t kCloneSysvsem = 0x00040000;
inline constexpr uint64_t kCloneNewCgroup = 0x02000000;
inline constexpr uint64_t kCloneNewUts = 0x04000000;
inline constexpr uint64_t kCloneNewIpc = 0x08000000;
inline constexpr uint64_t kCloneNewUser = 0x10000000;
inline constexpr uint64_t kCloneNewPid = 0x20000000;
inline constexpr uint64_t kCloneNewNet = 0x40000000;
inline constexpr uint64_t kCloneNsFlags = kCloneNewTime | kCloneNewNs | kCloneNewCgroup | kCloneNewUts |
                                          kCloneNewIpc | kCloneNewUser | kCloneNewPid | kCloneNewNet;

constexpr uint64_t clone_flag(NsType t) {
  switch (t) {
    case NsType::Mnt: return kCloneNewNs;
    case NsType::Uts: return kCloneNewUts;
    case NsType::Ipc: return kCloneNewIpc;
    case NsType::Pid: return kCloneNewPid;
    case NsType::Net: return kCloneNewNet;
    case NsType::User: return kCloneNewUser;
    case NsType::Cgroup: return kCloneNewCgroup;
    case NsType::Time: return kCloneNewTime;
  }
  return 0;
}

// Capabilities (capabilities(7) numbers) as bits of a 64-bit set.
using CapSet = uint64_t;
enum class Cap : uint8_t {
  Chown = 0, DacOverride = 1, Kill = 5, Setgid = 6, Setuid = 7, NetBindService = 10, NetAdmin = 12,
  IpcOwner = 15, SysChroot = 18, SysPtrace = 19, SysAdmin = 21, SysResource = 24, SysTime = 25,
};
inline constexpr unsigned kCapLast = 40;  // CAP_CHECKPOINT_RESTORE
inline constexpr CapSet kCapAll = (CapSet{1} << (kCapLast + 1)) - 1;
constexpr CapSet cap_bit(Cap c) { return CapSet{1} << static_cast<unsigned>(c); }

// Signals the model treats specially (Linux numbers).
inline constexpr int kSigHup = 1, kSigInt = 2, kSigKill = 9, kSigTerm = 15, kSigChld = 17, kSigStop = 19;
inline constexpr int kSigMax = 64;

}  // namespace ns
