/* platform/riscv64/entry.S: where OpenSBI enters the kernel, for the boot hart and for each
 * secondary hart started through SBI HSM. Runs with the MMU off, interrupts off, in S-mode. */
#include "asm_offsets.h"

  .section .text.entry, "ax"
  .globl _start
_start:
  /* a0 = hart id, a1 = physical address of the device tree blob (SBI boot protocol). */
  csrw sie, zero                  /* no interrupts until the trap vector is set */
  /* Only the first hart to arrive boots. OpenSBI enters one hart here, but other firmware may
   * enter several; a later one hands itself back to the firmware (SBI HSM hart_stop), so the
   * kernel can start it on secondary_entry like any other hart. The flag lives in .data because
   * the winner clears .bss. */
  la t0, boot_lottery
  li t1, 1
  amoswap.w t1, t1, (t0)
  bnez t1, .Lnot_the_boot_hart
  csrw sscratch, zero             /* sscratch = 0 means "trapped from the kernel" (see trap.S) */
  li tp, 0                        /* no per-hart state yet: trap.S treats tp == 0 as "early boot" */
  /* Clear .bss: C++ relies on zeroed statics. The boot stack is NOLOAD past it, not cleared. */
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  la sp, __boot_stack_top
  mv fp, zero                     /* terminates backtraces */
  /* platform_boot(hart id, dtb) never returns. */
  call platform_boot
3:
  wfi
  j 3b

.Lnot_the_boot_hart:
  li a7, 0x48534D                 /* SBI HSM extension */
  li a6, 1                        /* hart_stop: does not return when it succeeds */
  ecall
6:
  wfi
  j 6b

  /* Secondary harts: SBI HSM hart_start enters here with a0 = hart id, a1 = opaque, which is the
   * hart's per-hart block; its first field is the top of the hart's boot stack (identity mapped). */
  .globl secondary_entry
  .balign 4
secondary_entry:
  csrw sie, zero
  csrw sscratch, zero
  mv tp, a1                       /* per-hart pointer lives in tp for the rest of the hart's life */
  ld sp, PER_HART_BOOT_STACK_TOP(tp)
  mv fp, zero
  mv a0, a1
  call platform_secondary_boot
4:
  wfi
  j 4b

  /* call_on_stack(top, fn, arg): switch to the stack whose top is `top` and call fn(arg); fn must
   * not return. Used to move each hart from its boot stack to its guarded stack. */
  .globl call_on_stack
  .balign 4
call_on_stack:
  mv sp, a0
  mv fp, zero
  mv t0, a1
  mv a0, a2
  jalr t0
5:
  wfi
  j 5b

  .section .data
  .balign 4
boot_lottery:
  .word 0
