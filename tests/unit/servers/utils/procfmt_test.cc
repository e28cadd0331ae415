// tests/unit/servers/utils/procfmt_test.cc: the formats of kill, ps, free and uptime, checked
// against what procps prints on Linux (the expected strings are procps-ng's output).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "servers/utils/procfmt.h"

using proto::pid::ProcInfo;
using proto::pid::ProcState;

namespace {

ProcInfo proc(int pid, int ppid, int sid, const char* name, uint64_t cpu_ns = 0) {
  ProcInfo p{};
  p.pid = pid;
  p.ppid = ppid;
  p.pgid = sid;
  p.sid = sid;
  p.state = ProcState::Sleeping;
  p.levels = 1;
  p.nspid[0] = pid;
  std::strncpy(p.name, name, sizeof p.name);
  p.cpu_ns = cpu_ns;
  return p;
}

std::string header(const utils::Column* cols, size_t n) {
  char buf[256];
  utils::format_header(cols, n, buf, sizeof buf);
  return buf;
}

std::string row(const utils::Column* cols, size_t n, const ProcInfo& p, int64_t now = 0) {
  char buf[256];
  utils::format_row(cols, n, p, now, buf, sizeof buf);
  return buf;
}

}  // namespace

TEST_CASE("signal names and numbers convert both ways, with or without SIG, in any case", "[utils][kill]") {
  CHECK(std::string(utils::signal_name(9)) == "KILL");
  CHECK(std::string(utils::signal_name(29)) == "POLL");
  CHECK(utils::signal_name(0) == nullptr);
  CHECK(utils::signal_name(32) == nullptr);
  CHECK(utils::signal_number("KILL") == 9);
  CHECK(utils::signal_number("SIGKILL") == 9);
  CHECK(utils::signal_number("term") == 15);
  CHECK(utils::signal_number("sigusr1") == 10);
  CHECK(utils::signal_number("IO") == 29);
  CHECK(utils::signal_number("9") == 9);
  CHECK(utils::signal_number("0") == 0);
  CHECK(utils::signal_number("64") == 64);
  CHECK(utils::signal_number("65") == -1);
  CHECK(utils::signal_number("FOO") == -1);
  CHECK(utils::signal_number("SIG") == -1);
  CHECK(utils::signal_number("9x") == -1);
  CHECK(utils::signal_number("") == -1);
}

TEST_CASE("kill -l lists the signals as procps does, two lines", "[utils][kill]") {
  char buf[512];
  size_t n = utils::format_signal_list(buf, sizeof buf);
  CHECK(std::string(buf, n) ==
        "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\n"
        "CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n");
  SECTION("a short buffer is cut, never overrun") {
    char small[10];
    size_t m = utils::format_signal_list(small, sizeof small);
    CHECK(m == 9);
    CHECK(std::string(small) == "HUP INT Q");
  }
}

TEST_CASE("ps's default columns are PID TTY TIME CMD", "[utils][ps]") {
  utils::Column cols[utils::kMaxColumns];
  size_t n = utils::default_columns(cols);
  CHECK(header(cols, n) == "  PID TTY          TIME CMD\n");
  CHECK(row(cols, n, proc(1, 0, 1, "init")) == "    1 ?        00:00:00 init\n");
  CHECK(row(cols, n, proc(12345, 1, 1, "sh", 3'723'000'000'000)) == "12345 ?        01:02:03 sh\n");
}

TEST_CASE("ps -f adds UID PPID C STIME", "[utils][ps]") {
  utils::Column cols[utils::kMaxColumns];
  size_t n = utils::full_columns(cols);
  CHECK(header(cols, n) == "UID        PID  PPID  C STIME TTY          TIME CMD\n");
  ProcInfo p = proc(5, 1, 1, "sh", 1'000'000'000);
  p.start_ns = 3'600'000'000'000 + 120'000'000'000;   // 01:02 after boot
  // One second of CPU in ten of life: C is 10.
  CHECK(row(cols, n, p, p.start_ns + 10'000'000'000) == "root         5     1 10 01:02 ?        00:00:01 sh\n");
}

TEST_CASE("ps -o takes procps's keys and headers", "[utils][ps]") {
  utils::Column cols[utils::kMaxColumns];
  size_t n = 0;
  const char* bad = nullptr;
  REQUIRE(utils::parse_columns("pid,ppid,pgid,sid,stat,comm,nspid,time,args", cols, &n, &bad));
  REQUIRE(n == 9);
  CHECK(header(cols, n) == "  PID  PPID  PGID   SID STAT COMMAND         NSPID        TIME COMMAND\n");
  ProcInfo p = proc(7, 1, 7, "sh");
  p.levels = 2;
  p.nspid[1] = 1;
  CHECK(row(cols, n, p) == "    7     1     7     7 Ss   sh              7,1      00:00:00 sh\n");
  SECTION("spaces separate keys too, and a last left-aligned column is not padded") {
    n = 0;
    REQUIRE(utils::parse_columns("pid comm", cols, &n, &bad));
    CHECK(header(cols, n) == "  PID COMMAND\n");
    CHECK(row(cols, n, proc(3, 1, 1, "mountsrv")) == "    3 mountsrv\n");
  }
  SECTION("states: R, S, T, Z") {
    n = 0;
    REQUIRE(utils::parse_columns("s", cols, &n, &bad));
    ProcInfo q = proc(3, 1, 1, "x");
    q.state = ProcState::Stopped;
    CHECK(row(cols, n, q) == "T\n");
    q.state = ProcState::Zombie;
    CHECK(row(cols, n, q) == "Z\n");
  }
  SECTION("an unknown key is refused and named") {
    n = 0;
    CHECK_FALSE(utils::parse_columns("pid,bogus,comm", cols, &n, &bad));
    CHECK(std::string(bad, 5) == "bogus");
  }
}

TEST_CASE("ps's TIME goes to days past 24 hours", "[utils][ps]") {
  char buf[32];
  utils::format_cpu_time(0, buf, sizeof buf);
  CHECK(std::string(buf) == "00:00:00");
  utils::format_cpu_time(90'061'000'000'000ull, buf, sizeof buf);   // 1 day 1:01:01
  CHECK(std::string(buf) == "1-01:01:01");
}

TEST_CASE("free prints procps 4's table", "[utils][free]") {
  utils::MemoryCounts m{};
  m.total = 512ull << 20;
  m.free = 475ull << 20;
  m.available = m.free;
  char buf[512];
  utils::format_free(m, utils::SizeUnit::Kibi, buf, sizeof buf);
  CHECK(std::string(buf) ==
        "               total        used        free      shared  buff/cache   available\n"
        "Mem:          524288       37888      486400           0           0      486400\n"
        "Swap:              0           0           0\n");
  utils::format_free(m, utils::SizeUnit::Mebi, buf, sizeof buf);
  CHECK(std::string(buf).find("Mem:             512          37         475           0           0         475\n") !=
        std::string::npos);
  utils::format_free(m, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf).find("Mem:           512Mi        37Mi       475Mi          0B          0B       475Mi\n") !=
        std::string::npos);
  CHECK(std::string(buf).find("Swap:             0B          0B          0B\n") != std::string::npos);
}

TEST_CASE("free -h scales as procps's scale_size", "[utils][free]") {
  char buf[32];
  utils::format_size(0, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf) == "0B");
  utils::format_size(999, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf) == "999B");
  utils::format_size(1023, utils::SizeUnit::Human, buf, sizeof buf);   // "1023B" is too wide
  CHECK(std::string(buf) == "1.0Ki");
  utils::format_size(1536, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf) == "1.5Ki");
  utils::format_size(9ull << 20 | 700ull << 10, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf) == "9.7Mi");
  utils::format_size(23ull << 30, utils::SizeUnit::Human, buf, sizeof buf);
  CHECK(std::string(buf) == "23Gi");
  utils::format_size(5000, utils::SizeUnit::Bytes, buf, sizeof buf);
  CHECK(std::string(buf) == "5000");
}

TEST_CASE("uptime prints procps's line", "[utils][uptime]") {
  const double loads[3] = {0, 0, 0};
  char buf[128];
  utils::format_uptime(312'000'000'000, 312'000'000'000, 0, loads, buf, sizeof buf);
  CHECK(std::string(buf) == " 00:05:12 up 5 min,  0 users,  load average: 0.00, 0.00, 0.00");
  utils::format_uptime(3'725'000'000'000, 3'725'000'000'000, 1, loads, buf, sizeof buf);
  CHECK(std::string(buf) == " 01:02:05 up  1:02,  1 user,  load average: 0.00, 0.00, 0.00");
  int64_t two_days = 2 * 86'400'000'000'000 + 60'000'000'000;
  utils::format_uptime(two_days, two_days, 2, loads, buf, sizeof buf);
  CHECK(std::string(buf) == " 00:01:00 up 2 days, 1 min,  2 users,  load average: 0.00, 0.00, 0.00");
}
