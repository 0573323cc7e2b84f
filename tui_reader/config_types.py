"""The configuration's types: frozen dataclasses, and the error that names file and key.

Apart from their reading and checking (`config`), so that what the layers pass around needs no
TOML parser; `tui_reader.config` re-exports every name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui_reader import paths
from tui_reader.sync.settings import SyncConfig

FullText = Literal["auto"] | bool
FilterAction = Literal["hide", "read"]
FilterField = Literal["title", "author", "text", "any"]
FILTER_FIELDS: tuple[str, ...] = ("title", "author", "text", "any")


class ConfigError(Exception):
    """A user error in a config file: file, key and what was expected."""

    def __init__(self, file: Path | str, key: str, expected: str) -> None:
        self.file = str(file)
        self.key = key
        self.expected = expected
        super().__init__(f"{self.file}: {key}: expected {expected}")


@dataclass(frozen=True, slots=True)
class FilterRule:
    """A killfile line: entries whose `field` matches `pattern` are hidden or marked read."""

    pattern: str
    field: FilterField = "any"
    action: FilterAction = "hide"
    feed: str = ""

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FeedConfig:
    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    fulltext: FullText = "auto"
    language: str = ""
    keep_days: int | None = None
    interval_minutes: int = 0
    extract: Mapping[str, Any] = field(default_factory=dict)
    filters: tuple[FilterRule, ...] = ()


@dataclass(frozen=True, slots=True)
class StorageConfig:
    data_dir: Path
    cache_dir: Path
    state_dir: Path = field(default_factory=paths.default_state_dir)
    keep_days: int = 60
    keep_entries: int = 50
    page_cache_mb: int = 512


@dataclass(frozen=True, slots=True)
class FetchConfig:
    concurrency: int = 16
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    retries: int = 2
    retry_backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_bytes: int = 10_000_000
    fulltext: FullText = "auto"
    workers: int = 0
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    measure: int = 80
    align: str = "center"  # the article column: "center" or "left"
    inline_images: bool = False  # images drawn by the terminal (kitty/sixel), never over SSH
    unread_only: bool = False
    poll_seconds: float = 3.0
    keys: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config:
    storage: StorageConfig
    fetch: FetchConfig = field(default_factory=FetchConfig)
    reader: ReaderConfig = field(default_factory=ReaderConfig)
    extract: Mapping[str, Any] = field(default_factory=dict)
    filters: tuple[FilterRule, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
    default_feeds: tuple[FeedConfig, ...] = ()
    source: Path | None = None
    sync: SyncConfig | None = None

    @property
    def log_file(self) -> Path:
        return self.storage.state_dir / "tui-reader.log"
