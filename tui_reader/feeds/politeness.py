"""Per-host politeness, owned in one place: how many requests a run has in flight to one host,
how many of a host's pages it works on at once, and how many connections it keeps to it.

The fetcher takes a request slot around each request (`request`); the run admits a host's pages
through `pages` before they take an extraction slot, so pages queued for one busy host hold
nothing else while they wait; the transport sizes its per-host pools by `connections`. The two
kinds of slots are apart on purpose: a page admitted holds its host's admission through its
whole redirect chain, and a request slot is held for one hop only, so no chain of redirects
between two hosts can wait on itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Politeness:
    """The per-host limits of one run (`fetch.per_host`), by lowercase host name."""

    def __init__(self, per_host: int) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self._requests: dict[str, asyncio.Semaphore] = {}
        self._pages: dict[str, asyncio.Semaphore] = {}

    @property
    def connections(self) -> int:
        """Connections kept to one host: as many as requests may be in flight to it."""
        return self.per_host

    @contextlib.asynccontextmanager
    async def request(self, host: str) -> AsyncIterator[None]:
        """One request to `host` in flight (the fetcher's, around each hop)."""
        async with self._requests.setdefault(host, asyncio.Semaphore(self.per_host)):
            yield

    def pages(self, host: str) -> asyncio.Semaphore:
        """The admission of `host`'s pages: acquired before an extraction slot is taken, and
        released once the page is fetched."""
        return self._pages.setdefault(host, asyncio.Semaphore(self.per_host))
