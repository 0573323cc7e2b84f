"""Store writes from the reader: in order, on one thread, off the event loop."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class StoreWriter:
    """One thread runs every write in the order given; a failure is handed to `failed` (which
    posts it to the screen), never raised into the UI."""

    def __init__(self, failed: Callable[[str], None]) -> None:
        self._failed = failed
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writes")

    def write(self, fn: Callable[..., Any], *args: Any) -> None:
        future = self._pool.submit(fn, *args)
        future.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            with contextlib.suppress(Exception):
                self._failed(f"could not save: {exc}")

    def drain(self) -> None:
        """Block until every write given so far is done (a worker thread, or a test)."""
        self._pool.submit(lambda: None).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
