"""Opening one of the store's diskcache directories: private, on the data codec, migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import diskcache

from tui_reader.store.disk import DataDisk
from tui_reader.store.errors import StoreError, opening_error
from tui_reader.store.files import private_dir, private_file
from tui_reader.store.migrate import migrate

SQLITE_TIMEOUT = 60.0
MAIN_SETTINGS: dict[str, Any] = {
    "eviction_policy": "none",
    "size_limit": 2**50,
    "cull_limit": 0,
    "statistics": False,
}
# Raw pages up to this size are kept inside the page cache's SQLite file.
PAGE_IN_DB_BYTES = 2**20


def open_cache(directory: Path, **settings: Any) -> diskcache.Cache:
    """The cache in `directory` (made 0700, its database 0600), an older version's converted."""
    try:
        private_dir(directory)
        private_file(directory / "cache.db")
        cache = diskcache.Cache(str(directory), timeout=SQLITE_TIMEOUT, disk=DataDisk, **settings)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise opening_error(directory, exc) from None
    try:
        migrate(directory, SQLITE_TIMEOUT)
    except (sqlite3.DatabaseError, OSError) as exc:
        cache.close()
        error = opening_error(directory, exc)
        raise StoreError(f"{error} (while converting a store of an older version)") from None
    return cache
