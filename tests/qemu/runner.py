#!/usr/bin/env python3
"""Koios QEMU integration-test runner: boots the image headless, types into the serial console,
waits for patterns, checks QEMU's exit status. On failure it prints the reason and the whole console
transcript. Standard library only (python3 may be pyenv's, not Debian's).

    runner.py --image koios.elf [options] SCENARIO
    runner.py --image koios.elf [options] --expect REGEX --send TEXT --eof --exit 0 ...

Exit status: 0 passed, 1 failed (reason and transcript printed), 99 could not run at all (bad
scenario, no image, no QEMU): Meson counts 99 as an error even for should_fail tests, so a negative
test cannot pass because the runner itself is broken.

Scenario file: one directive a line; blank lines and lines starting with # are ignored.

  smp N                 harts (default 2; --smp overrides)
  mem SIZE              guest memory (default 512M; --mem overrides)
  append WORDS          kernel command line words; accumulate; then --append, then $KOIOS_BOOTARGS
  icount                run QEMU with -icount shift=0,sleep=off
  timeout SECONDS       wait of the following expect/expect_exit lines (default 60)
  within SECONDS        fail if the boot, QEMU's start to its exit, took longer (a budget, checked
                        at the end; `limit` is what stops a hang)
  limit SECONDS         wall-clock limit of one boot; QEMU is killed past it (default 170, below
                        the Meson timeout of a one-boot test, 180, so the runner reports it first)
  send TEXT             type TEXT and a newline (\\n)
  send_raw TEXT         type TEXT with Python escapes (\\x04, \\n), no newline added
  eof                   type ^D (0x04)
  expect [Ns] REGEX     wait (N seconds, e.g. `expect 3s ...`, else the timeout) until REGEX matches
                        the console output after the end of the previous match
  expect_harts REGEX    the same for each hart h in 0..smp-1 with ${hart} = h, in any order
  absent REGEX          when the boot is over, fail if REGEX matches anywhere in the transcript
  expect_exit CODE      wait for QEMU to exit with status CODE; a scenario without one ends with
                        an implied `expect_exit 0`
  loop N ... end        repeat the lines between N times, ${i} = 1..N (nestable)

Leading and trailing blanks of a line are dropped (`expect ^koios>` still finds the prompt).
REGEX is Python's `re` in MULTILINE mode over the output with every \\r removed, so ^ and $ are line
boundaries. Inside a loop `${i}` is replaced on every line (`${i:04}` zero-pads, as Python's format
would); in patterns `${smp}`, `${mem_mib}` and (expect_harts) `${hart}` are replaced too. Values
replaced into a REGEX are plain numbers.

Input may be typed at any point: before an expect (written at once, the kernel keeps bytes it has
not read yet) or after one (e.g. after the prompt). A writer thread does the typing, so a full pipe
never stops the runner from reading output. It holds everything back until QEMU's first output byte,
because the firmware's UART set-up throws away what arrived before it (see scripts/console_feed.py).
"""
import argparse
import codecs
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import queue
from dataclasses import dataclass, field

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 99
DEFAULT_QEMU = "qemu-system-riscv64"
DEFAULT_BIOS = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
DEFAULT_SMP, DEFAULT_MEM = 2, "512M"
# Hang detectors only (tests assert no host wall time): a loaded 2-core CI host running several
# QEMUs at once is many times slower than a quiet one.
DEFAULT_TIMEOUT, DEFAULT_LIMIT = 60.0, 170.0
EOT = b"\x04"


class ScenarioError(Exception):
    """The scenario itself is wrong (syntax, bad number): the runner cannot judge anything."""


class Failure(Exception):
    """The system under test did not do what the scenario says."""


@dataclass
class Step:
    kind: str        # send | expect | expect_harts | expect_exit
    arg: object      # bytes for send, pattern text for expect*, int for expect_exit
    timeout: float
    where: str       # "file:line", for messages


@dataclass
class Scenario:
    name: str
    smp: int = DEFAULT_SMP
    mem: str = DEFAULT_MEM
    append: list = field(default_factory=list)
    icount: bool = False
    limit: float = DEFAULT_LIMIT
    timeout: float = DEFAULT_TIMEOUT   # the last `timeout`, for the implied expect_exit
    within: float = 0.0                # budget of one whole boot in seconds; 0: none
    steps: list = field(default_factory=list)
    absent: list = field(default_factory=list)   # (pattern text, where)


# ---------------------------------------------------------------------------------------------
# Parsing

_VAR = re.compile(r"\$\{(\w+)(?::([^}]*))?\}")


def substitute(text: str, env: dict, where: str) -> str:
    def one(m):
        name, spec = m.group(1), m.group(2) or ""
        if name not in env:
            return m.group(0)   # left for a later pass (${hart} is bound when the step runs)
        try:
            return format(env[name], spec)
        except ValueError as e:
            raise ScenarioError(f"{where}: bad format ${{{name}:{spec}}}: {e}")
    return _VAR.sub(one, text)


def mem_mib(size: str) -> int:
    m = re.fullmatch(r"(\d+)([KMGT]?)i?B?", size.strip(), re.I)
    if not m:
        raise ScenarioError(f"cannot read memory size {size!r}")
    n, unit = int(m.group(1)), m.group(2).upper() or "M"   # QEMU's default unit is MiB
    return {"K": n // 1024, "M": n, "G": n * 1024, "T": n * 1024 * 1024}[unit]


def expand_loops(lines, name):
    """[(where, text)] with loop/end blocks unrolled; ${i} is bound per copy."""
    stack, counts = [[]], []
    for lineno, raw in lines:
        text = raw.strip()
        where = f"{name}:{lineno}"
        word = text.split(None, 1)[0] if text else ""
        if word == "loop":
            parts = text.split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise ScenarioError(f"{where}: loop wants one count: loop N")
            counts.append((int(parts[1]), where))
            stack.append([])
        elif word == "end" and text == "end":
            if not counts:
                raise ScenarioError(f"{where}: end without loop")
            n, _ = counts.pop()
            body = stack.pop()
            for i in range(1, n + 1):
                for w, t in body:
                    stack[-1].append((w, substitute(t, {"i": i}, w)))
        else:
            stack[-1].append((where, text))
    if counts:
        raise ScenarioError(f"{counts[-1][1]}: loop without end")
    return stack[0]


def parse_scenario(text: str, name: str) -> Scenario:
    scn = Scenario(name=name)
    timeout = DEFAULT_TIMEOUT
    lines = [(n, l) for n, l in enumerate(text.splitlines(), 1)
             if l.strip() and not l.lstrip().startswith("#")]
    for where, line in expand_loops(lines, name):
        word, _, rest = line.partition(" ")
        rest = rest.strip()

        def number(s, what, conv=float):
            try:
                v = conv(s)
            except ValueError:
                raise ScenarioError(f"{where}: {what} wants a number, not {s!r}")
            if v < 0:
                raise ScenarioError(f"{where}: {what} must not be negative")
            return v

        def need_rest():
            if not rest:
                raise ScenarioError(f"{where}: {word} needs an argument")
            return rest

        if word == "smp":
            scn.smp = number(need_rest(), "smp", int)
            if scn.smp < 1:
                raise ScenarioError(f"{where}: smp must be at least 1")
        elif word == "mem":
            scn.mem = need_rest()
        elif word == "append":
            scn.append.append(need_rest())
        elif word == "icount":
            scn.icount = True
        elif word == "timeout":
            timeout = number(need_rest(), "timeout")
        elif word == "limit":
            scn.limit = number(need_rest(), "limit")
        elif word == "within":
            scn.within = number(need_rest(), "within")
        elif word == "send":
            # The text after "send " verbatim, inner spaces kept; "send" alone types an empty line.
            scn.steps.append(Step("send", line[5:].encode() + b"\n" if len(line) > 4 else b"\n",
                                  0, where))
        elif word == "send_raw":
            try:
                data = need_rest().encode("latin-1").decode("unicode_escape").encode("latin-1")
            except (UnicodeError, ValueError) as e:
                raise ScenarioError(f"{where}: bad escape in send_raw: {e}")
            scn.steps.append(Step("send", data, 0, where))
        elif word == "eof":
            scn.steps.append(Step("send", EOT, 0, where))
        elif word in ("expect", "expect_harts", "absent"):
            pattern, wait = need_rest(), timeout
            m = re.match(r"(\d+(?:\.\d+)?)s\s+(.*)", pattern)
            if m and word != "absent":
                wait, pattern = float(m.group(1)), m.group(2)
            if word == "absent":
                scn.absent.append((pattern, where))
            else:
                scn.steps.append(Step(word, pattern, wait, where))
        elif word == "expect_exit":
            scn.steps.append(Step("expect_exit", number(need_rest(), "expect_exit", int),
                                  timeout, where))
        else:
            raise ScenarioError(f"{where}: unknown directive {word!r}")
    scn.timeout = timeout
    return scn


def compile_pattern(pattern: str, env: dict, where: str):
    text = substitute(pattern, env, where)
    try:
        return re.compile(text, re.MULTILINE)
    except re.error as e:
        raise ScenarioError(f"{where}: bad regex {text!r}: {e}")


# ---------------------------------------------------------------------------------------------
# QEMU

def qemu_argv(image, smp, mem, bootargs="", icount=False, qemu=None, bios=None, extra=()):
    """The headless command line: serial console on stdin/stdout, no monitor, no escape byte."""
    argv = [qemu or os.environ.get("KOIOS_QEMU") or DEFAULT_QEMU,
            "-machine", "virt", "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-bios", bios or os.environ.get("KOIOS_BIOS") or DEFAULT_BIOS,
            "-kernel", image, "-smp", str(smp), "-m", mem]
    if bootargs:
        argv += ["-append", bootargs]
    if icount:
        argv += ["-icount", "shift=0,sleep=off"]
    return argv + list(extra)


class Qemu:
    """One headless boot. Owns the QEMU process from start() until kill() or its exit; a reader
    thread collects output into `text` (\\r removed) and a writer thread types queued input."""

    def __init__(self, argv):
        self.argv = argv
        self.raw = bytearray()
        self.text = ""
        self.cond = threading.Condition()
        self.output_done = False
        self.proc = None
        self.started = None
        self.status = None       # QEMU's exit status, once the reaper has it
        self.exited_at = None    # time.monotonic() of that moment
        self._inbox = queue.Queue()

    def start(self):
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, bufsize=0)
        except OSError as e:
            raise ScenarioError(f"cannot start {self.argv[0]}: {e}")
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        # A blocking wait, so exited_at is exact (boot_wall_to_shutdown is timed by it); polling
        # would add up to its interval. Everything else reads self.status, never proc.poll().
        status = self.proc.wait()
        with self.cond:
            self.exited_at = time.monotonic()
            self.status = status
            self.cond.notify_all()

    def _read(self):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            with self.cond:
                if not chunk:
                    self.text += decoder.decode(b"", final=True).replace("\r", "")
                    self.output_done = True
                    self.cond.notify_all()
                    return
                self.raw += chunk
                self.text += decoder.decode(chunk).replace("\r", "")
                self.cond.notify_all()

    def _write(self):
        # Nothing is typed before the first output byte: OpenSBI's UART set-up empties the FIFO and
        # discards a byte, so input that reached QEMU earlier would be lost before Koios runs.
        with self.cond:
            while not self.raw and not self.output_done:
                self.cond.wait()
        # Stdin stays open until QEMU exits: closing it early may make QEMU stop reading.
        while True:
            data = self._inbox.get()
            if data is None:
                return
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                return

    def send(self, data: bytes):
        self._inbox.put(data)

    def elapsed(self):
        return time.monotonic() - self.started

    def wait_for(self, predicate, deadline):
        """Waits until predicate() (called with the lock held) is true or the deadline passes."""
        with self.cond:
            while True:
                if predicate():
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if self.output_done and self.status is not None:
                    return predicate()
                self.cond.wait(min(left, 0.05))

    def exit_status(self, deadline):
        """QEMU's exit status, or None if it still runs at the deadline."""
        if not self.wait_for(lambda: self.status is not None, deadline):
            return None
        # The reader may still hold the last bytes; give it a moment to drain.
        self.wait_for(lambda: self.output_done, time.monotonic() + 2)
        return self.status

    def kill(self):
        if self.proc and self.status is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass   # it exited just now; the reaper has it
            self.wait_for(lambda: self.status is not None, time.monotonic() + 5)
        self._inbox.put(None)
        if self.proc and self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass


def describe_status(status):
    if status is None:
        return "still running"
    if status < 0:
        return f"killed by signal {-status}"
    return f"status {status}"


def run_scenario(scn: Scenario, image, bootargs, qemu=None, bios=None, log=print):
    """Boots once and walks the steps. Returns the Qemu object; raises Failure or ScenarioError."""
    env = {"smp": scn.smp, "mem_mib": mem_mib(scn.mem)}
    vm = Qemu(qemu_argv(image, scn.smp, scn.mem, bootargs, scn.icount, qemu, bios))
    vm.start()
    hard_deadline = vm.started + scn.limit
    pos = 0           # the end of the previous match: later expects look from here on
    saw_exit = False
    try:
        steps = list(scn.steps)
        if not any(s.kind == "expect_exit" for s in steps):
            steps.append(Step("expect_exit", 0, scn.timeout, f"{scn.name}:end (implied)"))
        for step in steps:
            deadline = min(time.monotonic() + step.timeout, hard_deadline)
            limit_note = " (the run's limit)" if deadline == hard_deadline else ""
            if step.kind == "send":
                vm.send(step.arg)
            elif step.kind in ("expect", "expect_harts"):
                harts = range(scn.smp) if step.kind == "expect_harts" else [None]
                patterns = [compile_pattern(step.arg, dict(env, hart=h), step.where) for h in harts]
                found = {}

                def all_found():
                    for p in patterns:
                        if p not in found:
                            m = p.search(vm.text, pos)
                            if m:
                                found[p] = m.end()
                    return len(found) == len(patterns)

                if not vm.wait_for(all_found, deadline):
                    missing = [p.pattern for p in patterns if p not in found]
                    status = vm.status
                    why = (f"QEMU exited ({describe_status(status)}) first" if status is not None
                           else f"not within {step.timeout:g}s{limit_note}")
                    line_no = vm.text.count("\n", 0, pos) + 1
                    raise Failure(f"{step.where}: {step.kind} {' / '.join(map(repr, missing))} "
                                  f"never appeared after transcript line {line_no}: {why}")
                pos = max(found.values())
            elif step.kind == "expect_exit":
                status = vm.exit_status(deadline)
                saw_exit = True
                if status is None:
                    raise Failure(f"{step.where}: QEMU did not exit within {step.timeout:g}s"
                                  f"{limit_note} (wanted status {step.arg})")
                if status != step.arg:
                    raise Failure(f"{step.where}: QEMU exited with {describe_status(status)}, "
                                  f"wanted status {step.arg}")
        took = (vm.exited_at or time.monotonic()) - vm.started
        if scn.within and took > scn.within:
            raise Failure(f"{scn.name}: the boot took {took:.2f}s, over its budget of "
                          f"{scn.within:g}s (`within`)")
        for pattern, where in scn.absent:
            m = compile_pattern(pattern, env, where).search(vm.text)
            if m:
                line = vm.text[vm.text.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
                raise Failure(f"{where}: absent {pattern!r} matched the line {line!r}")
    except Failure as e:
        e.vm = vm
        raise
    finally:
        vm.kill()
        if not saw_exit:
            vm.exited_at = vm.exited_at or time.monotonic()
    return vm


def print_transcript(vm, out=sys.stdout):
    print("----- console transcript " + "-" * 54, file=out)
    text = vm.text if vm else ""
    out.write(text if text.endswith("\n") or not text else text + "\n")
    print("----- end of transcript " + "-" * 55, file=out)


# ---------------------------------------------------------------------------------------------
# Command line

class InlineStep(argparse.Action):
    """--send/--expect/... keep their order, so they form a scenario of their own."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = getattr(namespace, "inline", None) or []
        items.append(self.dest if values in (None, []) else f"{self.dest} {values}")
        namespace.inline = items


def terminated(signum, _frame):
    # Meson's timeout (SIGTERM): stop here, so the transcript so far is printed and QEMU killed.
    raise Failure(f"runner stopped by signal {signum} (a Meson timeout?)")


def main(argv=None):
    signal.signal(signal.SIGTERM, terminated)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Scenario format: see the top of this file.")
    ap.add_argument("scenario", nargs="?", help="scenario file")
    ap.add_argument("--image", required=True, help="boot image (koios.elf)")
    ap.add_argument("--smp", type=int, help="harts, overriding the scenario")
    ap.add_argument("--mem", help="guest memory, overriding the scenario")
    ap.add_argument("--append", action="append", default=[], help="more bootargs (repeatable)")
    ap.add_argument("--icount", action="store_true", help="-icount shift=0,sleep=off")
    ap.add_argument("--repeat", type=int, default=1, help="boot N times; all must pass")
    ap.add_argument("--qemu", help=f"emulator (default $KOIOS_QEMU or {DEFAULT_QEMU})")
    ap.add_argument("--bios", help=f"firmware (default $KOIOS_BIOS or {DEFAULT_BIOS})")
    ap.add_argument("-v", "--verbose", action="store_true", help="print transcripts of passes too")
    ap.add_argument("--send", dest="send", action=InlineStep, metavar="TEXT")
    ap.add_argument("--expect", dest="expect", action=InlineStep, metavar="REGEX")
    ap.add_argument("--absent", dest="absent", action=InlineStep, metavar="REGEX")
    ap.add_argument("--eof", dest="eof", action=InlineStep, nargs=0)
    ap.add_argument("--exit", dest="expect_exit", action=InlineStep, metavar="CODE")
    args = ap.parse_args(argv)

    try:
        if args.scenario and getattr(args, "inline", None):
            raise ScenarioError("give a scenario file or inline steps, not both")
        if args.scenario:
            try:
                with open(args.scenario, encoding="utf-8") as f:
                    text = f.read()
            except OSError as e:
                raise ScenarioError(f"cannot read scenario: {e}")
            name = os.path.basename(args.scenario)
        elif getattr(args, "inline", None):
            text = "\n".join(args.inline)
            name = "command line"
        else:
            raise ScenarioError("nothing to do: give a scenario file or --expect/--send steps")
        scn = parse_scenario(text, name)
        if args.smp is not None:
            scn.smp = args.smp
        if args.mem:
            scn.mem = args.mem
        scn.icount = scn.icount or args.icount
        if not os.path.isfile(args.image):
            raise ScenarioError(f"no boot image at {args.image}")
        bios = args.bios or os.environ.get("KOIOS_BIOS") or DEFAULT_BIOS
        if not os.path.isfile(bios):
            raise ScenarioError(f"no firmware at {bios} (Debian package opensbi)")
        qemu = args.qemu or os.environ.get("KOIOS_QEMU") or DEFAULT_QEMU
        if not shutil.which(qemu):
            raise ScenarioError(f"no {qemu} (Debian package qemu-system-misc)")
        own_bootargs = " ".join(scn.append + args.append)
        # Last, so that it can override what the scenario says; scripts/run adds it the same way.
        bootargs = " ".join(w for w in (own_bootargs, os.environ.get("KOIOS_BOOTARGS", "")) if w)
    except ScenarioError as e:
        print(f"runner: error: {e}")
        return EXIT_ERROR

    argv_shown = shlex.join(qemu_argv(args.image, scn.smp, scn.mem, bootargs, scn.icount, qemu,
                                      bios))
    print(f"runner: {name}: {scn.smp} harts, {scn.mem}, bootargs {bootargs!r}"
          f"{', icount' if scn.icount else ''}, {args.repeat} boot(s)")
    print(f"runner: {argv_shown}")
    by_hand = ["scripts/run", "--smp", str(scn.smp), "--mem", scn.mem] + \
        (["--append", own_bootargs] if own_bootargs else []) + (["--icount"] if scn.icount else [])
    print(f"runner: by hand: {shlex.join(by_hand)}")
    boot_harts = []
    for run in range(1, args.repeat + 1):
        vm = None
        try:
            vm = run_scenario(scn, args.image, bootargs, qemu, bios)
        except ScenarioError as e:
            print(f"runner: error: {e}")
            return EXIT_ERROR
        except Failure as e:
            vm = e.vm
            print(f"runner: boot {run}/{args.repeat} FAILED: {e}")
            print_transcript(vm)
            print(f"runner: boot {run}/{args.repeat} FAILED after "
                  f"{vm.elapsed() if vm else 0:.2f}s: {e}")
            return EXIT_FAIL
        m = re.search(r"booting on hart (\d+)", vm.text)
        boot_harts.append(m.group(1) if m else "?")
        if args.verbose:
            print_transcript(vm)
        took = (vm.exited_at or time.monotonic()) - vm.started
        print(f"runner: boot {run}/{args.repeat} passed in {took:.2f}s"
              f" (boot hart {boot_harts[-1]})")
    print(f"runner: PASS ({args.repeat} boot(s); boot harts {' '.join(boot_harts)})")
    return EXIT_PASS


if __name__ == "__main__":
    sys.exit(main())
