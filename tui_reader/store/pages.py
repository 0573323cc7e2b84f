"""Raw pages and feed content as fetched, kept for `reextract` in an evictable cache."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from typing import Any


class RawPages:
    """The Store's page cache (`_pages`, under the cache dir): losing it loses nothing else."""

    _pages: Any

    def put_raw(self, entry_id: str, html: str, source: str) -> None:
        self.put_raws([(entry_id, html, source)])

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
        value = self._pages.get(entry_id)
        return None if value is None else (value[0], value[1])

    def clear_page_cache(self) -> None:
        self._pages.clear()
