"""The `[sync]` table: which server, which user, and where the password comes from.

The password itself is never in the config: it is read from an environment variable or printed
by a command (run without a shell, e.g. `["pass", "show", "ttrss"]`) when a sync starts.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

SyncKind = Literal["ttrss"]
KINDS: tuple[str, ...] = ("ttrss",)
SYNC_KEYS = {"kind", "url", "user", "password_env", "password_command"}
PASSWORD_COMMAND_TIMEOUT = 60.0


class PasswordError(Exception):
    """The password could not be had; one line, never holding the password."""


@dataclass(frozen=True, slots=True)
class SyncConfig:
    kind: SyncKind
    url: str
    user: str
    password_env: str = ""
    password_command: tuple[str, ...] = ()

    def password(self) -> str:
        """The password, from the environment variable or the command's first line of output."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise PasswordError(
                    f"sync.password_env: the environment variable {self.password_env} is not set"
                )
            return value
        if not self.password_command:
            raise PasswordError("sync: set password_env or password_command")
        name = self.password_command[0]
        try:
            done = subprocess.run(
                list(self.password_command),
                capture_output=True,
                text=True,
                timeout=PASSWORD_COMMAND_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            raise PasswordError(f"sync.password_command: {name}: command not found") from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PasswordError(f"sync.password_command: {name}: {type(exc).__name__}") from None
        if done.returncode != 0:
            raise PasswordError(
                f"sync.password_command: {name} exited with status {done.returncode}"
            )
        lines = done.stdout.splitlines()
        if not lines or not lines[0]:
            raise PasswordError(f"sync.password_command: {name} printed no password")
        return lines[0]


def parse_sync(file: Path | str, data: Mapping[str, Any]) -> SyncConfig | None:
    """The `[sync]` table checked key by key; None when there is none (or no url in it)."""
    from tui_reader.config import ConfigError

    table = data.get("sync")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(file, "sync", "a table")
    if "password" in table:
        raise ConfigError(
            file, "sync.password", "no password in the file: password_env or password_command"
        )
    for name in table:
        if name not in SYNC_KEYS:
            raise ConfigError(
                file, f"sync.{name}", "a known key (" + ", ".join(sorted(SYNC_KEYS)) + ")"
            )
    kind = table.get("kind", "ttrss")
    if kind not in KINDS:
        raise ConfigError(file, "sync.kind", "one of " + ", ".join(KINDS))
    url = table.get("url", "")
    if not isinstance(url, str) or (
        url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc)
    ):
        raise ConfigError(file, "sync.url", "an http(s) URL of the server")
    if not url:
        return None
    user = table.get("user", "")
    if not isinstance(user, str) or not user:
        raise ConfigError(file, "sync.user", "the user name on the server")
    env = table.get("password_env", "")
    if not isinstance(env, str):
        raise ConfigError(file, "sync.password_env", "the name of an environment variable")
    command = table.get("password_command", [])
    if isinstance(command, str):
        command = shlex.split(command)
    if not isinstance(command, list) or not all(isinstance(x, str) for x in command):
        raise ConfigError(
            file, "sync.password_command", 'a command, e.g. ["pass", "show", "ttrss"]'
        )
    if not env and not command:
        raise ConfigError(
            file,
            "sync.password_env",
            "password_env or password_command (the password is never in the file)",
        )
    return SyncConfig(
        kind=kind, url=url, user=user, password_env=env, password_command=tuple(command)
    )
