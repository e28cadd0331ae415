// kernel/monitor.cc: commands: help, echo, harts, mem, uptime, poweroff [CODE]. End of input
// (^D, which scripts/run sends when its piped input ends) powers off cleanly with status 0.
// Once a process reads the console (console_read), the monitor steps aside for good.
#include "kernel/monitor.h"

#include <cstring>

#include "kernel/console.h"
#include "kernel/lib/log.h"
#include "kernel/sched/per_hart.h"
#include "kernel/sched/scheduler.h"
#include "kernel/vm/heap.h"
#include "kernel/vm/pmm.h"
#include "platform/platform.h"

namespace kernel::monitor {
namespace {

using koios::u64;

constexpr koios::usize kLineMax = 256;
constexpr u64 kInputPollNs = 10'000'000;
constexpr char kEndOfInput = 0x04;  // ^D

struct Words {
  const char* word[16];
  int count = 0;
};

Words split(char* line) {
  Words w;
  char* p = line;
  while (*p != 0 && w.count < 16) {
    while (*p == ' ' || *p == '\t') *p++ = 0;
    if (*p == 0) break;
    w.word[w.count++] = p;
    while (*p != 0 && *p != ' ' && *p != '\t') ++p;
  }
  return w;
}

bool parse_u32(const char* s, koios::u32* out) {
  u64 v = 0;
  if (*s == 0) return false;
  for (; *s != 0; ++s) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + u64(*s - '0');
    if (v > 255) return false;  // QEMU's exit status is one byte
  }
  *out = koios::u32(v);
  return true;
}

void execute(char* line) {
  Words w = split(line);
  if (w.count == 0) return;
  const char* cmd = w.word[0];
  if (std::strcmp(cmd, "help") == 0) {
    print("commands: help, echo WORDS, harts, mem, uptime, poweroff [CODE]; ^D ends input\n");
  } else if (std::strcmp(cmd, "echo") == 0) {
    for (int i = 1; i < w.count; ++i) print(i + 1 < w.count ? "%s " : "%s", w.word[i]);
    print("\n");
  } else if (std::strcmp(cmd, "harts") == 0) {
    for (koios::u32 c = 0; c < platform::cpu_count(); ++c) {
      PerHart& h = hart(c);
      print("cpu%u hart%lu %s timer_irqs=%lu ipis=%lu\n", c, h.hart_id, h.online.load() ? "online" : "offline",
            h.timer_interrupts.load(), h.ipis_received.load());
    }
  } else if (std::strcmp(cmd, "mem") == 0) {
    print("pages: %lu total, %lu free; heap: %zu bytes in %zu blocks\n", pmm::total_page_count(),
          pmm::free_page_count(), heap::bytes_in_use(), heap::blocks_in_use());
  } else if (std::strcmp(cmd, "uptime") == 0) {
    u64 ns = platform::now_ns();
    print("up %lu.%06lu s\n", ns / 1'000'000'000, (ns / 1000) % 1'000'000);
  } else if (std::strcmp(cmd, "poweroff") == 0) {
    koios::u32 code = 0;
    if (w.count > 1 && !parse_u32(w.word[1], &code)) {
      print("monitor: poweroff: %s: not a status from 0 to 255\n", w.word[1]);
      return;
    }
    print("poweroff: status %u\n", code);
    platform::shutdown(code);
  } else {
    print("monitor: %s: not found\n", cmd);
  }
}

}  // namespace

void run() {
  char line[kLineMax + 1];
  koios::usize length = 0;
  bool overlong = false;
  bool after_cr = false;  // a terminal sends \r, a pipe \n; \r\n is one line end, not two
  // The console shell (init starts it by default) took the console before start-up was done:
  // the monitor stays silent rather than print a prompt nobody can answer.
  if (console::owned_by_user()) {
    for (;;) Scheduler::block_until(Scheduler::kForever);
  }
  print("koios> ");
  for (;;) {
    int c = console::monitor_read_byte();
    if (c < 0) {
      if (console::owned_by_user()) {
        print("\nmonitor: console input goes to user space now\n");
        for (;;) Scheduler::block_until(Scheduler::kForever);
      }
      // A poll timer stays armed while we wait: under -icount with sleep=off, QEMU 7.2 stops
      // delivering input to a machine that is idle with no timer pending.
      // The monitor is a thread that may move between harts, so it sleeps through the scheduler
      // (its timer can be cancelled from anywhere); the poll also keeps a timer armed under icount.
      if (!platform::console_input_pending()) Scheduler::block_until(platform::now_ns() + kInputPollNs);
      continue;
    }
    if (c == kEndOfInput) {
      if (length > 0 && !overlong) {
        line[length] = 0;
        print("\n");
        execute(line);
      }
      print("\nmonitor: end of input\n");
      platform::shutdown(0);
    }
    bool skip_lf = after_cr && c == '\n';
    after_cr = c == '\r';
    if (skip_lf) continue;
    if (c == '\r' || c == '\n') {
      print("\n");
      line[length] = 0;
      if (overlong) print("monitor: line longer than %zu bytes ignored\n", kLineMax);
      else execute(line);
      length = 0;
      overlong = false;
      print("koios> ");
      continue;
    }
    if (c == 0x7f || c == 0x08) {  // backspace
      if (length > 0) {
        --length;
        print("\b \b");
      }
      continue;
    }
    if (c < 0x20) continue;  // other control characters are ignored
    char ch = char(c);
    platform::console_write(&ch, 1);
    if (length < kLineMax) line[length++] = ch;
    else overlong = true;
  }
}

}  // namespace kernel::monitor
