"""The user's pager and editor, run without a shell: `$PAGER` and `$VISUAL`/`$EDITOR` are split
into words (quotes honoured) and started directly, so nothing in them is interpreted twice."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


class ExternalError(Exception):
    """The program could not be started: one line for the user."""


def _command(value: str, variable: str) -> list[str]:
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise ExternalError(f"${variable} is not a command line: {exc}") from None
    if not words:
        raise ExternalError(f"${variable} is empty")
    return words


def page(text: str, environ: Mapping[str, str] | None = None) -> None:
    """Show `text` in `$PAGER` (default `less`); printed as is if the pager cannot start."""
    env = dict(os.environ if environ is None else environ)
    command = _command(env.get("PAGER") or "less", "PAGER")
    env.setdefault("LESS", "FRX")  # one screen: quit at once; colours and wide chars kept
    try:
        subprocess.run(command, input=text.encode("utf-8"), env=env, check=False)
    except OSError:
        sys.stdout.write(text)
    except KeyboardInterrupt:
        pass


def edit(path: Path, environ: Mapping[str, str] | None = None) -> int:
    """Open `path` in `$VISUAL`, `$EDITOR` or `vi`; the editor's exit status."""
    env = os.environ if environ is None else environ
    variable = "VISUAL" if env.get("VISUAL") else "EDITOR"
    command = _command(env.get(variable) or "vi", variable)
    try:
        return subprocess.run([*command, str(path)], check=False).returncode
    except OSError as exc:
        raise ExternalError(
            f"could not start {command[0]!r} (${variable}): {exc.strerror}"
        ) from None
