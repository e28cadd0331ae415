// servers/utils/free.cc: free [-b|-k|-m|-g|-h] as procps 4 prints it, from sysinfo(2) (pidsrv,
// which reads the kernel's page counts). Not modelled: shared memory and buff/cache (the kernel
// keeps no page cache: 0), swap (none); available is the free pages.
#include <cstdio>
#include <cstring>
#include <sys/sysinfo.h>

#include "servers/utils/procfmt.h"

int main(int argc, char** argv) {
  utils::SizeUnit unit = utils::SizeUnit::Kibi;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strcmp(a, "-b") == 0 || std::strcmp(a, "--bytes") == 0) unit = utils::SizeUnit::Bytes;
    else if (std::strcmp(a, "-k") == 0 || std::strcmp(a, "--kibi") == 0) unit = utils::SizeUnit::Kibi;
    else if (std::strcmp(a, "-m") == 0 || std::strcmp(a, "--mebi") == 0) unit = utils::SizeUnit::Mebi;
    else if (std::strcmp(a, "-g") == 0 || std::strcmp(a, "--gibi") == 0) unit = utils::SizeUnit::Gibi;
    else if (std::strcmp(a, "-h") == 0 || std::strcmp(a, "--human") == 0) unit = utils::SizeUnit::Human;
    else {
      std::fprintf(stderr, "free: invalid option -- '%s'\n\nUsage:\n free [options]\n", a[0] == '-' ? a + 1 : a);
      return 1;
    }
  }
  struct sysinfo info;
  if (sysinfo(&info) != 0) {
    std::perror("free: sysinfo");
    return 1;
  }
  utils::MemoryCounts m{};
  m.total = static_cast<uint64_t>(info.totalram) * info.mem_unit;
  m.free = static_cast<uint64_t>(info.freeram) * info.mem_unit;
  m.available = m.free;
  char buf[512];
  utils::format_free(m, unit, buf, sizeof buf);
  std::fputs(buf, stdout);
  return 0;
}
