#!/usr/bin/env python3
"""Guest instructions per kernel function for one benchmark, under -icount (1 instruction = 1 ns).

  scripts/profile_guest.py PROGRAM START_FUNCTION COUNT [SKIP]
  e.g. scripts/profile_guest.py channel_call_16B kernel::sys_channel_call 2000 5000

Boots build/riscv64/kernel/koios.elf with bench=PROGRAM, --smp 1, and QEMU's `-d
in_asm,exec,nochain` log on a FIFO: in_asm gives each translation block's instruction count, exec
(with nochain, every block run) the blocks in order. Counting starts at the SKIP+1-th entry of
START_FUNCTION (skip the self-tests' calls of it) and stops COUNT entries later; it prints
instructions and entries per entry of START_FUNCTION for each kernel function (`user` for user
mode, `opensbi` for M-mode). QEMU 7.2 from Debian has no TCG plugins; this needs nothing else.
Takes a minute or two of wall time (the whole boot runs logged).
"""
import bisect
import collections
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import runner  # noqa: E402


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    prog, start_sym, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    skip = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    elf = os.path.join(ROOT, "build", "riscv64", "kernel", "koios.elf")
    syms = []
    nm = subprocess.run(["riscv64-linux-gnu-nm", "-n", "-C", elf], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        p = line.split(" ", 2)
        if len(p) == 3 and p[1] in "tTwW":
            syms.append((int(p[0], 16), p[2]))
    addrs = [a for a, _ in syms]
    starts = [a for a, n in syms if n == start_sym or n.startswith(start_sym + "(")]
    if not starts:
        raise SystemExit(f"no function {start_sym} in {elf}")
    start_addr = starts[0]

    def name(pc):
        if pc < 0x80200000:
            return "opensbi"
        if pc < 0xffffffc000000000 and pc >= 0x100000000:
            return "user"
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1][:110] if i >= 0 else "?"

    fifo = os.path.join(tempfile.mkdtemp(), "log")
    os.mkfifo(fifo)
    argv = runner.qemu_argv(elf, 1, runner.DEFAULT_MEM, "bench=" + prog, icount=True,
                            extra=["-d", "in_asm,exec,nochain", "-D", fifo])
    argv[argv.index("stdio")] = "null"
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    sizes, insns, entries = {}, collections.Counter(), collections.Counter()
    pending, counting, seen, skipped = None, False, 0, 0
    with open(fifo, "rb", buffering=1 << 20) as log:
        for line in log:
            if line.startswith(b"Trace"):
                host = line[9:line.index(b" ", 9)]          # the translated block, unique while it lives
                if pending is not None:
                    sizes[host], pending = pending, None
                i = line.index(b"/") + 1
                pc = int(line[i:line.index(b"/", i)], 16)
                if pc == start_addr:
                    if counting:
                        seen += 1
                    elif skipped < skip:
                        skipped += 1
                    else:
                        counting = True
                    if seen >= count:
                        break
                if counting:
                    insns[pc] += sizes.get(host, 1)
                    entries[pc] += 1
            elif line.startswith(b"IN:"):
                pending = 0
            elif pending is not None and line.startswith(b"0x"):
                pending += 1
    qemu.kill()
    qemu.wait()
    per_fn, calls, firsts = collections.Counter(), collections.Counter(), set(addrs)
    for pc, n in insns.items():
        per_fn[name(pc)] += n
        if pc in firsts:
            calls[name(pc)] += entries[pc]
    print(f"# {sum(insns.values()) / count:.1f} instructions per {start_sym} entry, over {count}")
    print("# instructions  entries  function")
    for fn, n in per_fn.most_common(60):
        print(f"{n / count:12.1f} {calls[fn] / count:8.1f}  {fn}")


if __name__ == "__main__":
    main()
