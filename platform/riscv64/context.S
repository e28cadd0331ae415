/* platform/riscv64/context.S: switching kernel threads. Only the callee-saved registers (ra, sp,
 * s0-s11) need saving: platform_context_switch is an ordinary call, so the compiler has already
 * saved everything else it needs. Layout: platform::Context in platform.h (14 doublewords). */

  .section .text
  .globl platform_context_switch
  .balign 4
/* platform_context_switch(Context* from, Context* to) */
platform_context_switch:
  sd ra, 0(a0)
  sd sp, 8(a0)
  sd s0, 16(a0)
  sd s1, 24(a0)
  sd s2, 32(a0)
  sd s3, 40(a0)
  sd s4, 48(a0)
  sd s5, 56(a0)
  sd s6, 64(a0)
  sd s7, 72(a0)
  sd s8, 80(a0)
  sd s9, 88(a0)
  sd s10, 96(a0)
  sd s11, 104(a0)
  ld ra, 0(a1)
  ld sp, 8(a1)
  ld s0, 16(a1)
  ld s1, 24(a1)
  ld s2, 32(a1)
  ld s3, 40(a1)
  ld s4, 48(a1)
  ld s5, 56(a1)
  ld s6, 64(a1)
  ld s7, 72(a1)
  ld s8, 80(a1)
  ld s9, 88(a1)
  ld s10, 96(a1)
  ld s11, 104(a1)
  ret                             /* into `to`: where it called us, or its start trampoline */

/* A new thread's first instructions: its Context has ra = here, s1 = the C++ start function,
 * s2 = its argument (see platform::Context::for_new_thread). fp = 0 ends backtraces. */
  .globl platform_thread_trampoline
  .balign 4
platform_thread_trampoline:
  mv fp, zero
  mv a0, s2
  jalr s1
1:
  wfi                             /* the start function never returns */
  j 1b
