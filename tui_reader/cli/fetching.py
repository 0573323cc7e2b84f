"""`fetch`, `sync` and `reextract`: the commands that take the fetch lock and write the store."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TextIO

from tui_reader.cli.common import err, open_store, say, select_feeds
from tui_reader.cli.output import print_json_lines, summary_records
from tui_reader.cli.parser import EXIT_LOCKED, EXIT_OK, EXIT_SOME_FAILED
from tui_reader.config import Config
from tui_reader.models import FeedResult, FetchSummary
from tui_reader.store import StoreLocked

log = logging.getLogger("tui_reader")


class Progress:
    """A one-line progress bar on a TTY; nothing at all under cron."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = stream.isatty() and total > 0

    def __call__(self, result: FeedResult) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // self.total
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} feeds"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def cmd_fetch(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import pipeline
    from tui_reader.services import effective_feeds

    verbose = args.verbose
    with open_store(config, writing=True) as store:
        feeds = select_feeds(effective_feeds(config, store), args.feed, store)
        progress = Progress(len(feeds), sys.stderr)
        progress.enabled = progress.enabled and not (args.json or verbose or args.quiet)
        sync_error = ""
        try:
            with store.fetch_lock():
                if config.sync is not None:  # the server's feeds and state first, then the rest
                    from tui_reader.sync.service import run_sync

                    outcome = run_sync(
                        config,
                        store,
                        select=lambda every, _: select_feeds(every, args.feed, store),
                        fulltext=not args.no_fulltext,
                        progress=progress,
                        force=bool(args.feed),
                    )
                    summary, sync_error = outcome.summary or FetchSummary(()), outcome.error
                else:
                    summary = pipeline.run_update(
                        config,
                        store,
                        feeds=feeds,
                        fulltext=not args.no_fulltext,
                        progress=progress,
                        force=bool(args.feed),
                    )
        except StoreLocked as exc:
            err(f"{exc}; not fetching")
            return EXIT_LOCKED
        finally:
            progress.finish()
    for result in summary.results:
        # A feed skipped because the server said "not now" in this very run is worth a line;
        # one skipped because of an earlier answer (or gone for good) was reported then.
        rate_limited = result.outcome == "skipped" and result.status_code is not None
        if result.outcome in ("failed", "gone") or rate_limited:
            err(f"{result.feed}: {result.error or result.outcome}")
    if sync_error:
        err(f"sync: {sync_error}")
    log.info("fetch: %s", summary.line(), extra={"summary": True})
    if args.json:
        print_json_lines(summary_records(summary))
    elif verbose or (sys.stderr.isatty() and not args.quiet):
        print(summary.line(), file=sys.stderr)
    return EXIT_SOME_FAILED if summary.failed or sync_error else EXIT_OK


def cmd_sync(config: Config, args: argparse.Namespace) -> int:
    from tui_reader.sync.command import cmd_sync as run

    return run(config, as_json=args.json, fulltext=not args.no_fulltext)


def cmd_reextract(config: Config, args: argparse.Namespace) -> int:
    from tui_reader import pipeline
    from tui_reader.services import effective_feeds

    with open_store(config) as store:
        feeds = select_feeds(
            effective_feeds(config, store), [args.feed] if args.feed else None, store
        )
        try:
            with store.fetch_lock():
                count = pipeline.reextract(config, store, feeds=feeds)
        except StoreLocked as exc:
            err(f"{exc}; try again when it is done")
            return EXIT_LOCKED
    say(args, f"re-extracted {count} articles")
    return EXIT_OK
