"""The store's files are the user's alone: directories 0700, files 0600.

What a person read and starred, and what they subscribe to, is nobody else's business, and a
file others can write is a file others can make the program misread. Modes are set when a file
is made and tightened on files an older version made; where the file system refuses (read-only
media), the store is used as it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import IO, Any

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Make `path` (and missing parents) 0700; an existing `path` is tightened to 0700."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(DIR_MODE)
    tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists; an existing one is tightened.

    An empty file is a valid empty SQLite database, and SQLite gives its journal and WAL files
    the database file's mode.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        tighten(path, FILE_MODE)
    else:
        os.close(fd)


def tighten(path: Path, mode: int) -> None:
    """Take group and other permissions away from `path`, if it has any and we may."""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(mode)


def tighten_tree(root: Path) -> None:
    """Everything under `root` (an older version's cache directory): 0700 and 0600."""
    tighten(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            tighten(Path(dirpath, name), DIR_MODE)
        for name in filenames:
            tighten(Path(dirpath, name), FILE_MODE)


def open_private(path: str, binary: bool, encoding: str | None = None) -> IO[Any]:
    """A new file at `path` for writing, mode 0600; FileExistsError if it is there already."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    return open(fd, "wb" if binary else "w", encoding=encoding)
