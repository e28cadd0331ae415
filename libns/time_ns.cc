// libns/time_ns.cc
#include "libns/time_ns.h"

namespace ns {

TimeNamespace::TimeNamespace(Koid koid, UserNamespace* owner)
    : Namespace(NsType::Time, koid, owner, nullptr, 0, kInvalidKoid), frozen_(true) {}

TimeNamespace::TimeNamespace(Koid koid, UserNamespace* owner, const TimeNamespace& from)
    : Namespace(NsType::Time, koid, owner, nullptr, from.level() + 1, from.koid()),
      monotonic_ns_(from.monotonic_ns_), boottime_ns_(from.boottime_ns_) {}

Status TimeNamespace::set_offset(int clock, int64_t sec, int64_t nsec, int64_t now_ns) {
  if (clock != kClockMonotonic && clock != kClockBoottime) return Errno::Inval;
  if (nsec < 0 || nsec >= kNsecPerSec) return Errno::Inval;
  if (sec > kTimeSecMax || sec < -kTimeSecMax) return Errno::Range;
  int64_t off = sec * kNsecPerSec + nsec;
  int64_t sum;
  if (__builtin_add_overflow(now_ns, off, &sum) || sum < 0) return Errno::Range;
  if (frozen_) return Errno::Acces;   // Linux checks this last, under its lock
  (clock == kClockMonotonic ? monotonic_ns_ : boottime_ns_) = off;
  return {};
}

int64_t TimeNamespace::read(int clock, int64_t host_ns) const {
  if (clock == kClockMonotonic) return host_ns + monotonic_ns_;
  if (clock == kClockBoottime) return host_ns + boottime_ns_;
  return host_ns;   // CLOCK_REALTIME and the rest are not namespaced
}

}  // namespace ns
