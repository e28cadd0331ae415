// libns/time_ns.h: time namespaces (time_namespaces(7)): per-namespace offsets for
// CLOCK_MONOTONIC and CLOCK_BOOTTIME. A new namespace copies its creator's offsets; they can be
// changed only until the first process enters it. Owned by the Registry; dies when unused.
#pragma once

#include <cstdint>

#include "libns/namespace.h"
#include "libns/result.h"

namespace ns {

inline constexpr int kClockRealtime = 0;
inline constexpr int kClockMonotonic = 1;
inline constexpr int kClockBoottime = 7;
inline constexpr int64_t kNsecPerSec = 1000000000;
inline constexpr int64_t kTimeSecMax = INT64_MAX / kNsecPerSec;   // KTIME_SEC_MAX

class TimeNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Time;
  TimeNamespace(Koid koid, UserNamespace* owner);
  TimeNamespace(Koid koid, UserNamespace* owner, const TimeNamespace& from);

  int64_t monotonic_offset_ns() const { return monotonic_ns_; }
  int64_t boottime_offset_ns() const { return boottime_ns_; }
  bool frozen() const { return frozen_; }
  void freeze() { frozen_ = true; }   // a process entered: offsets are fixed from now on

  // One line of /proc/PID/timens_offsets, after the caller's capability check.
  // EINVAL for another clock or nsec outside [0, 1e9); ERANGE when `now_ns` (the host clock's
  // current value) plus the offset would be negative or overflow; then EACCES once frozen.
  Status set_offset(int clock, int64_t sec, int64_t nsec, int64_t now_ns);
  // What clock_gettime(clock) reads in this namespace given the host value.
  int64_t read(int clock, int64_t host_ns) const;

 private:
  int64_t monotonic_ns_ = 0;
  int64_t boottime_ns_ = 0;
  bool frozen_ = false;
};

}  // namespace ns
