// servers/runtime/stdio_glue.h: how picolibc's stdio (stdio.cc) and the fd table (fd.cc) meet. Not
// for programs.
#pragma once

#include "koios/handle.h"
#include "koios/types.h"

namespace koios::runtime {

// Writes what stdout and stderr hold (at exit, and before any write(2), so that printf's bytes and
// write's stay in the order the program made them).
void stdio_flush_all();
// Moves up to `size` bytes that stdin's buffer holds (read by getc, not consumed yet) into buffer:
// read(0) hands them out before reading more. Returns the count.
usize stdin_take_buffered(void* buffer, usize size);

// write(2) and read(2) without the stdio flush: all `size` bytes (through short writes) or -1 with
// errno; a read answers what one read gives (0 at end of file). stdio's streams go through these.
long fd_write_raw(int fd, const void* buffer, usize size);
long fd_read_raw(int fd, void* buffer, usize size);
// The socket behind fd 0, 1 or 2 (still the fd table's), or kInvalidHandle (the console, none):
// posix_spawn and execve hand duplicates to the next program.
Handle stdio_socket(int fd);

}  // namespace koios::runtime
