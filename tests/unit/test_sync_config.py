"""The [sync] table, where its password comes from, and the three-way merge of one flag."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui_reader.config import ConfigError, load_config
from tui_reader.sync.settings import PasswordError, SyncConfig
from tui_reader.sync.state import SyncState, merge_flag, subscription_changes


def config_with(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[sync]\n{table}\n")
    return path


def test_a_sync_table_is_read(tmp_path: Path) -> None:
    path = config_with(
        tmp_path, 'url = "https://rss.example.org/"\nuser = "me"\npassword_env = "PW"'
    )
    sync = load_config(path).sync
    assert sync == SyncConfig("ttrss", "https://rss.example.org/", "me", password_env="PW")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('url = "https://x.example/"\nuser = "me"\npassword = "hunter2"', "sync.password"),
        ('url = "ftp://x.example/"\nuser = "me"\npassword_env = "PW"', "sync.url"),
        ('url = "https://x.example/"\npassword_env = "PW"', "sync.user"),
        ('url = "https://x.example/"\nuser = "me"', "sync.password_env"),
        ('kind = "miniflux"\nurl = "https://x.example/"', "sync.kind"),
        ('url = "https://x.example/"\nuser = "me"\npassword_command = 3', "sync.password_command"),
    ],
)
def test_a_bad_sync_table_names_the_key(tmp_path: Path, table: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(config_with(tmp_path, table))
    assert caught.value.key == key
    assert "hunter2" not in str(caught.value)


def test_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    sync = SyncConfig("ttrss", "https://x.example/", "me", password_env="TUI_TEST_PW")
    monkeypatch.delenv("TUI_TEST_PW", raising=False)
    with pytest.raises(PasswordError, match="TUI_TEST_PW is not set"):
        sync.password()
    monkeypatch.setenv("TUI_TEST_PW", "s3cret pass")
    assert sync.password() == "s3cret pass"


def test_the_password_command_runs_without_a_shell() -> None:
    command = (
        sys.executable,
        "-c",
        "import sys; print(sys.argv[1]); print('ignored')",
        "a;b $HOME",
    )
    assert SyncConfig("ttrss", "u", "me", password_command=command).password() == "a;b $HOME"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("/nonexistent/pass-helper",), "command not found"),
        ((sys.executable, "-c", "print('leaked'); raise SystemExit(3)"), "exited with status 3"),
        ((sys.executable, "-c", "pass"), "printed no password"),
    ],
)
def test_a_failing_password_command_is_one_line_without_its_output(
    command: tuple[str, ...], message: str
) -> None:
    with pytest.raises(PasswordError) as caught:
        SyncConfig("ttrss", "u", "me", password_command=command).password()
    assert message in str(caught.value) and "leaked" not in str(caught.value)


@pytest.mark.parametrize(
    ("agreed", "local", "server", "merged"),
    [
        (False, False, False, False),
        (False, True, False, True),  # changed here
        (False, False, True, True),  # changed there
        (True, False, True, False),  # unmarked here
        (True, True, False, False),  # unmarked there
        (False, True, True, True),  # both, the same way
        (True, False, False, False),
        (None, False, True, True),  # first met: set on either side stays set
        (None, True, False, True),
        (None, False, False, False),
    ],
)
def test_merge_flag(agreed: bool | None, local: bool, server: bool, merged: bool) -> None:
    assert merge_flag(agreed, local, server) is merged


def test_subscription_changes_count_what_was_added_or_removed_here() -> None:
    state = SyncState(feeds={"a": {}, "b": {}}, local_only=["here-only"], last_sync=1.0)
    assert subscription_changes(state, iter(["a", "b", "here-only"])) == 0
    assert subscription_changes(state, iter(["a", "here-only", "new"])) == 2  # -b, +new
    assert subscription_changes(SyncState(), iter(["a"])) == 0  # before the first sync
