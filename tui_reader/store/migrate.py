"""Convert a store written by version 0.1.0 (diskcache's pickles) to data, once, losing nothing.

The only module that loads a pickle, and only here: an older store's rows are read with an
Unpickler that builds plain data (str, numbers, bytes, lists, tuples, dicts, sets, booleans)
and knows one class, the extraction's per-site statistics, which it rebuilds as data without
running any of its code. A row holding anything else (a class, a function: a planted file) is
dropped with a warning, never run. The conversion is one SQLite transaction per cache
directory, so a second process, or a kill, sees the store before or after it; it then marks the
file (`PRAGMA user_version`) so it is checked once.
"""

from __future__ import annotations

import contextlib
import io
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from diskcache.core import MODE_BINARY, MODE_PICKLE, MODE_RAW

from tui_reader.store.codec import to_data
from tui_reader.store.disk import DataDisk
from tui_reader.store.files import tighten_tree

LOG = logging.getLogger(__name__)
DATA_VERSION = 1  # PRAGMA user_version of a cache.db holding data only
SITE_STATS = ("tui_reader.extract.repetition", "SiteStats")


class _Fields:
    """Stands in for a pickled dataclass: keeps the field values it is given, runs nothing."""

    state: Any = None

    def __setstate__(self, state: Any) -> None:
        self.state = state


class _DataUnpickler(pickle.Unpickler):
    """Plain data, and `SiteStats` as a `_Fields`; every other global is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == SITE_STATS:
            return _Fields
        raise pickle.UnpicklingError(f"{module}.{name} is not data")


def _load(blob: bytes) -> Any:
    return _DataUnpickler(io.BytesIO(blob)).load()


def site_stats_data(stats: Any) -> dict[str, Any]:
    """An old `SiteStats` (slots dataclass state: [articles, counts]) as the data kept now."""
    if not isinstance(stats, _Fields):
        raise pickle.UnpicklingError("not site statistics")
    state = stats.state
    if isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict):
        state = state[1]  # (None, {slot: value}) from another Python's pickler
    if isinstance(state, dict):
        articles, counts = state["articles"], state["counts"]
    else:
        articles, counts = state
    return {"articles": int(articles), "counts": [[int(k), int(v)] for k, v in counts.items()]}


def needs_migration(db: Path) -> bool:
    with contextlib.closing(sqlite3.connect(db, timeout=60.0)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0]) < DATA_VERSION


def migrate(directory: Path, timeout: float) -> int:
    """Rewrite the pickled rows of `directory/cache.db` as data; return how many were rewritten.

    Call with the cache open (its tables exist). A no-op once the file is marked.
    """
    db = directory / "cache.db"
    if not needs_migration(db):
        return 0
    with contextlib.closing(sqlite3.connect(db, timeout=timeout, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) >= DATA_VERSION:
                conn.execute("ROLLBACK")
                return 0
            setting = conn.execute(
                "SELECT value FROM Settings WHERE key = 'disk_min_file_size'"
            ).fetchone()
            disk = DataDisk(str(directory), min_file_size=int(setting[0]) if setting else 2**15)
            rewritten, old_files = _rewrite_rows(conn, disk, directory)
            conn.execute(f"PRAGMA user_version = {DATA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    for filename in old_files:
        disk.remove(filename)
    tighten_tree(directory)
    if rewritten:
        LOG.info("%s: %d values converted from pickles to data", db, rewritten)
    return rewritten


def _read_blob(directory: Path, filename: str | None, value: Any) -> bytes:
    if value is not None:
        return bytes(value)
    return (directory / str(filename)).read_bytes()


def _rewrite_rows(
    conn: sqlite3.Connection, disk: DataDisk, directory: Path
) -> tuple[int, list[str]]:
    rows = conn.execute(
        "SELECT rowid, key, raw, mode, filename, value FROM Cache WHERE raw = 0 OR mode = ?",
        (MODE_PICKLE,),
    ).fetchall()
    rewritten = 0
    old_files: list[str] = []
    for rowid, db_key, raw, mode, filename, value in rows:
        try:
            key = disk.get(db_key, True) if raw else _load(bytes(db_key))
            new_key, new_raw = disk.put(key)
            if mode == MODE_PICKLE:
                data = _load(_read_blob(directory, filename, value))
                if isinstance(key, tuple) and key[:1] == ("value",):
                    data = to_data(data)  # a caller's value: its tuples kept (Store.user_value)
            elif (
                isinstance(key, tuple)
                and key[:1] == ("sitestats",)
                and mode in (MODE_RAW, MODE_BINARY)
            ):
                data = site_stats_data(_load(_read_blob(directory, filename, value)))
            else:
                conn.execute(
                    "UPDATE Cache SET key = ?, raw = ? WHERE rowid = ?", (new_key, new_raw, rowid)
                )
                rewritten += 1
                continue
            size, new_mode, new_filename, new_value = disk.store(data, False, key=key)
        except (pickle.UnpicklingError, TypeError, ValueError, KeyError, EOFError, OSError,
                AttributeError, IndexError) as exc:  # fmt: skip
            LOG.warning("%s: dropped a stored value that is not data (%s)", directory, exc)
            conn.execute("DELETE FROM Cache WHERE rowid = ?", (rowid,))
            if filename:
                old_files.append(filename)
            continue
        conn.execute(
            "UPDATE Cache SET key = ?, raw = ?, size = ?, mode = ?, filename = ?, value = ?"
            " WHERE rowid = ?",
            (new_key, new_raw, size, new_mode, new_filename, new_value, rowid),
        )
        if filename:
            old_files.append(filename)
        rewritten += 1
    return rewritten, old_files
