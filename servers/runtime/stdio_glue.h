// servers/runtime/stdio_glue.h: the runtime's side of picolibc's stdio (stdio.cc). Not for programs.
#pragma once

#include "koios/handle.h"
#include "koios/types.h"

namespace koios::runtime {

// Takes the Fd 0, 1 and 2 start-up handles (sockets) for stdin, stdout and stderr; without them,
// output goes to debug_write and input is at end of file.
void stdio_init();
// Writes what stdout and stderr hold (at exit and before a raw write to fd 1 or 2).
void stdio_flush_all();
// write(2) and read(2) on fd 0, 1, 2: the bytes go straight to the socket (or debug_write).
// Return the count, or -1 with errno set.
long stdio_write(int fd, const void* buffer, usize size);
long stdio_read(int fd, void* buffer, usize size);
// The socket behind fd 0, 1 or 2 (still the stream's), or kInvalidHandle (debug_write, none):
// posix_spawn and execve hand duplicates to the next program.
Handle stdio_socket(int fd);

}  // namespace koios::runtime
