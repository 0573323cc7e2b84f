"""UI fixtures: a sample store in tmp_path, and no trace of the developer's own config."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import RecordingBrowser

from tui_reader.config import Config
from tui_reader.demo.sample import build_store, make_config
from tui_reader.store import Store


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point config and XDG dirs at an empty tmp dir, pin the time zone, hide SSH and $BROWSER."""
    home = tmp_path_factory.mktemp("home")
    config_file = home / "config.toml"
    config_file.write_text("")
    monkeypatch.setenv("TUI_READER_CONFIG", str(config_file))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in ("SSH_CONNECTION", "SSH_TTY", "BROWSER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path, poll_seconds=0.2)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    store = build_store(config)
    yield store
    store.close()


@pytest.fixture
def opened() -> RecordingBrowser:
    """A browser for `make_app(..., browser=opened)`: always there, records what it opens."""
    return RecordingBrowser()
