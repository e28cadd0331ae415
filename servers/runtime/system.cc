// servers/runtime/system.cc: the system-wide C calls: uname and gethostname (the names utssrv will
// answer once it exists: until then the fixed ones below), sysinfo (pidsrv's SysInfo), and the
// credentials (getuid and friends: root until the user namespace server exists).
#include <cerrno>
#include <cstring>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "koios/version.h"
#include "process.h"

namespace {

// FIXME(#7): utssrv answers the node and domain names (and sethostname) per UTS namespace.
constexpr const char kNodeName[] = "koios";
constexpr const char kDomainName[] = "(none)";

void copy_field(char* dst, const char* src) {
  std::strncpy(dst, src, _UTSNAME_LENGTH - 1);
  dst[_UTSNAME_LENGTH - 1] = '\0';
}

}  // namespace

extern "C" {

int uname(struct utsname* buf) {
  if (!buf) {
    errno = EFAULT;
    return -1;
  }
  copy_field(buf->sysname, koios::kSystemName);
  copy_field(buf->nodename, kNodeName);
  copy_field(buf->release, koios::kRelease);
  copy_field(buf->version, koios::kVersionString);
  copy_field(buf->machine, koios::kMachine);
  copy_field(buf->domainname, kDomainName);
  return 0;
}

int gethostname(char* name, size_t len) {
  struct utsname u;
  (void)uname(&u);
  size_t n = std::strlen(u.nodename);
  if (!name || n + 1 > len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(name, u.nodename, n + 1);
  return 0;
}

int sysinfo(struct sysinfo* info) {
  if (!info) {
    errno = EFAULT;
    return -1;
  }
  proto::pid::SysInfoReply r{};
  if (int e = koios::pid_request(proto::pid::Op::SysInfo, proto::pid::Request{}, &r)) {
    errno = e;
    return -1;
  }
  *info = {};
  info->uptime = static_cast<long>(r.uptime_ns / 1'000'000'000);
  info->totalram = r.total_bytes;
  info->freeram = r.free_bytes;
  info->procs = static_cast<unsigned short>(r.procs > 0xffff ? 0xffff : r.procs);
  info->mem_unit = 1;
  return 0;
}

// FIXME(#7): the user namespace server answers these; every process is root until then.
uid_t getuid() { return 0; }
uid_t geteuid() { return 0; }
gid_t getgid() { return 0; }
gid_t getegid() { return 0; }

}  // extern "C"
