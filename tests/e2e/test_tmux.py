"""End to end: the installed `tui-reader` in tmux, driven by keys and read off the screen."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sshd

from tui_reader.demo.sample import FEEDS, build_store, make_config

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")]

PROGRAM = Path(sys.executable).parent / "tui-reader"
OVER_SSH = "@over-ssh"  # a TERMINALS key: run the reader through `ssh -t` (not an env var)


class Terminal:
    """One tmux session on a private server: send keys, read the screen."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.session, key)
            time.sleep(0.15)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{screen}")


def write_config(tmp: Path) -> Path:
    lines = [
        "[storage]",
        f"data_dir = {json.dumps(str(tmp / 'data'))}",
        f"cache_dir = {json.dumps(str(tmp / 'cache'))}",
        "",
        "[reader]",
        "poll_seconds = 1.0",
    ]
    for feed in FEEDS:
        lines += [
            "",
            "[[feeds]]",
            f"url = {json.dumps(feed.url)}",
            f"title = {json.dumps(feed.title, ensure_ascii=False)}",
            f"tags = {json.dumps(list(feed.tags), ensure_ascii=False)}",
        ]
    path = tmp / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


TERMINALS = [
    pytest.param({"TERM": "xterm-256color"}, id="xterm-256color"),
    pytest.param({"TERM": "xterm"}, id="xterm-16-colours"),
    pytest.param({"TERM": "linux", "NO_COLOR": "1"}, id="linux-console-no-color"),
    pytest.param(
        {"TERM": "xterm-256color", OVER_SSH: "1"},
        id="xterm-256color-over-ssh",
        marks=pytest.mark.skipif(bool(sshd.skip_reason()), reason=sshd.skip_reason() or "-"),
    ),
]


@pytest.fixture(params=TERMINALS)
def terminal(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Terminal, Path]]:
    """The reader in tmux at 80x24; over `ssh -t` to a private sshd for the ssh variant."""
    params = dict(request.param)
    over_ssh = params.pop(OVER_SSH, "")
    with contextlib.ExitStack() as stack:
        ssh = stack.enter_context(sshd.ssh_server(tmp_path / "ssh")) if over_ssh else []
        yield from _terminal(tmp_path, params, ssh)


def _terminal(
    tmp_path: Path, params: dict[str, str], ssh: list[str]
) -> Iterator[tuple[Terminal, Path]]:
    assert PROGRAM.exists(), f"the console script is not installed at {PROGRAM}"
    build_store(make_config(tmp_path)).close()
    config_file = write_config(tmp_path)
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
    browser.chmod(0o755)
    env = {
        "TUI_READER_CONFIG": str(config_file),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "BROWSER": str(browser),
        **params,
        "TZ": "UTC",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
    }
    command = "env -i " + " ".join(f"{k}={json.dumps(v)}" for k, v in env.items())
    if ssh:  # the remote side: sshd's own SSH_CONNECTION and SSH_TTY, kept through env -i
        remote = command + ' SSH_CONNECTION="$SSH_CONNECTION" SSH_TTY="$SSH_TTY" ' + str(PROGRAM)
        command = shlex.join([*ssh, remote]) + "; sleep 5"
    else:
        command += f" {PROGRAM}; sleep 5"
    term = Terminal(f"tui-reader-e2e-{uuid.uuid4().hex[:8]}", "reader")
    term.tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "reader", command)
    try:
        yield term, opened
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_open_article_follow_link_star_and_find_it_under_starred(
    terminal: tuple[Terminal, Path], request: pytest.FixtureRequest
) -> None:
    term, opened = terminal
    term.wait_for(lambda s: "8 entries" in s, "the entries list")
    term.keys("Enter")
    screen = term.wait_for(lambda s: "anuncio oficial[1]" in s, "the article")
    rows = screen.splitlines()
    assert "Linux 6.9 llega con un planificador" in rows[1]  # the header's first row
    assert rows[3].strip() == "elbyte.example/articulo-0"  # the URL on one row
    assert "La nueva versión del núcleo" in rows[5]  # the text starts on the sixth row
    term.keys("i")
    term.wait_for(lambda s: "full text from the page" in s, "the info view")
    term.keys("Escape")
    term.wait_for(lambda s: "full text from the page" not in s, "the article again")

    term.keys("2")
    if "over-ssh" in request.node.callspec.id:  # nothing is launched: shown and copied
        copied = term.wait_for(lambda s: "https://docs.example/kernel" in s, "the copied link")
        assert "copied" in copied.lower()
        assert not opened.exists()
    else:
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text().split() == ["https://docs.example/kernel"]

    term.keys("s")
    term.wait_for(lambda s: "Starred." in s, "the star confirmation")
    term.keys("q", "q")  # article -> entries -> feeds
    term.wait_for(lambda s: "Starred" in s and "Bit Notizie" in s, "the feeds pane")
    term.keys("j", "Enter")  # All -> Starred
    screen = term.wait_for(lambda s: "1 entries" in s, "the starred list")
    assert "Starred" in screen.splitlines()[0]
    assert "Linux 6.9 llega con un planificador" in screen
    assert "Perché" not in screen
    term.keys("q", "q")
    term.wait_for(lambda s: "entries" not in s.splitlines()[0], "the reader to quit", timeout=10)
