/* servers/runtime/compat/sys/utsname.h: uname(2) as Linux lays it out (picolibc has no
   sys/utsname.h). servers/runtime/system.cc answers it; the names come from utssrv once it exists. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define _UTSNAME_LENGTH 65

struct utsname {
  char sysname[_UTSNAME_LENGTH];
  char nodename[_UTSNAME_LENGTH];
  char release[_UTSNAME_LENGTH];
  char version[_UTSNAME_LENGTH];
  char machine[_UTSNAME_LENGTH];
  char domainname[_UTSNAME_LENGTH];
};

int uname(struct utsname* buf);

#ifdef __cplusplus
}
#endif
