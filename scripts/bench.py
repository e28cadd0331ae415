#!/usr/bin/env python3
"""The body of scripts/bench (which builds first, then runs this). Prints one line per figure,
`BENCH <name> <iterations> <ns_per_op>`, and comment lines starting with `#`.

Koios's guest figures come from one boot under -icount (unless --no-icount), with --smp 1 so that
they compare with Linux's icount figures, which QEMU 7.2 can only produce on one hart:
  boot_to_selftests_done   the kernel's own BENCH line: guest ns from reset to the self-tests' end
  (every other BENCH or STAT line the guest prints before its prompt is passed through as well)
  shell_true_roundtrip, shell_pipeline_3: one more boot to the console shell, timed by the shell
Host-side figures:
  boot_wall_to_shutdown    host wall ns from starting QEMU to its exit, for a boot that finds ^D
                           waiting for the console shell and shuts down; plain TCG, --smp 2; median of 5
  host benchmark programs  every executable in build/host/tests/bench/ (e.g. libns_bench); their
                           BENCH lines pass through (that build has ASan+UBSan: compare with care)
--compare DIR also runs DIR/run.sh (the Linux reference) and prints Koios/Linux ratios for the pairs
in scripts/bench_pairs.txt.
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import runner  # noqa: E402  (tests/qemu/runner.py: QEMU command line and console handling)

IMAGE = os.path.join(ROOT, "build", "riscv64", "kernel", "koios.elf")
HOST_BENCH_DIR = os.path.join(ROOT, "build", "host", "tests", "bench")
PAIRS = os.path.join(HERE, "bench_pairs.txt")
LINE = re.compile(r"^(BENCH) (\S+) (\d+) ([0-9.]+)$|^(STAT) (\S+) ([0-9.eE+-]+)$", re.M)


class Figures:
    """name -> (kind, iterations, value), in the order first seen."""

    def __init__(self):
        self.items = {}

    def add_text(self, text, echo=None):
        for m in LINE.finditer(text.replace("\r", "")):
            if m.group(1):
                self.add(m.group(2), "BENCH", int(m.group(3)), float(m.group(4)), echo)
            else:
                self.add(m.group(6), "STAT", None, float(m.group(7)), echo)

    def add(self, name, kind, iters, value, echo=None):
        self.items[name] = (kind, iters, value)
        if echo is not None:
            print(echo + (f"BENCH {name} {iters} {fmt(value)}" if kind == "BENCH"
                          else f"STAT {name} {fmt(value)}"), flush=True)


def fmt(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def fail(msg, vm=None):
    print(f"bench: {msg}", file=sys.stderr)
    if vm is not None:
        runner.print_transcript(vm, sys.stderr)


# User-mode benchmark programs in the boot filesystem; `bench=NAME` runs one after the self-tests
# and it prints its own BENCH line (kernel/main.cc, tests/user/).
GUEST_PROGRAMS = ["null_syscall", "channel_call_16B", "socket_pingpong_16B", "ipc_parts", "process_spawn_exit_wait",
                  "process_pid_bench"]
# Benchmarks of files: `mountsrv=NAME` starts mountsrv and runs NAME with a directory channel to it
# (kernel/mountsrv_boot.cc).
GUEST_FS_PROGRAMS = ["open_read_close_4k"]


def koios_guest(fig, image, smp, icount, bootargs):
    """One boot per guest benchmark program (the first also gives boot_to_selftests_done): collects
    the guest's BENCH/STAT lines printed before the prompt, then ^D."""
    boots = ["bench=" + p for p in GUEST_PROGRAMS] + ["mountsrv=" + p for p in GUEST_FS_PROGRAMS]
    for n, arg in enumerate(boots):
        if not koios_guest_boot(fig, image, smp, icount, (bootargs + " " + arg).strip(),
                                keep_boot_figure=(n == 0)):
            return False
    return koios_guest_shell(fig, image, smp, icount, bootargs)


# The shell's benchmarks (tests/qemu/scenarios/bench_shell.scn has the same two lines): the console
# shell times 100 iterations with the clock_ns program and prints BENCH lines.
SHELL_BENCH_LINES = [
    'echo data > /tmp/in; /bin/true; t0=$(clock_ns); i=0; while [ $i -lt 100 ]; do /bin/true; '
    'i=$((i + 1)); done; t1=$(clock_ns); echo "BENCH shell_true_roundtrip 100 $(( (t1 - t0) / 100 ))"',
    't0=$(clock_ns); i=0; while [ $i -lt 100 ]; do cat /tmp/in | cat | cat > /tmp/out; i=$((i + 1)); '
    'done; t1=$(clock_ns); echo "BENCH shell_pipeline_3 100 $(( (t1 - t0) / 100 ))"',
]


def koios_guest_shell(fig, image, smp, icount, bootargs):
    """One boot to the console shell: the lines and the ^D go in at once (the kernel keeps them
    for the shell)."""
    scn = runner.Scenario(name="bench-shell", smp=smp, icount=icount, limit=170)
    scn.steps = [runner.Step("send", (line + "\n").encode(), 0, "bench shell") for line in SHELL_BENCH_LINES]
    scn.steps += [
        runner.Step("send", runner.EOT, 0, "bench shell"),
        runner.Step("expect", r"^BENCH shell_pipeline_3 100 \d+$", 120, "bench shell"),
        runner.Step("expect_exit", 0, 30, "bench shell"),
    ]
    try:
        vm = runner.run_scenario(scn, image, bootargs)
    except runner.Failure as e:
        fail(f"shell benchmark boot failed: {e}", e.vm)
        return False
    text = "\n".join(l for l in vm.text.splitlines() if l.startswith("BENCH shell_"))
    fig.add_text(text, echo="")
    return True


def koios_guest_boot(fig, image, smp, icount, bootargs, keep_boot_figure):
    scn = runner.Scenario(name="bench", smp=smp, icount=icount, limit=120)
    # The ^D goes in at once (the kernel keeps it until the console shell reads it): under
    # -icount sleep=off, QEMU 7.2 does not deliver console input to an idle guest, so typing it
    # after the prompt would hang.
    scn.steps = [
        runner.Step("send", runner.EOT, 0, "bench"),
        runner.Step("expect", r"^BENCH boot_to_selftests_done 1 \d+$", 60, "bench guest boot"),
        runner.Step("expect", r"koios# ", 60, "bench guest boot"),
        runner.Step("expect_exit", 0, 30, "bench guest boot"),
    ]
    try:
        vm = runner.run_scenario(scn, image, bootargs)
    except runner.Failure as e:
        fail(f"guest benchmark boot failed: {e}", e.vm)
        return False
    prompt = vm.text.find("koios# ")
    text = vm.text[:prompt if prompt >= 0 else len(vm.text)]
    if not keep_boot_figure:
        text = "\n".join(l for l in text.splitlines() if not l.startswith("BENCH boot_to_selftests_done "))
    fig.add_text(text, echo="")
    return True


def boot_wall(fig, image, smp, runs, bootargs):
    """Median host wall time of `runs` whole boots, each ended by a ^D written before it starts."""
    times = []
    for _ in range(runs):
        vm = runner.Qemu(runner.qemu_argv(image, smp, runner.DEFAULT_MEM, bootargs))
        vm.start()
        vm.send(runner.EOT)   # the kernel keeps it until the console shell reads it
        status = vm.exit_status(time.monotonic() + 60)
        took = (vm.exited_at or time.monotonic()) - vm.started
        vm.kill()
        if status != 0:
            fail(f"boot_wall_to_shutdown: QEMU {runner.describe_status(status)}, wanted 0", vm)
            return False
        times.append(took)
    fig.add("boot_wall_to_shutdown", "BENCH", runs, round(statistics.median(times) * 1e9), echo="")
    print(f"# boot_wall_to_shutdown runs (s): {' '.join(f'{t:.3f}' for t in times)}")
    return True


def host_benchmarks(fig):
    ok = True
    for exe in sorted(glob.glob(os.path.join(HOST_BENCH_DIR, "*"))):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)) or exe.endswith(".so"):
            continue
        print(f"# host benchmark {os.path.relpath(exe, ROOT)} (ASan+UBSan build)", flush=True)
        proc = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        fig.add_text(proc.stdout, echo="")
        if proc.returncode != 0:
            fail(f"{exe} exited with status {proc.returncode}:\n{proc.stdout}")
            ok = False
    return ok


def linux_reference(directory, icount, scale):
    script = os.path.join(directory, "run.sh")
    if not os.path.isfile(script):
        fail(f"--compare: no run.sh in {directory}")
        return None
    argv = ["bash", script, "--smp", "1"] + (["--icount"] if icount else [])
    if scale is not None:
        argv += ["-scale", str(scale)]
    print(f"# Linux reference: {' '.join(argv)} (about 35 s under icount)", flush=True)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    fig = Figures()
    fig.add_text(proc.stdout)
    for line in proc.stdout.splitlines():   # verbatim, so the figures read as run.sh printed them
        if line.split(" ", 1)[0] in ("BENCH", "STAT", "HOST", "ERROR"):
            print(f"LINUX {line}")
    if proc.returncode != 0:
        fail(f"the Linux reference exited with status {proc.returncode}; its figures may be partial")
    return fig


def read_pairs():
    pairs = []
    with open(PAIRS, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) != 3 or line[2] not in ("BENCH", "STAT"):
                raise SystemExit(f"bench: {PAIRS}:{n}: want 'koios_name linux_name BENCH|STAT'")
            pairs.append(tuple(line))
    return pairs


def compare(koios, linux, mode):
    print(f"# Koios/Linux, {mode} (below 1: Koios takes less; STAT: ratio of percentages)")
    print(f"# {'koios':<26} {'linux':<34} {'koios':>12} {'linux':>12}  ratio")
    for kname, lname, _kind in read_pairs():
        k = koios.items.get(kname)
        lx = linux.items.get(lname)
        kv = fmt(k[2]) if k else "-"
        lv = fmt(lx[2]) if lx else "-"
        if not k:
            ratio = "no Koios figure yet"
        elif not lx:
            ratio = "no Linux figure"
        elif lx[2] == 0:
            ratio = "Linux figure is 0"
        else:
            ratio = f"{k[2] / lx[2]:.3f}"
        print(f"RATIO {kname:<26} {lname:<34} {kv:>12} {lv:>12}  {ratio}")


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--icount", dest="icount", action="store_true", default=True,
                    help="guest figures under -icount shift=0,sleep=off (the default)")
    ap.add_argument("--no-icount", dest="icount", action="store_false",
                    help="guest figures under plain TCG (they then follow the host clock)")
    ap.add_argument("--smp", type=int, help="harts for every boot (default: 1 for the guest "
                    "figures, 2 for boot_wall_to_shutdown)")
    ap.add_argument("--runs", type=int, default=5, help="boots for boot_wall_to_shutdown")
    ap.add_argument("--compare", metavar="DIR", help="also run DIR/run.sh (Linux) and print ratios")
    ap.add_argument("--linux-scale", type=float, help="run.sh -scale X (iteration multiplier)")
    ap.add_argument("--image", default=IMAGE, help="boot image (default: the riscv64 build's)")
    args = ap.parse_args()

    bootargs = os.environ.get("KOIOS_BOOTARGS", "")
    if not os.path.isfile(args.image):
        fail(f"no boot image at {args.image}")
        return 1
    mode = "icount" if args.icount else "plain TCG"
    guest_smp = args.smp or 1
    print(f"# Koios guest figures: {mode}, --smp {guest_smp}", flush=True)
    fig = Figures()
    ok = koios_guest(fig, args.image, guest_smp, args.icount, bootargs)
    print(f"# boot_wall_to_shutdown: plain TCG, --smp {args.smp or 2}, median of {args.runs}",
          flush=True)
    ok = boot_wall(fig, args.image, args.smp or 2, args.runs, bootargs) and ok
    ok = host_benchmarks(fig) and ok
    if args.compare:
        if guest_smp != 1 and args.icount:
            print("# warning: Linux's icount figures are --smp 1; Koios's are not here")
        linux = linux_reference(args.compare, args.icount, args.linux_scale)
        if linux is None:
            ok = False
        else:
            compare(fig, linux, f"{mode}, Linux --smp 1, Koios --smp {guest_smp}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
