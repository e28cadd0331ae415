/* servers/runtime/compat/sys/dirent.h: what picolibc's <dirent.h> leaves to the system (its own
   sys/dirent.h is an #error): DIR and struct dirent, laid out as Linux's (getdents64). picolibc's
   <dirent.h> declares opendir, fdopendir, readdir, rewinddir, closedir and dirfd over these, and
   servers/runtime/dirent.cc implements them on mountsrv's Readdir. */
#pragma once

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
  ino_t d_ino;
  off_t d_off;              /* the position after this entry (telldir's answer) */
  unsigned short d_reclen;
  unsigned char d_type;     /* DT_DIR, DT_REG */
  char d_name[256];
};

typedef struct koios_dir DIR;

#ifdef __cplusplus
}
#endif
