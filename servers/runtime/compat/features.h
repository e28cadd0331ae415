// servers/runtime/compat/features.h: the glibc header that the cross libstdc++'s os_defines.h includes, mapped onto picolibc.
#include <sys/features.h>
#define __GLIBC_PREREQ(major, minor) 0
