"""No terminal, no reader: one line and exit 2. A dumb terminal gets no colour."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tui_reader.terminal import degrade_for_dumb_terminal

TRUECOLOR = b"\x1b[38;2;"


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[storage]\ndata_dir = "{tmp_path / "data"}"\ncache_dir = "{tmp_path / "cache"}"\n'
        f'state_dir = "{tmp_path / "state"}"\n'
        '[[feeds]]\nurl = "http://127.0.0.1:9/feed"\ntitle = "Nada"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", [[], ["demo"]])
def test_without_a_terminal_the_reader_refuses_with_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out"
    with open(os.devnull, "rb") as null, out.open("wb") as sink:
        proc = subprocess.run(
            [sys.executable, "-m", "tui_reader", "--config", str(write_config(tmp_path)), *command],
            stdin=null,
            stdout=sink,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert len(err.splitlines()) == 1 and "needs a terminal" in err, err
    assert out.read_bytes() == b"", "no escape sequences written into the file"


def test_dumb_terminal_settings() -> None:
    env = {"TERM": "dumb"}
    assert degrade_for_dumb_terminal(env)
    assert env["NO_COLOR"] == "1" and env["TEXTUAL_COLOR_SYSTEM"] == "standard"
    xterm = {"TERM": "xterm-256color"}
    assert not degrade_for_dumb_terminal(xterm) and xterm == {"TERM": "xterm-256color"}


def run_in_pty(tmp_path: Path, term: str) -> bytes:
    """The reader on a pseudo-terminal until its first screen is drawn, then `q`."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM")}
    env["TERM"] = term
    env["COLORTERM"] = "truecolor"  # as a terminal emulator sets it, whatever TERM says
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_reader", "--config", str(write_config(tmp_path))],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    try:
        while b"Help" not in seen:  # the key bar is drawn
            ready, _, _ = select.select([main], [], [], 60)
            assert ready, f"nothing drawn: {seen[-500:]!r}"
            seen += os.read(main, 65536)
        for _ in range(30):  # `q` goes back a pane, then quits; read on, or its writes block
            os.write(main, b"q")
            if select.select([main], [], [], 2)[0]:
                try:
                    seen += os.read(main, 65536)
                except OSError:  # the reader closed the terminal
                    break
            if proc.poll() is not None:
                break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)
    return seen


@pytest.mark.slow
def test_a_dumb_terminal_gets_no_truecolor(tmp_path: Path) -> None:
    assert TRUECOLOR in run_in_pty(tmp_path, "xterm-256color"), "the check can see truecolor"
    dumb = run_in_pty(tmp_path, "dumb")
    assert TRUECOLOR not in dumb and b"\x1b[38;5;" not in dumb, dumb[-300:]
