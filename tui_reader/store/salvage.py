"""Damaged store files: find them, set them aside and copy out what rows can still be read.

Raw SQLite, no diskcache and no decoding: rows are copied as they are, so nothing in a damaged
file is ever interpreted. Run before the Store is opened (`tui-reader doctor`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import diskcache

from tui_reader.models import utcnow
from tui_reader.store.caches import MAIN_SETTINGS, SQLITE_TIMEOUT
from tui_reader.store.disk import DataDisk
from tui_reader.store.files import private_dir, private_file

STORE_PARTS = ("main", "user", "read", "starred")


def _cache_dirs(data_dir: Path, cache_dir: Path) -> list[Path]:
    return [*(data_dir / "store" / name for name in STORE_PARTS), cache_dir / "pages"]


def _integrity_problem(db: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=SQLITE_TIMEOUT)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            conn.execute("SELECT count(*) FROM Cache").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if result is None or result[0] != "ok":
        return str(result[0] if result else "integrity check failed")
    return None


def damaged_files(data_dir: Path, cache_dir: Path) -> list[Path]:
    """The store's cache.db files that fail SQLite's integrity check (for an error message)."""
    return [
        d / "cache.db"
        for d in _cache_dirs(data_dir, cache_dir)
        if (d / "cache.db").exists() and _integrity_problem(d / "cache.db") is not None
    ]


def _readable_rowids(conn: sqlite3.Connection) -> set[int]:
    """Row ids of the attached `old.Cache` that can still be found, around damaged pages.

    A scan stops at the first damaged page, so the table is scanned from both ends, and through
    its key index, whose pages may be intact where the table's are not.
    """
    found: set[int] = set()
    for sql in (
        "SELECT rowid FROM old.Cache ORDER BY rowid",
        "SELECT rowid FROM old.Cache ORDER BY rowid DESC",
        "SELECT rowid FROM old.Cache INDEXED BY Cache_key_raw ORDER BY key, raw",
        "SELECT rowid FROM old.Cache INDEXED BY Cache_key_raw ORDER BY key DESC, raw DESC",
    ):
        try:
            for (rowid,) in conn.execute(sql):
                found.add(rowid)
        except sqlite3.DatabaseError:
            continue
    return found


def _salvage(old_db: Path, directory: Path) -> int:
    """Copy what rows can still be read from a damaged cache.db into a fresh one.

    The fresh file keeps the damaged one's data version: rows an older version pickled are
    still converted (`migrate`) when the store next opens.
    """
    private_dir(directory)
    private_file(directory / "cache.db")
    diskcache.Cache(str(directory), disk=DataDisk, **MAIN_SETTINGS).close()
    copied = 0
    with contextlib.closing(
        sqlite3.connect(directory / "cache.db", timeout=SQLITE_TIMEOUT)
    ) as conn:
        try:
            conn.execute("ATTACH DATABASE ? AS old", (f"file:{old_db}?mode=ro",))
            columns = [row[1] for row in conn.execute("PRAGMA old.table_info(Cache)")]
        except sqlite3.DatabaseError:
            return 0
        with contextlib.suppress(sqlite3.DatabaseError):
            version = int(conn.execute("PRAGMA old.user_version").fetchone()[0])
            conn.execute(f"PRAGMA main.user_version = {version}")
        rowids = sorted(_readable_rowids(conn))
        names = ", ".join(c for c in columns if c != "rowid")
        for rowid in rowids:
            try:
                conn.execute(
                    f"INSERT OR IGNORE INTO main.Cache ({names}) SELECT {names} FROM old.Cache WHERE rowid = ?",
                    (rowid,),
                )
                copied += 1
            except sqlite3.DatabaseError:
                continue
        conn.commit()
    return copied


def repair_files(data_dir: Path, cache_dir: Path) -> list[str]:
    """Find damaged store files, set each aside and salvage its readable rows; say what was done.

    Run before opening the Store (`tui-reader doctor`): a damaged `main` loses at worst entries
    that the next fetch brings back, while read and starred flags live in files of their own.
    """
    report: list[str] = []
    for directory in _cache_dirs(data_dir, cache_dir):
        db = directory / "cache.db"
        if not db.exists():
            continue
        problem = _integrity_problem(db)
        if problem is None:
            continue
        aside = db.with_name(f"cache.db.damaged-{int(utcnow().timestamp())}")
        db.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = db.with_name(db.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        copied = _salvage(aside, directory)
        report.append(f"{db}: {problem}; set aside as {aside.name}, {copied} rows salvaged")
    return report
