"""Refreshing feeds from the reader: the fetch worker (under the store's fetch lock, so a cron
fetch and the reader never fetch at once), and its progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import on, work

from tui_reader.config import FeedConfig
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.store import StoreLocked
from tui_reader.ui.flows.base import Flow
from tui_reader.ui.listing import feed_name
from tui_reader.ui.messages import RefreshFinished, RefreshProgressed
from tui_reader.ui.updates import Progress

LOCKED = "another fetch is running; try again soon"
T = TypeVar("T")


class RefreshFlow(Flow):
    """`r` / `R`: one refresh at a time (`state.refreshing`); `RefreshFinished` goes on to the
    screen, which reloads the store."""

    def start(self, feeds: list[FeedConfig]) -> None:
        if self.state.refreshing:
            self.say("A refresh is already running.")
            return
        if not feeds and self.config.sync is None:  # a sync may bring the server's feeds
            self.say("No feeds to refresh.")
            return
        self.state.refreshing = True
        if self.config.sync is not None:
            self.say("Syncing…")
        else:
            self.say(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}…")
        self.refresh_feeds(feeds)

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_feeds(self, feeds: list[FeedConfig]) -> None:
        done = 0
        total = len(feeds)

        def progress(result: FeedResult) -> None:
            nonlocal done
            done += 1
            self.post_message(RefreshProgressed(result, done, total))

        if self.config.sync is not None:
            self.sync_and_refresh(feeds, progress)
            return
        summary = self._locked(lambda: self.context.updater.update(feeds, progress), "refresh")
        if summary is not None:
            self.post_message(RefreshFinished(summary))

    def _locked(self, run: Callable[[], T], what: str) -> T | None:
        """`run()` under the store's fetch lock (a cron fetch and the reader never fetch at
        once); None, with the failure posted as the end of the refresh, if it cannot run."""
        try:
            with self.store.fetch_lock():
                return run()
        except StoreLocked:
            self.post_message(RefreshFinished(None, LOCKED))
        except Exception as exc:
            self.post_message(RefreshFinished(None, f"{what} failed: {exc}"))
        return None

    def sync_and_refresh(self, feeds: list[FeedConfig], progress: Progress) -> None:
        """(In the refresh worker.) Sync with the server, then refresh `feeds` and any feed the
        server added; a failed sync still refreshes the feeds that are not synced."""
        wanted = {f.url for f in feeds}
        known = {f.url for f in self.state.feeds}

        def select(every: list[FeedConfig], synced: set[str]) -> list[FeedConfig]:
            return [f for f in every if f.url in wanted or (f.url in synced and f.url not in known)]

        outcome = self._locked(lambda: self.context.updater.sync(select, progress), "sync")
        if outcome is None:
            return
        line = outcome.report.line() if outcome.report is not None else ""
        if outcome.error:
            line = f"sync failed: {outcome.error}"
        self.post_message(RefreshFinished(outcome.summary or FetchSummary(()), sync=line))

    @work(thread=True, exclusive=True, group="sync-state")
    def show_sync_state(self) -> None:
        """The last sync and the changes waiting for the next, on the status line."""
        from tui_reader.sync.state import describe, pending

        self.say(describe(*pending(self.store)))

    @on(RefreshProgressed)
    def progressed(self, message: RefreshProgressed) -> None:
        result = message.result
        name = feed_name(self.state, result.feed)
        self.say(f"Refreshing {message.done}/{message.total}: {name} {result.outcome}")

    @on(RefreshFinished)
    def finished(self, message: RefreshFinished) -> None:
        self.state.refreshing = False
        if message.summary is None:
            self.say(message.error)
        elif message.sync:
            self.say(f"{message.sync} · {message.summary.line()}{self.reasons(message.summary)}")
        else:
            self.say(message.summary.line() + self.reasons(message.summary))

    def reasons(self, summary: FetchSummary) -> str:
        """ " · Xataka: host name not found" for each feed that failed (why, not only how many)."""
        failed = [r for r in summary.results if r.outcome in ("failed", "gone")]
        return "".join(
            f" · {feed_name(self.state, r.feed)}: {r.error or r.outcome}" for r in failed
        )
