"""Refreshing feeds from the reader: the fetch worker (under the store's fetch lock, so a cron
fetch and the reader never fetch at once), and its progress."""

from __future__ import annotations

from typing import Any

from textual import on, work

from tui_reader.config import FeedConfig
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
        if not feeds:
            self.status("No feeds to refresh.")
            return
        self.refreshing = True
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
        else:
            self.status(message.summary.line())
        self.load_store()
