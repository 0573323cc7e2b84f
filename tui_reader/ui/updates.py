"""The fetch and the sync the reader runs on `r` / `R`, behind one small Protocol: the app is
given an `Updater` (the real one by default), so a test passes its own and patches nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from tui_reader.config import Config, FeedConfig
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.store import Store

if TYPE_CHECKING:  # the pipeline and the sync client load only when a refresh runs
    from tui_reader.sync.service import SyncOutcome

Progress = Callable[[FeedResult], None]
Select = Callable[[list[FeedConfig], set[str]], list[FeedConfig]]


class Updater(Protocol):
    """Runs in the refresh worker, under the store's fetch lock (the caller holds it)."""

    def update(self, feeds: list[FeedConfig], progress: Progress) -> FetchSummary:
        """Fetch `feeds` (full text, forced); `progress` once per feed done."""
        ...

    def sync(self, select: Select, progress: Progress) -> SyncOutcome:
        """Sync with the configured server, then fetch the feeds `select` picks."""
        ...


class PipelineUpdater:
    """The real one: `pipeline.run_update` and `sync.service.run_sync` on the reader's store."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store

    def update(self, feeds: list[FeedConfig], progress: Progress) -> FetchSummary:
        from tui_reader.pipeline import run_update

        return run_update(
            self.config, self.store, feeds=feeds, fulltext=True, progress=progress, force=True
        )

    def sync(self, select: Select, progress: Progress) -> SyncOutcome:
        from tui_reader.sync.service import run_sync

        return run_sync(self.config, self.store, select=select, progress=progress, force=True)
