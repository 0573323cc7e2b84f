"""Child processes that die with the program, however it ends (SIGKILL, the OOM killer, a timer).

A pool worker started by forkserver is the fork server's child, not the program's, and a killed
program runs no clean-up: without this, its workers wait on their queues for ever, and the fork
server and resource tracker, which wait for them, stay too. Each worker watches the program's
process (a pidfd, readable once it has exited; polling where pidfds do not exist) from a daemon
thread and exits at once when it is gone. Once the workers are gone the fork server and the
resource tracker see their pipes close and end by themselves.
"""

from __future__ import annotations

import os
import select
import threading
import time

# Seconds between checks where the platform has no pidfd (not Linux, or Linux before 5.3).
POLL_INTERVAL = 1.0
EXIT_CODE = 70  # EX_SOFTWARE: only ever seen by the fork server, which does not wait for it


def pool_initargs() -> tuple[int]:
    """`initargs` for a pool made in this process: its workers watch this process."""
    return (os.getpid(),)


def watch_parent(program_pid: int) -> None:
    """A pool initializer: end this process as soon as `program_pid` has ended."""
    try:
        pidfd = os.pidfd_open(program_pid)
    except ProcessLookupError:
        os._exit(EXIT_CODE)  # already gone before this worker started
    except (AttributeError, OSError):
        pidfd = -1
    thread = threading.Thread(target=_wait, args=(program_pid, pidfd), name="lifeline", daemon=True)
    thread.start()


def _wait(program_pid: int, pidfd: int) -> None:
    if pidfd >= 0:
        while True:
            readable, _, _ = select.select([pidfd], [], [])
            if readable:
                os._exit(EXIT_CODE)
    while True:
        time.sleep(POLL_INTERVAL)
        try:
            os.kill(program_pid, 0)
        except ProcessLookupError:
            os._exit(EXIT_CODE)
        except PermissionError:
            continue  # alive, or its pid reused by another user's process; keep watching
