// libns/uts_ns.h: UTS namespaces (uts_namespaces(7)): the names uname(2) reports. A new namespace
// starts as a copy of the one it was made from. Owned by the Registry; dies when unused.
#pragma once

#include <cstddef>

#include "libns/namespace.h"
#include "libns/result.h"

namespace ns {

inline constexpr size_t kUtsNameLen = 64;   // __NEW_UTS_LEN; each field holds 64 bytes and a NUL

struct UtsName {
  char sysname[kUtsNameLen + 1];
  char nodename[kUtsNameLen + 1];
  char release[kUtsNameLen + 1];
  char version[kUtsNameLen + 1];
  char machine[kUtsNameLen + 1];
  char domainname[kUtsNameLen + 1];
};

class UtsNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Uts;
  // The root: the names the system booted with (the caller's strings, truncated to 64 bytes).
  UtsNamespace(Koid koid, UserNamespace* owner, const char* sysname, const char* release,
               const char* version, const char* machine);
  // A copy of `from` (copy_utsname).
  UtsNamespace(Koid koid, UserNamespace* owner, const UtsNamespace& from);

  const UtsName& name() const { return name_; }
  // sethostname/setdomainname after the caller's capability check: EINVAL when len > 64.
  Status set_hostname(const char* name, size_t len);
  Status set_domainname(const char* name, size_t len);

 private:
  UtsName name_;
};

}  // namespace ns
