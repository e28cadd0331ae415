/* platform/riscv64/asm_offsets.h: offsets into kernel::PerHart that assembly uses. kernel/sched/
 * per_hart.h static_asserts each one, so the two cannot drift apart. */
#pragma once

#define PER_HART_BOOT_STACK_TOP 0   /* top of this hart's identity-mapped boot stack */
#define PER_HART_STACK_LOW 8        /* lowest usable address of the stack the hart runs on now */
#define PER_HART_EMERGENCY_TOP 16   /* top of the stack trap.S switches to on overflow */
#define PER_HART_SCRATCH 24         /* one word of scratch for trap.S */
#define PER_HART_FAULT_SP 32        /* the overflowed sp, saved for the panic message */
#define PER_HART_CPU 40             /* u32: this hart's dense cpu index */
#define PER_HART_KERNEL_SP 48       /* top of the running thread's kernel stack (user traps) */

#define TRAP_FRAME_SIZE (36 * 8)
#define TRAP_FRAME_SEPC (32 * 8)
#define TRAP_FRAME_SSTATUS (33 * 8)
#define TRAP_FRAME_SCAUSE (34 * 8)
#define TRAP_FRAME_STVAL (35 * 8)
