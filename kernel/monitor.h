// kernel/monitor.h: a line-oriented console monitor that stands in for the shell until user space
// exists (it goes when init and the shell land). It echoes what it reads, like a terminal.
#pragma once

namespace kernel::monitor {

[[noreturn]] void run();

}  // namespace kernel::monitor
