/* servers/runtime/start_bare.S: a bare program's first instruction (runtime_bare_dep). The kernel
 * enters with sp at the top of the stack it mapped and a0 = the start-up argument, which main gets
 * as it is; main's return value ends the process. No C library is set up: no stdio, no TLS. */
  .section .text.start, "ax"
  .globl _start
_start:
  mv fp, zero                 /* ends backtraces */
  call main
  li a7, 77                   /* process_exit (kernel/abi/koios/syscalls.def) */
  ecall
1:
  j 1b
