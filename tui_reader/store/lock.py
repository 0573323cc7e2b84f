"""The fetch lock: one fetch at a time per data dir, freed by the kernel if its holder dies."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from tui_reader.store.errors import StoreLocked
from tui_reader.store.files import FILE_MODE, private_dir
from tui_reader.store.readonly import ReadOnly, read_only_message, writable


@contextlib.contextmanager
def fetch_lock(data_dir: Path) -> Iterator[None]:
    """A non-blocking lock on `data_dir/fetch.lock`, which holds the holder's pid; a store on
    read-only media cannot be fetched into (ReadOnly, one line)."""
    if not writable(data_dir):
        raise ReadOnly(read_only_message(data_dir))
    private_dir(data_dir)
    path = data_dir / "fetch.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLocked(f"another fetch holds {path}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
