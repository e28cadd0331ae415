// tests/user/fault.cc: writes to its own code. The kernel must kill it (a store page fault),
// report it, and keep running.
#include "user_lib.h"

extern "C" int main() {
  user::say("about to write to my own code");
  *reinterpret_cast<volatile int*>(&main) = 0;
  user::say("still alive: the write was not stopped");
  return 0;
}
