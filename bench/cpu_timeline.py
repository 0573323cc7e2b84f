"""Run a command and say where its CPU went: per process, per thread, and over time.

    python bench/cpu_timeline.py [--interval 0.5] -- tui-reader --config C fetch

Linux only: it polls `/proc` for the command's process tree (the fetch, its forkserver and
workers) every 20 ms and prints, on stderr, the CPU of the command's own process and of the rest
of the tree in each interval (so idle cores show), then each process's and busy thread's total.
This is how docs/benchmarks.md's per-process figures and the "cores busy" share were read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
POLL_S = 0.02


def _cpu_seconds(stat_path: str) -> float | None:
    """utime + stime of a process or thread, from its `stat` file."""
    try:
        with open(stat_path) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def _threads(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def _children(pid: int, threads: list[str]) -> list[int]:
    found: list[int] = []
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as children:
                found += [int(c) for c in children.read().split()]
        except OSError:
            continue
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:70]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.5, help="seconds per timeline row")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not command:
        parser.error("no command given")
    start = time.monotonic()
    proc = subprocess.Popen(command)
    per_process: dict[int, float] = {}
    per_thread: dict[tuple[int, int], float] = {}
    names: dict[int, str] = {}
    rows: list[tuple[float, float, float]] = []
    last_row, last_main, last_rest = start, 0.0, 0.0
    while proc.poll() is None:
        pending = [proc.pid]
        while pending:
            pid = pending.pop()
            cpu = _cpu_seconds(f"/proc/{pid}/stat")
            threads = _threads(pid)
            if cpu is not None:
                per_process[pid] = cpu
                if pid not in names:
                    names[pid] = _command_line(pid)
                for tid in threads:
                    if int(tid) != pid:
                        thread_cpu = _cpu_seconds(f"/proc/{pid}/task/{tid}/stat")
                        if thread_cpu is not None:
                            per_thread[pid, int(tid)] = thread_cpu
            pending += _children(pid, threads)
        now = time.monotonic()
        if now - last_row >= opts.interval:
            main_cpu = per_process.get(proc.pid, 0.0)
            rest = sum(cpu for pid, cpu in per_process.items() if pid != proc.pid)
            span = now - last_row
            rows.append((now - start, (main_cpu - last_main) / span, (rest - last_rest) / span))
            last_row, last_main, last_rest = now, main_cpu, rest
        time.sleep(POLL_S)
    wall = time.monotonic() - start
    out = sys.stderr
    cores = os.cpu_count() or 1
    for at, main_share, rest_share in rows:
        bar = "#" * round((main_share + rest_share) * 10)
        print(f"{at:6.1f} s  main {main_share:4.2f}  rest {rest_share:4.2f}  {bar}", file=out)
    if rows:
        busy = sum(m + r for _, m, r in rows) / len(rows)
        print(
            f"cores busy on average: {busy:.2f} of {cores} ({100 * busy / cores:.0f} %)", file=out
        )
    for pid, cpu in sorted(per_process.items(), key=lambda kv: -kv[1]):
        print(f"{cpu:8.2f} s  {pid} {names[pid]}", file=out)
    for (owner, thread), cpu in sorted(per_thread.items(), key=lambda kv: -kv[1]):
        if cpu >= 0.05:
            print(f"{cpu:8.2f} s  thread {thread} of {owner}", file=out)
    total = sum(per_process.values())
    print(f"total CPU {total:.2f} s, wall {wall:.2f} s, exit {proc.returncode}", file=out)
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
