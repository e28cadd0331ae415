/* servers/runtime/compat/sys/sysinfo.h: sysinfo(2) with Linux's struct (picolibc has none).
   servers/runtime/system.cc answers it from pidsrv's SysInfo (servers/proto/pid.h). */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define SI_LOAD_SHIFT 16

struct sysinfo {
  long uptime;              /* seconds since boot */
  unsigned long loads[3];   /* 1, 5, 15 minute load averages << SI_LOAD_SHIFT (not modelled: 0) */
  unsigned long totalram;   /* in mem_unit */
  unsigned long freeram;
  unsigned long sharedram;
  unsigned long bufferram;
  unsigned long totalswap;
  unsigned long freeswap;
  unsigned short procs;
  unsigned short pad;
  unsigned long totalhigh;
  unsigned long freehigh;
  unsigned int mem_unit;
};

int sysinfo(struct sysinfo* info);

#ifdef __cplusplus
}
#endif
