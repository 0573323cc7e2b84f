"""A store on read-only media (a read-only mount, a backup disk, a full-disk recovery) opened to
read, and a cache directory that cannot be written (evictable pages) replaced for the run.

SQLite cannot open the store's WAL-mode databases where it may not write, and diskcache writes its
settings on every open. So the databases are copied to a private temporary directory and opened
there; the large values beside them (files in subdirectories) are linked, not copied. What the
reader changes meanwhile (a read flag) is not saved, and the program says so once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from tui_reader.store.errors import StoreError
from tui_reader.store.files import private_dir

READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


class ReadOnly(StoreError):
    """The store's directory cannot be written: a fetch (or any change) is refused."""


def writable(directory: Path) -> bool:
    """Whether files can be made in `directory`, or in its nearest existing parent."""
    for path in (directory, *directory.parents):
        if path.exists():
            return os.access(path, os.W_OK)
    return False


def read_only_message(directory: Path, doing: str = "fetch") -> str:
    return (
        f"{directory}: the store is read-only (a read-only file system, or no write "
        f"permission); cannot {doing} there"
    )


def is_read_only_error(exc: BaseException, directory: Path) -> bool:
    """Whether an opening or writing error is the read-only file system's doing."""
    if isinstance(exc, OSError) and exc.errno in READ_ONLY_ERRNOS:
        return True
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or not writable(directory)


class ReadOnlyCopy:
    """Copies of a read-only store's databases in a temporary directory, removed on `close`."""

    def __init__(self, data_dir: Path) -> None:
        self.source = data_dir
        self.root = Path(tempfile.mkdtemp(prefix="tui-reader-read-only-"))
        try:
            (self.root / "store").mkdir(mode=0o700)
            for name in ("search.sqlite", "search.sqlite-wal"):
                if (data_dir / name).is_file():
                    shutil.copyfile(data_dir / name, self.root / name)
        except BaseException:
            self.close()
            raise

    def cache_dir(self, name: str) -> Path:
        """The copy of `store/<name>`: its database files copied, its value directories linked."""
        source = self.source / "store" / name
        target = self.root / "store" / name
        target.mkdir(mode=0o700, exist_ok=True)
        if source.is_dir():
            for entry in source.iterdir():
                if entry.name.startswith("cache.db"):
                    shutil.copyfile(entry, target / entry.name)
                elif entry.is_dir():
                    (target / entry.name).symlink_to(entry)
        return target

    def close(self) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)


class Places:
    """Where a store's caches are opened: in place, or in stand-ins for read-only directories."""

    def __init__(self, data_dir: Path, cache_dir: Path) -> None:
        self.data_dir = data_dir
        self.read_only = not writable(data_dir)
        self.notices: list[str] = []
        self._copy: ReadOnlyCopy | None = None
        self._scratch: Path | None = None
        self.pages = cache_dir / "pages"
        if self.read_only:
            self._copy = ReadOnlyCopy(data_dir)
            self.notices.append(read_only_message(data_dir, "save changes") + "; shown as it is")
        else:
            for directory in (data_dir, data_dir / "store"):
                private_dir(directory)
        if writable(cache_dir):
            private_dir(cache_dir)
        else:
            self._scratch = Path(tempfile.mkdtemp(prefix="tui-reader-pages-"))
            self.pages = self._scratch / "pages"
            self.notices.append(f"{cache_dir} is read-only: pages are kept for this run only")

    def cache(self, name: str) -> Path:
        """The directory of the store's cache `name` (main, user, read, starred)."""
        if self._copy is not None:
            return self._copy.cache_dir(name)
        return self.data_dir / "store" / name

    def store_root(self) -> Path:
        """The directory holding the user's caches (user, read, starred): in place or copied."""
        if self._copy is not None:
            for name in ("user", "read", "starred"):
                self._copy.cache_dir(name)
            return self._copy.root / "store"
        return self.data_dir / "store"

    @property
    def index_dir(self) -> Path:
        """Where the search index is (a copy of it, for a read-only store)."""
        return self._copy.root if self._copy is not None else self.data_dir

    def close(self) -> None:
        if self._copy is not None:
            self._copy.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
