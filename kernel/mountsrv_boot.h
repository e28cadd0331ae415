// kernel/mountsrv_boot.h: mountsrv=PROGRAM, a boot argument for tests until init and a spawner
// exist (issue 6): the kernel starts mountsrv from the boot filesystem with the boot image as a
// read-only VMO, then runs PROGRAM with a directory channel to it, and waits for PROGRAM.
#pragma once

#include "kernel/lib/bootargs.h"

namespace kernel {

void run_with_mountsrv(const BootArgs& args);

}  // namespace kernel
