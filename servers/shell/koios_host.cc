// servers/shell/koios_host.cc: see koios_host.h.
#include "servers/shell/koios_host.h"

namespace shell {

HostError KoiosHost::spawn(const SpawnRequest&, int*) { return HostError::NotFound; }
HostError KoiosHost::wait(int, int*) { return HostError::NoChild; }
HostError KoiosHost::kill(int, int) { return HostError::NoProcess; }

HostError KoiosHost::open(const char*, OpenMode mode, int*) {
  return mode == OpenMode::Read ? HostError::NotFound : HostError::Access;
}

HostError KoiosHost::close(int fd) {
  int i = fd - kFirstMemFd;
  if (i < 0 || i >= kMemFds || !mem_[i].used) return HostError::BadFd;
  mem_[i].used = false;
  mem_[i].data = Str();
  return HostError::Ok;
}

long KoiosHost::read(int fd, void* buf, size_t len) {
  int i = fd - kFirstMemFd;
  if (fd == 0) return 0;   // the console's input belongs to the line editor in main()
  if (i < 0 || i >= kMemFds || !mem_[i].used) return -1;
  MemFd& m = mem_[i];
  size_t n = m.data.size() - m.rpos;
  if (n > len) n = len;
  memcpy(buf, m.data.c_str() + m.rpos, n);
  m.rpos += n;
  return static_cast<long>(n);
}

long KoiosHost::write(int fd, const void* buf, size_t len) {
  if (fd != 1 && fd != 2) return -1;
  if (koios::console_write(console_, static_cast<const char*>(buf), len) != koios::Status::Ok) return -1;
  return static_cast<long>(len);
}

HostError KoiosHost::pipe(int*) { return HostError::Invalid; }

HostError KoiosHost::input_from(const char* data, size_t len, int* fd) {
  for (int i = 0; i < kMemFds; ++i) {
    if (mem_[i].used) continue;
    mem_[i].used = true;
    mem_[i].data = Str(data, len);
    mem_[i].rpos = 0;
    *fd = kFirstMemFd + i;
    return oom() ? HostError::NoMemory : HostError::Ok;
  }
  return HostError::NoMemory;
}

HostError KoiosHost::stat(const char* path, FileInfo* info) {
  if (path[0] == '/' && path[1] == 0) {
    info->kind = FileKind::Dir;
    return HostError::Ok;
  }
  info->kind = FileKind::None;
  return HostError::NotFound;
}

HostError KoiosHost::chdir(const char* path) {
  return path[0] == '/' && path[1] == 0 ? HostError::Ok : HostError::NotFound;
}

}  // namespace shell
