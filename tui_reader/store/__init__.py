"""The store: what the fetcher writes and the reader reads, on disk as data, safe across processes.

This package is the only place that imports diskcache. Its rooms:

- `store`    the `Store`: feeds, entries, articles, user state, raw pages; owns the search index.
- `caches`   opening one diskcache directory: private, on the data codec, migrated.
- `disk`, `codec`  keys and values written as JSON data, never pickled.
- `migrate`  the one-time conversion of a store an older version pickled (the only unpickling).
- `files`    directories 0700, files 0600.
- `lock`     the fetch lock.
- `salvage`  damaged files: found, set aside, their readable rows copied (raw SQLite).
- `errors`   StoreError and friends, one line each.
"""

from __future__ import annotations

from pathlib import Path

from tui_reader.store.caches import MAIN_SETTINGS, PAGE_IN_DB_BYTES, SQLITE_TIMEOUT
from tui_reader.store.errors import DiskFull, StoreError, StoreLocked
from tui_reader.store.salvage import damaged_files, repair_files
from tui_reader.store.store import Store

__all__ = [
    "MAIN_SETTINGS",
    "PAGE_IN_DB_BYTES",
    "SQLITE_TIMEOUT",
    "DiskFull",
    "Store",
    "StoreError",
    "StoreLocked",
    "damaged_files",
    "open_store",
    "repair_files",
]


def open_store(data_dir: Path, cache_dir: Path, page_cache_mb: int = 512) -> Store:
    return Store(data_dir, cache_dir, page_cache_bytes=page_cache_mb * 2**20)
