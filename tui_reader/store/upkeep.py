"""`doctor`'s checks and rebuilds of the store, and what retention drops, as functions of what
they read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Set
from typing import Any

from tui_reader.models import Entry, EntryRow

Row = tuple[str, float, str, str, str, str]


def cache_problems(caches: Mapping[str, Any]) -> list[str]:
    """What SQLite and diskcache find wrong in each cache directory, one line each."""
    problems: list[str] = []
    for name, cache in caches.items():
        try:
            errors = cache.check(fix=False)
        except sqlite3.DatabaseError as exc:
            problems.append(f"{cache.directory}/cache.db: {exc}")
            continue
        problems.extend(f"{name}: {w.message}" for w in errors)
    return problems


def index_problems(
    rows: Mapping[str, Iterable[Any]], has_entry: Callable[[str], bool], entry_ids: Iterable[str]
) -> list[str]:
    """Index rows naming a missing entry, and entries no feed's index lists."""
    problems: list[str] = []
    indexed: set[str] = set()
    for feed, feed_rows in rows.items():
        for row in feed_rows:
            indexed.add(row[0])
            if not has_entry(row[0]):
                problems.append(f"index of {feed} names missing entry {row[0]}")
    problems.extend(f"entry {eid} is in no feed index" for eid in entry_ids if eid not in indexed)
    return problems


def rows_by_feed(entries: Iterable[Entry]) -> dict[str, list[Row]]:
    """Each feed's index rows made again from the entries, newest first."""
    rows: dict[str, list[Row]] = {}
    for entry in entries:
        for feed in entry.feeds:
            rows.setdefault(feed, []).append(EntryRow.of(entry, feed).as_tuple())
    return {feed: sorted(r, key=lambda row: row[1], reverse=True) for feed, r in rows.items()}


def expired(
    rows: list[Any], keep_entries: int, cutoff: float, read: Set[str], starred: Set[str]
) -> set[str]:
    """The ids retention drops from a feed's rows (newest first): read, unstarred, older than
    `cutoff`, past the newest `keep_entries`."""
    return {
        r[0] for r in rows[keep_entries:] if r[1] < cutoff and r[0] in read and r[0] not in starred
    }
