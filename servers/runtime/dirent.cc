// servers/runtime/dirent.cc: opendir/readdir/closedir (declared by picolibc's <dirent.h> over
// compat/sys/dirent.h) on a directory opened as a file channel: each Readdir call brings up to
// kDirentsMax entries, handed out one by one.
#include <dirent.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "fd.h"
#include "linux_errno.h"
#include "rpc.h"
#include "servers/proto/fs.h"

namespace fsp = proto::fs;

struct koios_dir {
  int fd;
  koios::u32 next;    // the next entry of `batch` to hand out
  struct dirent current;
  fsp::ReaddirReply batch;
};

extern "C" {

DIR* fdopendir(int fd) {
  if (koios::fd_handle(fd) == koios::kInvalidHandle) {
    errno = EBADF;
    return nullptr;
  }
  auto* d = static_cast<DIR*>(std::malloc(sizeof(DIR)));
  if (d == nullptr) {
    errno = ENOMEM;
    return nullptr;
  }
  d->fd = fd;
  d->next = 0;
  d->batch.count = 0;
  return d;
}

DIR* opendir(const char* path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return nullptr;
  DIR* d = fdopendir(fd);
  if (d == nullptr) (void)close(fd);
  return d;
}

// The next entry; nullptr at the end (errno untouched) or on an error (errno set), as POSIX says.
struct dirent* readdir(DIR* d) {
  if (d->next == d->batch.count) {
    fsp::ReaddirRequest rq{};
    koios::Status s = koios::call(koios::fd_handle(d->fd), fsp::ordinal(fsp::Op::Readdir), rq, &d->batch);
    d->next = 0;
    if (s != koios::Status::Ok || d->batch.error != ns::Errno::Ok) {
      errno = s != koios::Status::Ok ? EBADF : koios::runtime::errno_from_linux(ns::errno_value(d->batch.error));
      d->batch.count = 0;
      return nullptr;
    }
    if (d->batch.count > fsp::kDirentsMax) d->batch.count = fsp::kDirentsMax;
    if (d->batch.count == 0) return nullptr;
  }
  const fsp::Dirent& e = d->batch.entries[d->next++];
  d->current.d_ino = ino_t(e.ino);
  d->current.d_off = off_t(e.next);
  d->current.d_reclen = sizeof(struct dirent);
  d->current.d_type = e.type;
  koios::usize n = e.name_length <= fsp::kNameMax ? e.name_length : fsp::kNameMax;
  std::memcpy(d->current.d_name, e.name, n);
  d->current.d_name[n] = 0;
  return &d->current;
}

void rewinddir(DIR* d) {
  (void)lseek(d->fd, 0, SEEK_SET);
  d->next = d->batch.count = 0;
}

int dirfd(DIR* d) { return d->fd; }

int closedir(DIR* d) {
  int r = close(d->fd);
  std::free(d);
  return r;
}

}  // extern "C"
