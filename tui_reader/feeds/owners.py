"""Which process of a fetch keeps connections to a host (the program, or one of its page workers).

The per-host request slots live in the program (`Politeness`), so the requests in flight to a host
stay within `per_host` across the processes; but each process pools its own connections, and one
that keeps an idle connection to a host while another process opens its own would exceed the
host's limit in connections (the program's keep-alive connection from a feed, say, beside its
page worker's two for the feed's pages).

So each host has one owner at a time: the process whose idle connections to it are kept. A request
takes its host's slot, then claims the host for its process (`claim`): if another process owned
it, that process closes its idle connections to the host first (the busy ones close as their
requests end), and keeps none until it claims the host back. Every connection of a process that
does not own the host is then a request in flight; the owner opens a new one only when it has no
idle one left, that is when its connections are all requests in flight: the host's connections
never outnumber its requests in flight, `per_host`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from tui_reader.feeds.pools import HostPools

PROGRAM = 0  # the program's own requests; a page worker is its number from 1


class HostOwners:
    """The owners of the hosts of one fetch, kept by the program.

    `pools`: the program's own connections; `release(worker, host)`: tell a page worker to give
    up its connections to `host`, returning once its idle ones are closed.
    """

    def __init__(self, pools: HostPools, release: Callable[[int, str], Awaitable[None]]) -> None:
        self._pools = pools
        self._release = release
        self._owners: dict[str, int] = {}  # a host nobody claimed is the program's
        # A host's handover under way: every request to the host waits for it, its new owner's
        # too (a second request of the same process must not open a connection meanwhile).
        self._moving: dict[str, asyncio.Future[None]] = {}

    def owns(self, host: str, who: int) -> bool:
        return self._owners.get(host, PROGRAM) == who

    async def claim(self, host: str, who: int) -> None:
        """`who` is about to make a request to `host` (it holds one of the host's slots)."""
        previous = self._owners.get(host, PROGRAM)
        moving = self._moving.get(host)
        if previous != who:
            self._owners[host] = who
            moving = asyncio.ensure_future(self._move(host, previous, moving))
            self._moving[host] = moving
            moving.add_done_callback(functools.partial(self._moved, host))
        if moving is not None:
            await asyncio.shield(moving)
        if who == PROGRAM and self.owns(host, PROGRAM):
            self._pools.claim(host)

    async def _move(self, host: str, previous: int, before: asyncio.Future[None] | None) -> None:
        if before is not None:
            await before  # the handover before this one first: its connections close first
        if previous == PROGRAM:
            await self._pools.yield_host(host)
        else:
            await self._release(previous, host)

    def _moved(self, host: str, moving: asyncio.Future[None]) -> None:
        if self._moving.get(host) is moving:
            del self._moving[host]
