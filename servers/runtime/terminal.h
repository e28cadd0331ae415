// servers/runtime/terminal.h: reading the console as a terminal in canonical mode, for a program
// whose fd 0 is the console (the console shell hands its foreground programs a Console resource
// as their stdio). The console itself is raw bytes; this is the line discipline a tty would apply:
// echo, backspace (DEL or ^H), ^U kills the line, a line is handed over at its end ('\r' or '\n',
// both given as '\n'), ^D hands over what is typed (on an empty line: end of file), and a ^C
// read here raises SIGINT in this process (the shell sees a ^C only while it is still unread).
// Bytes after a line's end stay in the console for whoever reads next, as with a terminal.
#pragma once

#include "koios/types.h"
#include "syscalls.h"

namespace koios::runtime {

// Up to `size` bytes of the next line from the console resource `console`; 0 at end of file; -1
// with errno (EINTR when a signal handler ran, EIO when the console cannot be read).
long terminal_read(Handle console, void* buffer, usize size);

// Console output through the resource (console_write keeps partial lines together).
long terminal_write(Handle console, const char* data, usize size);

}  // namespace koios::runtime
