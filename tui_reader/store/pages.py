"""Raw pages and feed content as fetched, kept for `reextract` in an evictable cache."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tui_reader.store.caches import PAGE_IN_DB_BYTES, open_cache

# Pages a fetch hands over (`put_raw_later`) are written this many at a time: one commit a page
# cost the fetch's main process as much as the write itself.
RAW_BATCH = 16


def open_page_cache(directory: Path, size_limit: int) -> Any:
    """The page cache (evictable: least recently stored first), as the store and a page worker
    open it."""
    return open_cache(
        directory,
        eviction_policy="least-recently-stored",
        size_limit=size_limit,
        statistics=False,
        # Pages in the database itself, not a file each: creating 2,500 files cost a cold
        # fetch 1.2 s of system time in its busiest process. Bigger values still get files.
        disk_min_file_size=PAGE_IN_DB_BYTES,
    )


def _write(cache: Any, raws: Iterable[tuple[str, str, str]]) -> None:
    """(id, html, source) in one transaction; an evictable cache may fail quietly."""
    with contextlib.suppress(OSError, sqlite3.DatabaseError), cache.transact():
        for entry_id, html, source in raws:
            cache.set(entry_id, (source, html))


class PageWriter:
    """A page worker's writes to the store's page cache (another process's, safely: SQLite),
    `RAW_BATCH` at a time; `flush` before the program reads them back, `close` at the end."""

    def __init__(self, directory: Path, size_limit: int) -> None:
        self._cache: Any = None
        self._directory, self._size_limit = directory, size_limit
        self._later: list[tuple[str, str, str]] = []

    def put_later(self, entry_id: str, html: str, source: str) -> None:
        self._later.append((entry_id, html, source))
        if len(self._later) >= RAW_BATCH:
            self.flush()

    def flush(self) -> None:
        later, self._later = self._later, []
        if not later:
            return
        if self._cache is None:
            with contextlib.suppress(OSError, sqlite3.DatabaseError):
                self._cache = open_page_cache(self._directory, self._size_limit)
        if self._cache is not None:
            _write(self._cache, later)

    def close(self) -> None:
        self.flush()
        if self._cache is not None:
            self._cache.close()
            self._cache = None


class RawPages:
    """The Store's page cache (`_pages`, under the cache dir): losing it loses nothing else."""

    _pages: Any
    _later: dict[str, tuple[str, str]]

    def put_raw(self, entry_id: str, html: str, source: str) -> None:
        self.put_raws([(entry_id, html, source)])

    def put_raw_later(self, entry_id: str, html: str, source: str) -> None:
        """Keep a page, written with the next ones (`flush_raws`, or `close`); `raw` finds it
        meanwhile. What a crash loses is only what eviction could have taken anyway."""
        self._later[entry_id] = (source, html)
        if len(self._later) >= RAW_BATCH:
            self.flush_raws()

    def flush_raws(self) -> None:
        later, self._later = self._later, {}
        if later:
            self.put_raws((entry_id, html, source) for entry_id, (source, html) in later.items())

    def put_raws(self, raws: Iterable[tuple[str, str, str]]) -> None:
        """(id, html, source) of raw pages or feed content, in one transaction (a commit each
        cost more than the writes); an evictable cache may fail quietly."""
        _write(self._pages, raws)

    def raw(self, entry_id: str) -> tuple[str, str] | None:
        """(source, html) as fetched, or None once evicted."""
        if entry_id in self._later:
            return self._later[entry_id]
        value = self._pages.get(entry_id)
        return None if value is None else (value[0], value[1])

    def clear_page_cache(self) -> None:
        self._later.clear()
        self._pages.clear()
