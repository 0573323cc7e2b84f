"""Handing a link to the browser: http(s) only, `webbrowser` (honours $BROWSER), never a shell."""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from collections.abc import Mapping
from typing import Protocol

from tui_reader.sanitize import is_safe_url


class Browser(Protocol):
    """What the reader needs to hand a link on: whether a browser would open it, why not,
    opening it (in a worker thread) and whether an OSC 52 copy reaches the clipboard."""

    def available(self) -> bool: ...
    def no_browser_reason(self) -> str: ...
    def clipboard_problem(self) -> str: ...
    def launch(self, url: str) -> bool: ...


def over_ssh(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def browser_available(environ: Mapping[str, str] | None = None) -> bool:
    """Whether opening a URL would reach a browser rather than take over this terminal.

    Over SSH nothing is launched (it would open on the remote machine, or fail). With $BROWSER
    set the user chose; otherwise only a desktop session (or macOS/Windows) has a browser that
    does not run inside our terminal.
    """
    env = os.environ if environ is None else environ
    if over_ssh(env):
        return False
    if env.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def no_browser_reason(environ: Mapping[str, str] | None = None) -> str:
    """Why `browser_available` said no, for the status line."""
    env = os.environ if environ is None else environ
    if over_ssh(env):
        return "over SSH, no browser is opened"
    return "no browser found (set $BROWSER, or run under a desktop session)"


def clipboard_problem(environ: Mapping[str, str] | None = None) -> str:
    """Why an OSC 52 copy would not reach the clipboard, or "" (as far as can be told).

    Inside tmux an application's OSC 52 is dropped unless `set-clipboard` is `on` (its default,
    `external`, lets only tmux itself set the clipboard). Runs tmux: call it from a thread.
    """
    env = os.environ if environ is None else environ
    if not env.get("TMUX"):
        return ""
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    if done.returncode != 0 or done.stdout.strip() == "on":
        return ""
    return "tmux drops the copy (OSC 52): add `set -g set-clipboard on` to ~/.tmux.conf"


def launch(url: str) -> bool:
    """Open `url` with `webbrowser.open` (blocking: call it from a thread). False if refused."""
    if not is_safe_url(url):
        return False
    try:
        return bool(webbrowser.open(url, new=2))
    except webbrowser.Error:
        return False


class SystemBrowser:
    """This machine's browser and clipboard, as the reader uses them (the `Browser` it is
    given by default; a test gives one that records instead of launching)."""

    def available(self) -> bool:
        return browser_available()

    def no_browser_reason(self) -> str:
        return no_browser_reason()

    def clipboard_problem(self) -> str:
        return clipboard_problem()

    def launch(self, url: str) -> bool:
        return launch(url)
