// servers/utils/procfmt.h: the output formats of kill, ps, free and uptime as procps prints them,
// pure C++ over proto::pid::ProcInfo and plain numbers, so the host tests (tests/unit/servers/utils)
// check them byte for byte. The programs (kill.cc, ps.cc, free.cc, uptime.cc) only gather the data.
#pragma once

#include <cstddef>
#include <cstdint>

#include "servers/proto/pid.h"

namespace utils {

// ---- signals (procps's sigtable: 1..31, 29 is POLL) ----------------------------------------------

// The name without SIG ("KILL"), or nullptr outside 1..31.
const char* signal_name(int sig);
// "KILL", "SIGKILL", "kill" or "9" (0..64) -> the number; -1 when it is none of them.
int signal_number(const char* text);
// `kill -l`: the names separated by spaces, a new line once a line passes 73 columns (procps's
// unix_print_signals), ending in a newline. Answers the length (truncated to size - 1).
size_t format_signal_list(char* out, size_t size);

// ---- times ---------------------------------------------------------------------------------------

// ps's TIME: "[DD-]HH:MM:SS" of a CPU time.
void format_cpu_time(uint64_t ns, char* out, size_t size);
// A time of day from the monotonic clock (Koios has no wall clock yet: boot is 00:00:00):
// "HH:MM" (ps's STIME) or "HH:MM:SS" (uptime).
void format_clock_hm(int64_t ns, char* out, size_t size);
void format_clock_hms(int64_t ns, char* out, size_t size);
// uptime's line (procps's sprint_uptime), without the newline:
// " 00:05:12 up 5 min,  0 users,  load average: 0.00, 0.00, 0.00".
void format_uptime(int64_t now_ns, int64_t uptime_ns, int users, const double loads[3], char* out, size_t size);

// ---- free ----------------------------------------------------------------------------------------

enum class SizeUnit { Bytes, Kibi, Mebi, Gibi, Human };
// One number of free's table (procps's scale_size) from a count of bytes.
void format_size(uint64_t bytes, SizeUnit unit, char* out, size_t size);
struct MemoryCounts {
  uint64_t total, free, shared, buff_cache, available;   // bytes
};
// The three lines of `free` (header, Mem:, Swap:), each ending in a newline.
size_t format_free(const MemoryCounts& m, SizeUnit unit, char* out, size_t size);

// ---- ps --------------------------------------------------------------------------------------------

// Cmd, Tname, UidName and ArgsCmd are Comm, Tty, User and Args under the headers procps's default
// and -f formats give them (CMD, TTY, UID, CMD).
enum class Column : uint8_t {
  Pid, Ppid, Pgid, Sid, Stat, State, Comm, NsPid, Time, Args, Tty, Uid, User, C, Stime,
  Cmd, Tname, UidName, ArgsCmd,
};
inline constexpr size_t kMaxColumns = 16;
// procps's header and width of each, for -o NAME (the keys ps -o accepts: pid ppid pgid sid stat
// s comm ucmd nspid time args cmd tty tname uid user c stime...); false for an unknown key.
bool column_from_name(const char* name, size_t length, Column* out);
// A -o list ("pid,ppid,comm" or with spaces); false on an unknown key (*bad points at it).
bool parse_columns(const char* list, Column* out, size_t* count, const char** bad);
// The default columns (PID TTY TIME CMD) and -f's (UID PID PPID C STIME TTY TIME CMD).
size_t default_columns(Column* out);
size_t full_columns(Column* out);
// One header or one row, ending in a newline; the last column is not padded (procps's).
// now_ns: the monotonic clock when ps ran (for C and STIME).
size_t format_header(const Column* cols, size_t count, char* out, size_t size);
size_t format_row(const Column* cols, size_t count, const proto::pid::ProcInfo& p, int64_t now_ns, char* out,
                  size_t size);

}  // namespace utils
