// kernel/lib/log.cc: formats into a per-call stack buffer, then writes the line in one console
// call, which the platform serialises across harts.
#include "kernel/lib/log.h"

#include "kernel/lib/format.h"
#include "kernel/sched/per_hart.h"
#include "platform/platform.h"

namespace kernel {
namespace {
constexpr koios::usize kLineMax = 512;

void write_line(char* line, koios::usize n) {
  if (n >= kLineMax) {  // truncated: say so rather than cut silently
    n = kLineMax - 1;
    line[n - 4] = '.', line[n - 3] = '.', line[n - 2] = '.', line[n - 1] = '\n';
  }
  platform::console_write(line, n);
}
}  // namespace

void log(LogLevel level, const char* fmt, ...) {
  char line[kLineMax];
  koios::u64 ns = platform::now_ns();
  koios::usize n = format(line, sizeof line, "[%5lu.%06lu] %c hart%lu: ", ns / 1'000'000'000,
                          (ns / 1000) % 1'000'000, static_cast<char>(level),
                          static_cast<unsigned long>(current_hart_id()));
  va_list args;
  va_start(args, fmt);
  if (n < sizeof line) n += vformat(line + n, sizeof line - n, fmt, args);
  va_end(args);
  if (n + 1 < sizeof line) {
    line[n++] = '\n';
    line[n] = 0;
  } else {
    n = sizeof line;
  }
  write_line(line, n);
}

void vprint(const char* fmt, va_list args) {
  char line[kLineMax];
  koios::usize n = vformat(line, sizeof line, fmt, args);
  write_line(line, n < sizeof line ? n : sizeof line);
}

void print(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vprint(fmt, args);
  va_end(args);
}

}  // namespace kernel
