# servers/runtime/sigtramp.S: where pidsrv resumes a thread to run a signal handler
# (servers/pidsrv/README.md): a0 = signal, a1 = handler, a2 = sa_flags, sp 128 bytes below the
# interrupted sp (16-aligned), every other register as the thread left it. pidsrv saved pc and
# x1..x31 and restores them at SigReturn, but not the FP registers: the handler may use them
# (printf does), so they are kept here around it.
  .text
  .globl koios_sigtramp
  .type koios_sigtramp, @function
  .align 2
koios_sigtramp:
  addi sp, sp, -272          # f0..f31 and fcsr, 16-aligned
  fsd f0, 0(sp)
  fsd f1, 8(sp)
  fsd f2, 16(sp)
  fsd f3, 24(sp)
  fsd f4, 32(sp)
  fsd f5, 40(sp)
  fsd f6, 48(sp)
  fsd f7, 56(sp)
  fsd f8, 64(sp)
  fsd f9, 72(sp)
  fsd f10, 80(sp)
  fsd f11, 88(sp)
  fsd f12, 96(sp)
  fsd f13, 104(sp)
  fsd f14, 112(sp)
  fsd f15, 120(sp)
  fsd f16, 128(sp)
  fsd f17, 136(sp)
  fsd f18, 144(sp)
  fsd f19, 152(sp)
  fsd f20, 160(sp)
  fsd f21, 168(sp)
  fsd f22, 176(sp)
  fsd f23, 184(sp)
  fsd f24, 192(sp)
  fsd f25, 200(sp)
  fsd f26, 208(sp)
  fsd f27, 216(sp)
  fsd f28, 224(sp)
  fsd f29, 232(sp)
  fsd f30, 240(sp)
  fsd f31, 248(sp)
  frcsr t0
  sd t0, 256(sp)
  call koios_signal_enter    # (signal, handler, flags): keeps errno, runs the handler
  ld t0, 256(sp)
  fscsr t0
  fld f0, 0(sp)
  fld f1, 8(sp)
  fld f2, 16(sp)
  fld f3, 24(sp)
  fld f4, 32(sp)
  fld f5, 40(sp)
  fld f6, 48(sp)
  fld f7, 56(sp)
  fld f8, 64(sp)
  fld f9, 72(sp)
  fld f10, 80(sp)
  fld f11, 88(sp)
  fld f12, 96(sp)
  fld f13, 104(sp)
  fld f14, 112(sp)
  fld f15, 120(sp)
  fld f16, 128(sp)
  fld f17, 136(sp)
  fld f18, 144(sp)
  fld f19, 152(sp)
  fld f20, 160(sp)
  fld f21, 168(sp)
  fld f22, 176(sp)
  fld f23, 184(sp)
  fld f24, 192(sp)
  fld f25, 200(sp)
  fld f26, 208(sp)
  fld f27, 216(sp)
  fld f28, 224(sp)
  fld f29, 232(sp)
  fld f30, 240(sp)
  fld f31, 248(sp)
  addi sp, sp, 272
  # SigReturn: pidsrv suspends this thread (the call returns Interrupted) and puts back the
  # registers the signal interrupted; it does not come back here. Integer-only code from here on.
  call koios_sigreturn
  unimp                      # koios_sigreturn never returns
  .size koios_sigtramp, . - koios_sigtramp
  .section .note.GNU-stack, "", @progbits
