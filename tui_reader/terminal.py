"""Whether the reader can run on this terminal, and what a dumb terminal gets.

Checked before Textual is imported: without a terminal on stdin and stdout the reader would
write escape sequences into a file and wait forever for keys; a `TERM=dumb` terminal gets no
colour at all (Textual reads `NO_COLOR` and `TEXTUAL_COLOR_SYSTEM` once, at import and start).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import TextIO


def terminal_problem(stdin: TextIO | None, stdout: TextIO | None) -> str:
    """One line saying why the reader cannot run here, or "" if it can."""
    for name, stream in (("stdin", stdin), ("stdout", stdout)):
        try:
            tty = stream is not None and stream.isatty()
        except (ValueError, OSError):  # closed
            tty = False
        if not tty:
            return (
                f"the reader needs a terminal, and {name} is not one; "
                "for scripts use the commands (`tui-reader list`, `tui-reader --help`)"
            )
    return ""


def degrade_for_dumb_terminal(env: MutableMapping[str, str] | None = None) -> bool:
    """On `TERM=dumb` (or unset), ask Textual for no colour and 16-colour output at most."""
    env = os.environ if env is None else env
    if env.get("TERM", "dumb") not in ("dumb", "unknown", ""):
        return False
    env.setdefault("NO_COLOR", "1")
    env.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
    return True
