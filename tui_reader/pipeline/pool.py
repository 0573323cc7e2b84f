"""The run's process pool: extraction in worker processes, and its rules and site statistics.

The jobs are module-level functions (pickled by name to the workers); the pool is started by
forkserver, its workers watching the program (`lifeline`) so they die with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from tui_reader import lifeline
from tui_reader.config import Config, FeedConfig, merge_tables
from tui_reader.models import Article
from tui_reader.poolwork import FEED_PRELOAD, PRELOAD, ExtractSource, _extract_job
from tui_reader.ports import RunStore

if TYPE_CHECKING:
    from tui_reader.pipeline.pageworkers import PageWorkers

__all__ = [
    "FEED_PRELOAD",
    "PRELOAD",
    "ExtractSource",
    "Pool",
    "_extract_job",
    "make_executor",
    "stored_stats",
]

T = TypeVar("T")


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker even where stderr has no file descriptor.

    The tracker is handed `sys.stderr.fileno()`; inside a running Textual app stderr is a
    capture whose fileno is -1, and the pool would fail to start ("bad value(s) in
    fds_to_keep"). Its warnings then go to /dev/null, not over the screen.
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        usable = False
    if usable:
        return
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()


def make_executor(config: Config, preload: tuple[str, ...] = PRELOAD) -> Executor:
    """The run's process pool, started by forkserver: forking a multi-threaded reader is unsafe.

    `preload`: the modules the fork server imports before forking the workers (`FEED_PRELOAD`
    for a run that gets no pages: trafilatura costs 0.2 s there before the first parse)."""
    start_resource_tracker()
    workers = config.fetch.workers or os.cpu_count() or 1
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Imported once by the fork server (when it starts), not by every worker.
        context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=lifeline.watch_parent,
        initargs=lifeline.pool_initargs(),
    )


class Pool:
    """The run's pool: the run's page workers (`workers`: the run's own fetcher, no caller's
    executor), else the caller's `executor`, else a process pool; started when first needed (a
    run where every feed answers 304 costs no processes) and shut down by `close`."""

    def __init__(
        self, config: Config, executor: Executor | None = None, preload: tuple[str, ...] = PRELOAD
    ) -> None:
        self.config = config
        self.executor = executor
        self.preload = preload
        self.own = False
        self.workers: PageWorkers | None = None

    def get(self) -> Executor:
        if self.executor is None:
            self.executor = make_executor(self.config, self.preload)
            self.own = True
        return self.executor

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.workers is not None:
            result: T = await self.workers.call(fn, *args)
            return result
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.get(), fn, *args)

    async def flush_pages(self) -> None:
        """The pages the page workers keep, written (before the run reads one back)."""
        if self.workers is not None:
            await self.workers.flush()

    def close(self) -> None:
        """Shut the run's own pool down (a caller's is the caller's to shut)."""
        if self.own and self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


class _Extraction:
    """The extraction package's rules and stats, imported when first needed (not at start-up)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._rules: dict[int, Any] = {}

    def rules(self, feed: FeedConfig | None) -> Any:
        from tui_reader.extract import load_rules

        table: Mapping[str, Any] = self.config.extract
        if feed is not None and feed.extract:
            table = merge_tables(self.config.extract, feed.extract)
        key = id(feed.extract) if feed is not None and feed.extract else 0
        if key not in self._rules:
            self._rules[key] = load_rules(table)
        return self._rules[key]

    def update_stats(self, stats: Any, article: Article, rules: Any) -> Any:
        """Count the article's blocks under the same repetition rules that extracted it."""
        from tui_reader.extract import update_site_stats

        return update_site_stats(stats, article, rules.repetition)


def stored_stats(store: RunStore, site: str) -> Any:
    """A site's extraction stats, kept in the store as data, as the extraction's `SiteStats`."""
    from tui_reader.extract.repetition import SiteStats

    return SiteStats.from_data(store.site_stats(site))
