// servers/utils/procfmt.cc
#include "servers/utils/procfmt.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace utils {

namespace {

constexpr const char* kSignalNames[32] = {
    nullptr, "HUP",  "INT",  "QUIT", "ILL",  "TRAP", "ABRT",   "BUS",  "FPE",   "KILL", "USR1",
    "SEGV",  "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",  "TSTP", "TTIN",
    "TTOU",  "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR",  "SYS"};

// Aliases procps also accepts.
struct Alias {
  const char* name;
  int sig;
};
constexpr Alias kAliases[] = {{"IOT", 6}, {"CLD", 17}, {"IO", 29}, {"UNUSED", 31}};

bool equal_upper(const char* a, const char* b) {
  for (; *a && *b; ++a, ++b) {
    char c = *a >= 'a' && *a <= 'z' ? static_cast<char>(*a - 'a' + 'A') : *a;
    if (c != *b) return false;
  }
  return *a == *b;
}

// Appends to a bounded buffer, always NUL-terminated; the length counts what fit.
struct Out {
  char* buf;
  size_t size;
  size_t len = 0;
  void put(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    if (len + 1 >= size) return;
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    len += static_cast<size_t>(n) < size - len ? static_cast<size_t>(n) : size - len - 1;
  }
};

struct ColumnSpec {
  const char* key;
  Column column;
  const char* header;
  int width;
  bool left;
};
// Widths and headers as procps 3.3 prints them (pid_max 32768: five digits).
constexpr ColumnSpec kColumns[] = {
    {"pid", Column::Pid, "PID", 5, false},       {"ppid", Column::Ppid, "PPID", 5, false},
    {"pgid", Column::Pgid, "PGID", 5, false},    {"pgrp", Column::Pgid, "PGRP", 5, false},
    {"sid", Column::Sid, "SID", 5, false},       {"sess", Column::Sid, "SESS", 5, false},
    {"stat", Column::Stat, "STAT", 4, true},     {"s", Column::State, "S", 1, true},
    {"state", Column::State, "S", 1, true},      {"comm", Column::Comm, "COMMAND", 15, true},
    {"ucmd", Column::Comm, "CMD", 15, true},     {"nspid", Column::NsPid, "NSPID", 8, true},
    {"time", Column::Time, "TIME", 8, false},    {"cputime", Column::Time, "TIME", 8, false},
    {"args", Column::Args, "COMMAND", 27, true}, {"cmd", Column::Args, "CMD", 27, true},
    {"command", Column::Args, "COMMAND", 27, true}, {"tty", Column::Tty, "TT", 8, true},
    {"tt", Column::Tty, "TT", 8, true},          {"tname", Column::Tty, "TTY", 8, true},
    {"uid", Column::Uid, "UID", 5, false},       {"user", Column::User, "USER", 8, true},
    {"c", Column::C, "C", 2, false},             {"stime", Column::Stime, "STIME", 5, false},
};

const ColumnSpec& spec_of(Column c, const char* header_key) {
  for (const ColumnSpec& s : kColumns)
    if (s.column == c && std::strcmp(s.key, header_key) == 0) return s;
  for (const ColumnSpec& s : kColumns)
    if (s.column == c) return s;
  return kColumns[0];
}

// The key whose header each Column shows (the defaults and -f use procps's own choices).
const char* key_of(Column c) {
  switch (c) {
    case Column::Pid: return "pid";
    case Column::Ppid: return "ppid";
    case Column::Pgid: return "pgid";
    case Column::Sid: return "sid";
    case Column::Stat: return "stat";
    case Column::State: return "s";
    case Column::Comm: return "comm";
    case Column::NsPid: return "nspid";
    case Column::Time: return "time";
    case Column::Args: return "args";
    case Column::Tty: return "tt";
    case Column::Uid: return "uid";
    case Column::User: return "user";
    case Column::C: return "c";
    case Column::Stime: return "stime";
    case Column::Cmd: return "ucmd";
    case Column::Tname: return "tname";
    case Column::UidName: return "user";
    case Column::ArgsCmd: return "cmd";
  }
  return "pid";
}

struct Shown {
  const char* header;
  int width;
  bool left;
};
Shown shown(Column c) {
  switch (c) {
    case Column::Cmd: return {"CMD", 15, true};
    case Column::Tname: return {"TTY", 8, true};
    case Column::UidName: return {"UID", 8, true};
    case Column::ArgsCmd: return {"CMD", 27, true};
    default: break;
  }
  const ColumnSpec& s = spec_of(c, key_of(c));
  return {s.header, s.width, s.left};
}

void cell(Out& o, const char* text, const Shown& s, bool last) {
  if (last && s.left) o.put("%s", text);
  else if (s.left) o.put("%-*s", s.width, text);
  else o.put("%*s", s.width, text);
}

}  // namespace

// ---- signals -------------------------------------------------------------------------------------

const char* signal_name(int sig) { return sig >= 1 && sig <= 31 ? kSignalNames[sig] : nullptr; }

int signal_number(const char* text) {
  if (!text || !*text) return -1;
  if (*text >= '0' && *text <= '9') {
    int n = 0;
    for (const char* p = text; *p; ++p) {
      if (*p < '0' || *p > '9' || n > 1000) return -1;
      n = n * 10 + (*p - '0');
    }
    return n <= proto::pid::kSigMax ? n : -1;
  }
  const char* name = text;
  if ((name[0] == 'S' || name[0] == 's') && (name[1] == 'I' || name[1] == 'i') && (name[2] == 'G' || name[2] == 'g'))
    name += 3;
  for (int sig = 1; sig <= 31; ++sig)
    if (equal_upper(name, kSignalNames[sig])) return sig;
  for (const Alias& a : kAliases)
    if (equal_upper(name, a.name)) return a.sig;
  return -1;
}

size_t format_signal_list(char* buf, size_t size) {
  Out o{buf, size};
  int pos = 0;
  for (int sig = 1; sig <= 31; ++sig) {
    if (sig > 1) {
      if (pos > 73) {
        o.put("\n");
        pos = 0;
      } else {
        o.put(" ");
        ++pos;
      }
    }
    o.put("%s", kSignalNames[sig]);
    pos += static_cast<int>(std::strlen(kSignalNames[sig]));
  }
  o.put("\n");
  return o.len;
}

// ---- times ---------------------------------------------------------------------------------------

void format_cpu_time(uint64_t ns, char* out, size_t size) {
  uint64_t s = ns / 1'000'000'000;
  uint64_t days = s / 86400;
  if (days) std::snprintf(out, size, "%llu-%02llu:%02llu:%02llu", static_cast<unsigned long long>(days),
                          static_cast<unsigned long long>(s / 3600 % 24), static_cast<unsigned long long>(s / 60 % 60),
                          static_cast<unsigned long long>(s % 60));
  else std::snprintf(out, size, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                     static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
}

void format_clock_hm(int64_t ns, char* out, size_t size) {
  int64_t s = ns < 0 ? 0 : ns / 1'000'000'000;
  std::snprintf(out, size, "%02d:%02d", static_cast<int>(s / 3600 % 24), static_cast<int>(s / 60 % 60));
}

void format_clock_hms(int64_t ns, char* out, size_t size) {
  int64_t s = ns < 0 ? 0 : ns / 1'000'000'000;
  std::snprintf(out, size, "%02d:%02d:%02d", static_cast<int>(s / 3600 % 24), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
}

void format_uptime(int64_t now_ns, int64_t uptime_ns, int users, const double loads[3], char* buf, size_t size) {
  Out o{buf, size};
  char clock[16];
  format_clock_hms(now_ns, clock, sizeof clock);
  o.put(" %s up ", clock);
  int64_t up = uptime_ns < 0 ? 0 : uptime_ns / 1'000'000'000;
  int days = static_cast<int>(up / 86400), hours = static_cast<int>(up / 3600 % 24),
      minutes = static_cast<int>(up / 60 % 60);
  if (days) o.put("%d day%s, ", days, days != 1 ? "s" : "");
  if (hours) o.put("%2d:%02d, ", hours, minutes);
  else o.put("%d min, ", minutes);
  o.put("%2d user%s, ", users, users == 1 ? "" : "s");
  o.put(" load average: %.2f, %.2f, %.2f", loads[0], loads[1], loads[2]);
}

// ---- free ----------------------------------------------------------------------------------------

void format_size(uint64_t bytes, SizeUnit unit, char* out, size_t size) {
  switch (unit) {
    case SizeUnit::Bytes: std::snprintf(out, size, "%llu", static_cast<unsigned long long>(bytes)); return;
    case SizeUnit::Kibi: std::snprintf(out, size, "%llu", static_cast<unsigned long long>(bytes >> 10)); return;
    case SizeUnit::Mebi: std::snprintf(out, size, "%llu", static_cast<unsigned long long>(bytes >> 20)); return;
    case SizeUnit::Gibi: std::snprintf(out, size, "%llu", static_cast<unsigned long long>(bytes >> 30)); return;
    case SizeUnit::Human: break;
  }
  // procps's scale_size: bytes while they fit in 4 characters, then the first unit whose value
  // fits in 5 with one decimal, or else without.
  char buf[32];
  if (std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(bytes)) <= 4) {
    std::snprintf(out, size, "%s", buf);
    return;
  }
  constexpr char kUnits[] = "KMGTP";
  double scaled = static_cast<double>(bytes);
  for (char u : kUnits) {
    if (!u) break;
    scaled /= 1024.0;
    if (std::snprintf(buf, sizeof buf, "%.1f%ci", scaled, u) <= 5 ||
        std::snprintf(buf, sizeof buf, "%ld%ci", static_cast<long>(scaled), u) <= 5) {
      std::snprintf(out, size, "%s", buf);
      return;
    }
  }
  std::snprintf(out, size, "%s", buf);
}

size_t format_free(const MemoryCounts& m, SizeUnit unit, char* buf, size_t size) {
  Out o{buf, size};
  o.put("%-8s%12s%12s%12s%12s%12s%12s\n", "", "total", "used", "free", "shared", "buff/cache", "available");
  // procps 4: used is what is not available.
  uint64_t used = m.total > m.available ? m.total - m.available : 0;
  uint64_t values[] = {m.total, used, m.free, m.shared, m.buff_cache, m.available};
  o.put("%-8s", "Mem:");
  for (uint64_t v : values) {
    char cellbuf[32];
    format_size(v, unit, cellbuf, sizeof cellbuf);
    o.put("%12s", cellbuf);
  }
  o.put("\n%-8s", "Swap:");
  for (int i = 0; i < 3; ++i) {
    char cellbuf[32];
    format_size(0, unit, cellbuf, sizeof cellbuf);
    o.put("%12s", cellbuf);
  }
  o.put("\n");
  return o.len;
}

// ---- ps --------------------------------------------------------------------------------------------

bool column_from_name(const char* name, size_t length, Column* out) {
  for (const ColumnSpec& s : kColumns) {
    if (std::strlen(s.key) == length && std::strncmp(s.key, name, length) == 0) {
      // The keys whose header differs from their column's usual one.
      if (std::strcmp(s.key, "ucmd") == 0) *out = Column::Cmd;
      else if (std::strcmp(s.key, "tname") == 0) *out = Column::Tname;
      else if (std::strcmp(s.key, "cmd") == 0) *out = Column::ArgsCmd;
      else *out = s.column;
      return true;
    }
  }
  return false;
}

bool parse_columns(const char* list, Column* out, size_t* count, const char** bad) {
  const char* p = list;
  while (*p) {
    while (*p == ',' || *p == ' ') ++p;
    if (!*p) break;
    const char* start = p;
    while (*p && *p != ',' && *p != ' ') ++p;
    Column c;
    if (!column_from_name(start, static_cast<size_t>(p - start), &c) || *count >= kMaxColumns) {
      *bad = start;
      return false;
    }
    out[(*count)++] = c;
  }
  return true;
}

size_t default_columns(Column* out) {
  out[0] = Column::Pid;
  out[1] = Column::Tname;
  out[2] = Column::Time;
  out[3] = Column::Cmd;
  return 4;
}

size_t full_columns(Column* out) {
  const Column cols[] = {Column::UidName, Column::Pid, Column::Ppid, Column::C,
                         Column::Stime,   Column::Tname, Column::Time, Column::ArgsCmd};
  for (size_t i = 0; i < 8; ++i) out[i] = cols[i];
  return 8;
}

size_t format_header(const Column* cols, size_t count, char* buf, size_t size) {
  Out o{buf, size};
  for (size_t i = 0; i < count; ++i) {
    if (i) o.put(" ");
    Shown s = shown(cols[i]);
    cell(o, s.header, s, i + 1 == count);
  }
  o.put("\n");
  return o.len;
}

size_t format_row(const Column* cols, size_t count, const proto::pid::ProcInfo& p, int64_t now_ns, char* buf,
                  size_t size) {
  Out o{buf, size};
  char name[proto::pid::kMaxName + 1];
  std::memcpy(name, p.name, proto::pid::kMaxName);
  name[proto::pid::kMaxName] = '\0';
  for (size_t i = 0; i < count; ++i) {
    if (i) o.put(" ");
    char text[128];
    Shown s = shown(cols[i]);
    switch (cols[i]) {
      case Column::Pid: std::snprintf(text, sizeof text, "%d", p.pid); break;
      case Column::Ppid: std::snprintf(text, sizeof text, "%d", p.ppid); break;
      case Column::Pgid: std::snprintf(text, sizeof text, "%d", p.pgid); break;
      case Column::Sid: std::snprintf(text, sizeof text, "%d", p.sid); break;
      case Column::State: std::snprintf(text, sizeof text, "%c", static_cast<char>(p.state)); break;
      case Column::Stat:
        // The state, then s for a session leader (procps's other flags are not modelled).
        std::snprintf(text, sizeof text, "%c%s", static_cast<char>(p.state), p.pid == p.sid ? "s" : "");
        break;
      case Column::Comm: case Column::Cmd: std::snprintf(text, sizeof text, "%s", name); break;
      case Column::Args: case Column::ArgsCmd:
        // pidsrv keeps no argv: the name, as procps shows a process whose cmdline it cannot read.
        std::snprintf(text, sizeof text, "%s", name);
        break;
      case Column::NsPid: {
        size_t len = 0;
        text[0] = '\0';
        uint32_t levels = p.levels < proto::pid::kMaxLevels ? p.levels : proto::pid::kMaxLevels;
        for (uint32_t l = 0; l < levels && len + 12 < sizeof text; ++l)
          len += static_cast<size_t>(std::snprintf(text + len, sizeof text - len, l ? ",%d" : "%d", p.nspid[l]));
        break;
      }
      case Column::Time: format_cpu_time(p.cpu_ns, text, sizeof text); break;
      case Column::Tty: case Column::Tname:
        // No controlling terminals yet: every process shows "?", as Linux's daemons do.
        std::snprintf(text, sizeof text, "?");
        break;
      case Column::Uid: std::snprintf(text, sizeof text, "%u", p.uid); break;
      case Column::User: case Column::UidName:
        if (p.uid == 0) std::snprintf(text, sizeof text, "root");
        else std::snprintf(text, sizeof text, "%u", p.uid);
        break;
      case Column::C: {
        // procps's C: CPU time over elapsed time, in percent, whole.
        int64_t elapsed = now_ns - p.start_ns;
        uint64_t pct = elapsed > 0 ? p.cpu_ns * 100 / static_cast<uint64_t>(elapsed) : 0;
        std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(pct > 99 ? 99 : pct));
        break;
      }
      case Column::Stime: format_clock_hm(p.start_ns, text, sizeof text); break;
    }
    cell(o, text, s, i + 1 == count);
  }
  o.put("\n");
  return o.len;
}

}  // namespace utils
