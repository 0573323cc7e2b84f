"""A sync run for the CLI and the reader: the engine, then the pipeline, then the flags.

The caller holds the store's fetch lock. A failure at any step is one line (`SyncOutcome.error`)
and loses nothing: what was changed here stays as it is, and what the server holds stays there,
so the next sync finishes the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from tui_reader.config import Config, FeedConfig
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.store import Store
from tui_reader.sync.backend import Backend, SyncError
from tui_reader.sync.engine import SyncEngine, SyncReport
from tui_reader.sync.settings import PasswordError, SyncConfig
from tui_reader.sync.state import SyncState

LOG = logging.getLogger(__name__)
Select = Callable[[list[FeedConfig], set[str]], list[FeedConfig]]


@dataclass
class SyncOutcome:
    report: SyncReport | None = None
    summary: FetchSummary | None = None
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error) or (self.summary is not None and self.summary.failed)


def make_backend(sync: SyncConfig, config: Config) -> tuple[Backend, str]:
    """The configured account's back-end, and its password (to keep out of messages)."""
    password = sync.password()
    if sync.kind == "ttrss":
        from tui_reader.sync.ttrss import TinyTinyRSS

        return TinyTinyRSS(sync.url, sync.user, password, config.fetch), password
    raise SyncError(f"sync.kind: {sync.kind!r} is not supported")


def redact(text: str, secret: str) -> str:
    """`text` with any copy of the password replaced (our messages hold none: a safety net)."""
    return text.replace(secret, "***") if len(secret) >= 3 else text


def synced_only(feeds: list[FeedConfig], synced: set[str]) -> list[FeedConfig]:
    return [f for f in feeds if f.url in synced]


def run_sync(
    config: Config,
    store: Store,
    *,
    select: Select = synced_only,
    fulltext: bool = True,
    progress: Callable[[FeedResult], None] | None = None,
    force: bool = False,
) -> SyncOutcome:
    """Sync with the configured server and update the feeds `select` picks.

    `select` gets every subscribed feed (after the server's subscriptions are agreed) and the
    synced feeds' URLs: `tui-reader sync` updates the synced feeds, `fetch` all of them. When the
    server cannot be reached, the synced feeds are left alone rather than fetched directly.
    """
    from tui_reader.pipeline import run_update
    from tui_reader.services import effective_feeds

    assert config.sync is not None
    outcome = SyncOutcome()
    password = ""
    backend: Backend | None = None
    engine: SyncEngine | None = None
    pulled = None
    try:
        backend, password = make_backend(config.sync, config)
        engine = SyncEngine(backend, store, fixed=[f.url for f in config.feeds])
        pulled = engine.pull()
    except (SyncError, PasswordError) as exc:
        outcome.error = redact(str(exc), password)
    try:
        synced = set(SyncState.load(store).feeds)
        feeds = select(effective_feeds(config, store), synced)
        if pulled is None:
            feeds = [f for f in feeds if f.url not in synced]
        if feeds:
            outcome.summary = run_update(
                config,
                store,
                feeds=feeds,
                fulltext=fulltext,
                progress=progress,
                force=force,
                supplied=pulled.parsed if pulled is not None else None,
            )
        if engine is not None and pulled is not None:
            try:
                outcome.report = engine.settle(pulled)
            except SyncError as exc:
                outcome.error = redact(str(exc), password)
    finally:
        if backend is not None:
            backend.close()
        if outcome.error:
            LOG.warning("sync failed: %s", outcome.error)
            SyncState.load(store).failed(store, outcome.error)
    return outcome
