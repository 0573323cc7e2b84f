"""What can go wrong with the store, each as one line that names the file and what to do."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

# With less room than this, a write error is the full disk's doing, not a damaged file's.
NEARLY_FULL = 1_000_000
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class StoreError(Exception):
    """The store cannot be used: names the file and what is wrong, for a one-line message."""


class StoreLocked(Exception):
    """Another fetch holds the lock."""


class DiskFull(StoreError):
    pass


def disk_full(where: Path) -> bool:
    """Whether the file system holding `where` (or its nearest existing parent) is full."""
    for path in (where, *where.parents):
        try:
            stat = os.statvfs(path)
        except OSError:
            continue
        return stat.f_bavail * stat.f_frsize < NEARLY_FULL
    return False


def full_message(where: Path) -> str:
    return f"{where}: the disk is full; nothing was written (free some space and run again)"


def _read_only(directory: Path) -> bool:
    existing = next((p for p in (directory, *directory.parents) if p.exists()), directory)
    return not os.access(existing, os.W_OK)


def read_only_error(directory: Path) -> StoreError:
    return StoreError(
        f"{directory}: read-only (a read-only file system, or no write permission); "
        "nothing was written"
    )


def opening_error(directory: Path, exc: sqlite3.DatabaseError | OSError) -> StoreError:
    """The StoreError for a cache directory that could not be opened."""
    if _read_only(directory):
        return read_only_error(directory)
    if isinstance(exc, sqlite3.DatabaseError):
        if "full" in str(exc).lower() or disk_full(directory):
            return DiskFull(full_message(directory))
        return StoreError(
            f"{directory / 'cache.db'}: {exc}; run `tui-reader doctor` to check and repair it"
        )
    if exc.errno in _FULL_ERRNOS or disk_full(directory):
        return DiskFull(full_message(directory))
    return StoreError(f"{directory}: {exc.strerror or exc}")


@contextlib.contextmanager
def storage_errors(where: Path) -> Iterator[None]:
    """Turn a full disk or a damaged file into a StoreError naming the place."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc).lower() or disk_full(where):
            raise DiskFull(full_message(where)) from None
        if "readonly" in str(exc).lower() or _read_only(where):
            raise read_only_error(where) from None
        raise StoreError(f"{where}: {exc}; run `tui-reader doctor`") from None
    except OSError as exc:
        if exc.errno in _FULL_ERRNOS or disk_full(where):
            raise DiskFull(full_message(where)) from None
        if exc.errno == errno.EROFS:
            raise read_only_error(where) from None
        raise
