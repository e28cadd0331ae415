/* servers/runtime/start.S: a program's first instruction. The kernel enters with sp at the top of
 * the stack it mapped and a0 = the start-up argument; main's return value ends the process. */
  .section .text.start, "ax"
  .globl _start
_start:
  mv fp, zero                 /* ends backtraces */
  call main
  li a7, 77                   /* process_exit (kernel/abi/koios/syscalls.def) */
  ecall
1:
  j 1b
