"""Run a command (ansible-playbook) and SIGKILL it, with all its processes, once a task starts.

    python3 kill_at.py --task REGEX [--delay SECONDS] [--timeout SECONDS] -- COMMAND [ARG ...]

COMMAND's output is copied to stdout. When a task banner ("TASK [name] ***") whose name matches
REGEX has been printed, and DELAY seconds more have passed (to land inside the task), the whole
process group is killed with SIGKILL, as when the controller dies or the job is cut off: no
handler, no rescue, no cleanup runs on the controller. Exits 0 and prints the point it was killed
at; exits 1 when COMMAND ended before reaching the task (a point that never comes is a broken
test, not a pass), or when TIMEOUT passed first.
"""

from __future__ import annotations

import argparse
import os
import re
import selectors
import signal
import subprocess
import sys
import time

BANNER = re.compile(r"^TASK \[(?P<name>.*)\] \*+\s*$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--task", required=True, help="regular expression for the task's name")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds to wait once the task starts")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    wanted = re.compile(args.task)

    started = time.monotonic()
    # A session of its own: the kill reaches ansible-playbook's workers and connections too.
    child = subprocess.Popen(  # pylint: disable=consider-using-with
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    assert child.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    deadline = started + args.timeout
    kill_at: float | None = None
    matched = ""
    pending = b""
    while True:
        now = time.monotonic()
        if kill_at is not None and now >= kill_at:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            print(f"kill_at: SIGKILL {args.delay:g} s into task [{matched}], {now - started:.1f} s after the start",
                  flush=True)
            return 0
        if now >= deadline:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            print(f"kill_at: task matching {args.task!r} not reached within {args.timeout:g} s", flush=True)
            return 1
        timeout = min(deadline, kill_at if kill_at is not None else deadline) - now
        if not selector.select(timeout=max(timeout, 0.0)):
            continue
        chunk = os.read(child.stdout.fileno(), 65536)
        if not chunk:
            child.wait()
            print(f"kill_at: the command ended (exit {child.returncode}) before task matching {args.task!r}",
                  flush=True)
            return 1
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            banner = BANNER.match(line.decode("utf-8", "replace"))
            if kill_at is None and banner and wanted.search(banner.group("name")):
                matched = banner.group("name")
                kill_at = time.monotonic() + args.delay


if __name__ == "__main__":
    sys.exit(main())
