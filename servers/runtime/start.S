/* servers/runtime/start.S: a program's first instruction (runtime_dep). The kernel enters with sp
 * at the top of the stack it mapped and a0 = the bootstrap channel (or, from older spawners, a
 * number or some other handle); everything else happens in koios_runtime_start (runtime.cc). */
  .section .text.start, "ax"
  .globl _start
_start:
  mv fp, zero                 /* ends backtraces */
  /* The main thread's TLS block is the .tdata/.tbss image in the data segment (user.ld): the
   * loader already copied .tdata and zeroed the rest. RISC-V's TLS has no TCB before the block,
   * so tp points at its start; picolibc's errno lives there. */
  la tp, __tls_base
  call koios_runtime_start    /* a0 and a1 pass through; never returns */
1:
  j 1b
