/* platform/riscv64/trap.S: S-mode trap entry and exit for traps taken in the kernel.
 *
 * Invariants:
 *   in the kernel: tp = this hart's kernel::PerHart (0 only in the first instructions of boot),
 *                  sscratch = 0 (trap.S borrows it for one register while it has no free one)
 *   in user mode:  tp = the user's, sscratch = this hart's PerHart
 * So the first instruction swaps tp and sscratch: a non-zero tp afterwards means "from user".
 *
 * A kernel stack overflow runs into the unmapped guard page under the stack and faults. The
 * handler must not push a trap frame onto the overflowed stack (that would fault again, forever),
 * so before saving anything we check that the frame fits above this hart's stack limit and,
 * if it does not, switch to the hart's emergency stack. */
#include "asm_offsets.h"

/* Saves every general register but sp (x2) and t0 (x5), which the caller handles. */
.macro SAVE_GPRS_EXCEPT_SP_T0
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  sd x6, 6*8(sp)
  sd x7, 7*8(sp)
  sd x8, 8*8(sp)
  sd x9, 9*8(sp)
  sd x10, 10*8(sp)
  sd x11, 11*8(sp)
  sd x12, 12*8(sp)
  sd x13, 13*8(sp)
  sd x14, 14*8(sp)
  sd x15, 15*8(sp)
  sd x16, 16*8(sp)
  sd x17, 17*8(sp)
  sd x18, 18*8(sp)
  sd x19, 19*8(sp)
  sd x20, 20*8(sp)
  sd x21, 21*8(sp)
  sd x22, 22*8(sp)
  sd x23, 23*8(sp)
  sd x24, 24*8(sp)
  sd x25, 25*8(sp)
  sd x26, 26*8(sp)
  sd x27, 27*8(sp)
  sd x28, 28*8(sp)
  sd x29, 29*8(sp)
  sd x30, 30*8(sp)
  sd x31, 31*8(sp)
.endm

/* Restores every general register but sp (x2) and tp (x4) from the frame at sp. */
.macro RESTORE_GPRS_EXCEPT_SP_TP
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x5, 5*8(sp)
  ld x6, 6*8(sp)
  ld x7, 7*8(sp)
  ld x8, 8*8(sp)
  ld x9, 9*8(sp)
  ld x10, 10*8(sp)
  ld x11, 11*8(sp)
  ld x12, 12*8(sp)
  ld x13, 13*8(sp)
  ld x14, 14*8(sp)
  ld x15, 15*8(sp)
  ld x16, 16*8(sp)
  ld x17, 17*8(sp)
  ld x18, 18*8(sp)
  ld x19, 19*8(sp)
  ld x20, 20*8(sp)
  ld x21, 21*8(sp)
  ld x22, 22*8(sp)
  ld x23, 23*8(sp)
  ld x24, 24*8(sp)
  ld x25, 25*8(sp)
  ld x26, 26*8(sp)
  ld x27, 27*8(sp)
  ld x28, 28*8(sp)
  ld x29, 29*8(sp)
  ld x30, 30*8(sp)
  ld x31, 31*8(sp)
.endm

/* Saves the trap CSRs into the frame at sp; clobbers t0. */
.macro SAVE_CSRS
  csrr t0, sepc
  sd t0, TRAP_FRAME_SEPC(sp)
  csrr t0, sstatus
  sd t0, TRAP_FRAME_SSTATUS(sp)
  csrr t0, scause
  sd t0, TRAP_FRAME_SCAUSE(sp)
  csrr t0, stval
  sd t0, TRAP_FRAME_STVAL(sp)
.endm

  .section .text
  .globl kernel_trap_vector
  .balign 4
kernel_trap_vector:
  csrrw tp, sscratch, tp              /* tp = PerHart if we came from user mode, else 0 */
  bnez tp, .Lfrom_user
  csrrw tp, sscratch, zero            /* from the kernel: tp back, sscratch = 0 again */
  csrw sscratch, t0                   /* borrow t0; restored from sscratch below */
  beqz tp, .Lframe_on_current_stack   /* early boot: no per-hart limits known yet */
  ld t0, PER_HART_STACK_LOW(tp)       /* lowest address the current stack may use */
  addi sp, sp, -TRAP_FRAME_SIZE
  bltu sp, t0, .Loverflow             /* the frame would not fit: the stack has overflowed */
  addi sp, sp, TRAP_FRAME_SIZE
.Lframe_on_current_stack:
  addi sp, sp, -TRAP_FRAME_SIZE
  SAVE_GPRS_EXCEPT_SP_T0
  csrr t0, sscratch                   /* the interrupted t0 */
  sd t0, 5*8(sp)
  csrw sscratch, zero                 /* back to the kernel invariant */
  addi t0, sp, TRAP_FRAME_SIZE        /* the interrupted sp */
  sd t0, 2*8(sp)
  SAVE_CSRS
  mv a0, sp
  li a1, 0                            /* not a stack overflow */
  call platform_trap

  /* Restore everything from the frame (the handler may have changed sepc or sstatus). */
  ld t0, TRAP_FRAME_SEPC(sp)
  csrw sepc, t0
  ld t0, TRAP_FRAME_SSTATUS(sp)
  csrw sstatus, t0
  /* tp (x4) is not restored: it names the hart, not the thread, and a thread preempted in this
   * trap may be resumed on another hart. */
  RESTORE_GPRS_EXCEPT_SP_TP
  ld x2, 2*8(sp)                      /* sp last: it addresses the frame */
  sret

/* ---- from user mode: tp = PerHart, sscratch = the user's tp ---- */
.Lfrom_user:
  sd sp, PER_HART_SCRATCH(tp)         /* the user's sp, until it is in the frame */
  ld sp, PER_HART_KERNEL_SP(tp)       /* top of the running thread's kernel stack */
  addi sp, sp, -TRAP_FRAME_SIZE
  SAVE_GPRS_EXCEPT_SP_T0
  sd t0, 5*8(sp)
  ld t0, PER_HART_SCRATCH(tp)
  sd t0, 2*8(sp)                      /* user sp */
  csrr t0, sscratch
  sd t0, 4*8(sp)                      /* user tp */
  csrw sscratch, zero                 /* the kernel invariant */
  SAVE_CSRS
  mv a0, sp
  call platform_user_trap             /* may switch threads; returns when this one goes back out */
  mv a0, sp
  /* fall through */

/* platform_return_to_user(TrapFrame* frame): leave the kernel for user mode with the registers in
 * frame, which must sit at the top of the running thread's kernel stack. Interrupts are off from
 * here to the sret (SIE comes back from SPIE). */
  .globl platform_return_to_user
platform_return_to_user:
  csrci sstatus, 2
  mv sp, a0
  csrw sscratch, tp                   /* user mode: sscratch = PerHart */
  ld t0, TRAP_FRAME_SEPC(sp)
  csrw sepc, t0
  ld t0, TRAP_FRAME_SSTATUS(sp)
  csrw sstatus, t0
  RESTORE_GPRS_EXCEPT_SP_TP
  ld x4, 4*8(sp)                      /* the user's tp */
  ld x2, 2*8(sp)                      /* the user's sp, last */
  sret

.Loverflow:
  addi sp, sp, TRAP_FRAME_SIZE        /* the overflowed sp, as it was at the trap */
  sd sp, PER_HART_FAULT_SP(tp)        /* keep it for the panic message */
  ld sp, PER_HART_EMERGENCY_TOP(tp)   /* a stack nothing else uses */
  addi sp, sp, -TRAP_FRAME_SIZE
  SAVE_GPRS_EXCEPT_SP_T0
  csrr t0, sscratch
  sd t0, 5*8(sp)
  csrw sscratch, zero
  ld t0, PER_HART_FAULT_SP(tp)
  sd t0, 2*8(sp)
  SAVE_CSRS
  mv a0, sp
  li a1, 1                            /* a stack overflow: platform_trap does not return */
  call platform_trap
1:
  wfi
  j 1b
