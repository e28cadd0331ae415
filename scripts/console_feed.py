#!/usr/bin/env python3
"""Runs a command (QEMU) with its stdin fed from ours, then one ^D, and exits with its status.

    console_feed.py -- COMMAND [ARGS...]

Used by scripts/run when stdin is not a terminal. Every byte of our stdin is copied in order; the
pipe gives back-pressure, so nothing is lost however fast the input comes (QEMU's UART takes bytes
only as fast as the guest drains its FIFO). After the input ends, a newline is added if the last
line had none, then exactly one 0x04, and the pipe stays open until the command exits: closing
QEMU's stdin early could make it stop reading the console.

Input is held back until the command's first output byte. OpenSBI's UART set-up (v1.1,
uart8250_init) enables the FIFO, which makes QEMU empty it, then reads one byte and throws it away:
anything QEMU took in before that is lost, two bytes in practice. Once the firmware prints, its set-up
is over, and from then on the kernel keeps every byte until it is read. To see that first byte we
copy the command's stdout to ours ourselves, unchanged; stderr is passed straight through.
Standard library only (python3 may be pyenv's, not Debian's).
"""
import os
import signal
import subprocess
import sys
import threading

EOT = b"\x04"


def feed(src_fd, dst, console_up: threading.Event) -> None:
    last = b"\n"
    console_up.wait()
    try:
        while src_fd is not None:   # None: we were started with stdin closed, so no input
            chunk = os.read(src_fd, 65536)
            if not chunk:
                break
            dst.write(chunk)
            dst.flush()
            last = chunk[-1:]
        dst.write((b"" if last == b"\n" else b"\n") + EOT)
        dst.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the command exited first (e.g. `poweroff` in the input); its status says the rest


def copy_output(src_fd: int, console_up: threading.Event) -> None:
    out = sys.stdout.fileno()
    while True:
        chunk = os.read(src_fd, 65536)
        if not chunk:
            console_up.set()   # nothing more will come; let the feeder finish (into a broken pipe)
            return
        console_up.set()
        try:
            while chunk:
                chunk = chunk[os.write(out, chunk):]
        except BrokenPipeError:
            pass   # our reader left (e.g. `| head`); keep draining so the command is not blocked


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: console_feed.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    except OSError as e:
        print(f"console_feed: cannot start {argv[0]}: {e}", file=sys.stderr)
        return 127
    console_up = threading.Event()
    # A daemon thread: when the command exits we must not wait for more input on our stdin.
    src_fd = sys.stdin.fileno() if sys.stdin is not None else None
    threading.Thread(target=feed, args=(src_fd, proc.stdin, console_up),
                     daemon=True).start()
    copier = threading.Thread(target=copy_output, args=(proc.stdout.fileno(), console_up))
    copier.start()

    def forward(signum, _frame):
        proc.send_signal(signum)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    status = proc.wait()
    copier.join()
    # Like a shell: a command killed by signal N exits 128+N.
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    sys.exit(main())
