"""`tui-reader sync`: one sync with the configured server, a summary line, an exit status."""

from __future__ import annotations

import json
import logging
import sys

from tui_reader.config import Config
from tui_reader.sanitize import clean_line
from tui_reader.store import StoreLocked

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
LOG = logging.getLogger("tui_reader")


def _err(message: str) -> None:
    print(f"tui-reader: {clean_line(message)}", file=sys.stderr)


def cmd_sync(config: Config, *, as_json: bool = False, fulltext: bool = True) -> int:
    from tui_reader.services import store_for
    from tui_reader.sync.service import run_sync

    if config.sync is None:
        _err("sync: no [sync] table with a url in the config; see docs/sync.md")
        return EXIT_USAGE
    with store_for(config) as store:
        try:
            with store.fetch_lock():
                outcome = run_sync(config, store, fulltext=fulltext)
        except StoreLocked as exc:
            _err(f"{exc}; not syncing")
            return EXIT_LOCKED
    if outcome.error:
        _err(f"sync: {outcome.error}")
    summary = outcome.summary
    for result in summary.results if summary is not None else ():
        if result.outcome in ("failed", "gone"):
            _err(f"{result.feed}: {result.error or result.outcome}")
    report = outcome.report
    if report is not None:
        for warning in report.warnings:
            _err(f"sync: {warning}")
    if as_json:
        print(
            json.dumps(
                {
                    "error": clean_line(outcome.error),
                    "sync": report.line() if report is not None else "",
                    "fetch": summary.line() if summary is not None else "",
                },
                ensure_ascii=False,
            )
        )
    elif report is not None:
        print(report.line())
    return EXIT_FAILED if outcome.failed else EXIT_OK
