"""Raw pages and feed content as fetched, kept for `reextract` in an evictable cache."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from typing import Any

# Pages a fetch hands over (`put_raw_later`) are written this many at a time: one commit a page
# cost the fetch's main process as much as the write itself.
RAW_BATCH = 16


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
        with (
            contextlib.suppress(OSError, sqlite3.DatabaseError),
            self._pages.transact(),
        ):
            for entry_id, html, source in raws:
                self._pages.set(entry_id, (source, html))

    def raw(self, entry_id: str) -> tuple[str, str] | None:
        """(source, html) as fetched, or None once evicted."""
        if entry_id in self._later:
            return self._later[entry_id]
        value = self._pages.get(entry_id)
        return None if value is None else (value[0], value[1])

    def clear_page_cache(self) -> None:
        self._later.clear()
        self._pages.clear()
