"""Shared fixtures: a hidden user environment, a real feed server, a store and a config on tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from feedserver import CountingExecutor, FeedServer
from forwardproxy import ForwardProxy

from tui_reader.config import Config, FeedConfig, FetchConfig, StorageConfig
from tui_reader.store import Store

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _hidden_user_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's config or store, or sends local requests to a proxy."""
    monkeypatch.delenv("TUI_READER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def feedserver() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    """A real forward proxy on 127.0.0.1 that records the URLs it carried."""
    server = ForwardProxy().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "data", tmp_path / "cache") as opened:
        yield opened


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """A config whose store lives in tmp_path, with fast timeouts; `fetch` overrides fields."""

    def make(feeds: list[FeedConfig] | tuple[FeedConfig, ...] = (), **fetch: Any) -> Config:
        base = FetchConfig(
            concurrency=4,
            per_host=2,
            connect_timeout=5.0,
            read_timeout=5.0,
            total_timeout=10.0,
            retries=2,
            retry_backoff=0.01,
            workers=1,
        )
        return Config(
            storage=StorageConfig(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache"),
            fetch=replace(base, **fetch),
            feeds=tuple(feeds),
        )

    return make


@pytest.fixture
def counting_executor() -> Iterator[CountingExecutor]:
    executor = CountingExecutor()
    try:
        yield executor
    finally:
        executor.shutdown(wait=True)
