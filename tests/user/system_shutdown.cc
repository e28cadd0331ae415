// tests/user/system_shutdown.cc: started with run=system_shutdown and the root resource in a0. It
// derives the power resource, checks the refusals, then powers the machine off with status 7, which
// QEMU's exit status must show (scenario system_shutdown_7.scn). Returning at all is a failure.
#include "user_lib.h"

using koios::Handle;
using koios::ResourceKind;
using koios::Status;

extern "C" int main(koios::u64 root_value) {
  auto root = static_cast<Handle>(root_value);
  Handle power = 0, console = 0;
  if (koios::resource_create(root, ResourceKind::Power, 0, &power) != Status::Ok) return 1;
  if (koios::resource_create(root, ResourceKind::Console, 0, &console) != Status::Ok) return 2;
  if (koios::system_shutdown(console, 7) != Status::AccessDenied) return 3;
  if (koios::system_shutdown(power, 300) != Status::InvalidArgs) return 4;
  user::say("system_shutdown: powering off with status 7");
  koios::system_shutdown(power, 7);
  return 5;  // still here: the call did not power off
}
