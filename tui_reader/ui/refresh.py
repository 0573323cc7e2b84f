"""Refreshing feeds from the reader: the fetch worker (under the store's fetch lock, so a cron
fetch and the reader never fetch at once), and its progress."""

from __future__ import annotations

from typing import Any

from textual import on, work

from tui_reader.config import FeedConfig
from tui_reader.models import FetchSummary
from tui_reader.store import StoreLocked
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.messages import RefreshFinished, RefreshProgressed


class RefreshMixin(ReaderBase):
    """`r` / `R`: one refresh at a time (`self.refreshing`), then the store is reloaded."""

    def action_refresh(self, everything: bool) -> None:
        feeds = list(self.feeds) if everything else self.feeds_for_key(self.feed_key)
        self.start_refresh(feeds)

    def start_refresh(self, feeds: list[FeedConfig]) -> None:
        if self.refreshing:
            self.status("A refresh is already running.")
            return
        if not feeds and self.config.sync is None:  # a sync may bring the server's feeds
            self.status("No feeds to refresh.")
            return
        self.refreshing = True
        if self.config.sync is not None:
            self.status("Syncing…")
        else:
            self.status(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}…")
        self.refresh_feeds(feeds)

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_feeds(self, feeds: list[FeedConfig]) -> None:
        from tui_reader.pipeline import run_update

        done = 0
        total = len(feeds)

        def progress(result: Any) -> None:
            nonlocal done
            done += 1
            self.post_message(RefreshProgressed(result, done, total))

        if self.config.sync is not None:
            self.sync_and_refresh(feeds, progress)
            return
        try:
            with self.store.fetch_lock():  # a cron fetch and the reader never fetch at once
                summary = run_update(
                    self.config,
                    self.store,
                    feeds=feeds,
                    fulltext=True,
                    progress=progress,
                    force=True,
                )
        except StoreLocked:
            self.post_message(RefreshFinished(None, "another fetch is running; try again soon"))
            return
        except Exception as exc:
            self.post_message(RefreshFinished(None, f"refresh failed: {exc}"))
            return
        self.post_message(RefreshFinished(summary))

    def sync_and_refresh(self, feeds: list[FeedConfig], progress: Any) -> None:
        """(In the refresh worker.) Sync with the server, then refresh `feeds` and any feed the
        server added; a failed sync still refreshes the feeds that are not synced."""
        from tui_reader.sync.service import run_sync

        wanted = {f.url for f in feeds}
        known = {f.url for f in self.feeds}

        def select(every: list[FeedConfig], synced: set[str]) -> list[FeedConfig]:
            return [f for f in every if f.url in wanted or (f.url in synced and f.url not in known)]

        try:
            with self.store.fetch_lock():
                outcome = run_sync(
                    self.config, self.store, select=select, progress=progress, force=True
                )
        except StoreLocked:
            self.post_message(RefreshFinished(None, "another fetch is running; try again soon"))
            return
        except Exception as exc:
            self.post_message(RefreshFinished(None, f"sync failed: {exc}"))
            return
        line = outcome.report.line() if outcome.report is not None else ""
        if outcome.error:
            line = f"sync failed: {outcome.error}"
        self.post_message(RefreshFinished(outcome.summary or FetchSummary(()), sync=line))

    @work(thread=True, exclusive=True, group="sync-state")
    def show_sync_state(self) -> None:
        """The last sync and the changes waiting for the next, on the status line."""
        from tui_reader.sync.state import describe, pending

        text = describe(*pending(self.store))
        self.call_from_thread(self.status, text)

    @on(RefreshProgressed)
    def refresh_progressed(self, message: RefreshProgressed) -> None:
        result = message.result
        name = self.feed_name(result.feed)
        self.status(f"Refreshing {message.done}/{message.total}: {name} {result.outcome}")

    @on(RefreshFinished)
    def refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        if message.summary is None:
            self.status(message.error)
        elif message.sync:
            self.status(
                f"{message.sync} · {message.summary.line()}{self.failure_reasons(message.summary)}"
            )
        else:
            self.status(message.summary.line() + self.failure_reasons(message.summary))
        self.load_store()

    def failure_reasons(self, summary: FetchSummary) -> str:
        """ " · Xataka: host name not found" for each feed that failed (why, not only how many)."""
        failed = [r for r in summary.results if r.outcome in ("failed", "gone")]
        return "".join(f" · {self.feed_name(r.feed)}: {r.error or r.outcome}" for r in failed)
