// kernel/console.h: who reads console input. The kernel monitor does, until a process first calls
// console_read with a console (or root) resource: from then on the monitor reads nothing more and
// every byte goes, in order, to console_read. The console resource (Resource::of(Console))
// carries Readable while input is waiting; a root resource allows console_read but carries no signal.
#pragma once

#include "koios/result.h"

namespace kernel::console {

// The console interrupt: bytes arrived, so assert Readable on the console resource.
void on_input();
// The monitor's read: the next byte, or -1 when none is waiting or user space owns the console.
int monitor_read_byte();
// Whether user space owns console input (the monitor then steps aside for good).
bool owned_by_user();
// Gives console input to user space for good; from its return the monitor gets no byte.
void take_for_user();
// Moves up to `size` waiting bytes to `buffer` (taking the console for user space first);
// returns how many, 0 when none is waiting. Keeps Readable in step with what is left.
koios::usize read_for_user(char* buffer, koios::usize size);

}  // namespace kernel::console
