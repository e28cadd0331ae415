// libns/uts_ns.cc
#include "libns/uts_ns.h"

namespace ns {
namespace {

void copy_field(char* dst, const char* src, size_t len) {
  size_t i = 0;
  for (; i < len && i < kUtsNameLen && src[i]; ++i) dst[i] = src[i];
  for (; i <= kUtsNameLen; ++i) dst[i] = '\0';
}

size_t bounded_len(const char* s) {
  size_t n = 0;
  while (n < kUtsNameLen && s[n]) ++n;
  return n;
}

}  // namespace

UtsNamespace::UtsNamespace(Koid koid, UserNamespace* owner, const char* sysname, const char* release,
                           const char* version, const char* machine)
    : Namespace(NsType::Uts, koid, owner, nullptr, 0, kInvalidKoid) {
  copy_field(name_.sysname, sysname, bounded_len(sysname));
  copy_field(name_.release, release, bounded_len(release));
  copy_field(name_.version, version, bounded_len(version));
  copy_field(name_.machine, machine, bounded_len(machine));
  copy_field(name_.nodename, "(none)", 6);     // Linux's UTS_NODENAME default
  copy_field(name_.domainname, "(none)", 6);
}

UtsNamespace::UtsNamespace(Koid koid, UserNamespace* owner, const UtsNamespace& from)
    : Namespace(NsType::Uts, koid, owner, nullptr, from.level() + 1, from.koid()), name_(from.name_) {}

Status UtsNamespace::set_hostname(const char* name, size_t len) {
  if (len > kUtsNameLen) return Errno::Inval;
  copy_field(name_.nodename, name, len);
  return {};
}

Status UtsNamespace::set_domainname(const char* name, size_t len) {
  if (len > kUtsNameLen) return Errno::Inval;
  copy_field(name_.domainname, name, len);
  return {};
}

}  // namespace ns
