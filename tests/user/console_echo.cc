// tests/user/console_echo.cc: started with run=console_echo and the root resource in a0. It reads
// the console with console_read (which takes input from the kernel monitor), waiting on the console
// resource's Readable signal when nothing is there, and writes each line back with console_write
// as "echo: LINE". ^D (0x04) ends input: it powers off with status 0 (scenario console_echo.scn).
#include "user_lib.h"

using koios::Handle;
using koios::ResourceKind;
using koios::Signals;
using koios::Status;

namespace {

constexpr koios::u64 kLineMax = 200;
constexpr char kEndOfInput = 0x04;

Handle g_console = 0;

void write(const char* text, koios::u64 length) { (void)koios::console_write(g_console, text, length); }

}  // namespace

extern "C" int main(koios::u64 root_value) {
  auto root = static_cast<Handle>(root_value);
  Handle power = 0;
  if (koios::resource_create(root, ResourceKind::Console, 0, &g_console) != Status::Ok) return 1;
  if (koios::resource_create(root, ResourceKind::Power, 0, &power) != Status::Ok) return 2;
  static const char kReady[] = "console_echo: reading the console\n";
  write(kReady, sizeof kReady - 1);

  static char line[6 + kLineMax + 1] = {'e', 'c', 'h', 'o', ':', ' '};  // static: no memset
  koios::u64 length = 6;
  char input[64];
  for (;;) {
    koios::u64 got = 0;
    Status s = koios::console_read(g_console, input, sizeof input, &got);
    if (s == Status::ShouldWait) {
      Signals seen = Signals::None;
      if (koios::object_wait_one(g_console, Signals::Readable, koios::kDeadlineInfinite, &seen) != Status::Ok) return 3;
      continue;
    }
    if (s != Status::Ok || got == 0) return 4;
    for (koios::u64 i = 0; i < got; ++i) {
      char c = input[i];
      if (c == kEndOfInput) {
        static const char kEnd[] = "console_echo: end of input\n";
        write(kEnd, sizeof kEnd - 1);
        koios::system_shutdown(power, 0);
        return 5;
      }
      if (c == '\r') continue;
      if (c == '\n') {
        line[length++] = '\n';
        write(line, length);
        length = 6;
        continue;
      }
      if (length < 6 + kLineMax) line[length++] = c;
    }
  }
}
