"""Connections for a fetch run: a small pool per host, each made with the host's proxy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx

from tui_reader.feeds.proxy import Proxies

# Hosts whose idle connections are kept for reuse; beyond this, the least recently used idle
# host's connections are closed (a run over a thousand feeds must not hold a thousand sockets).
MAX_IDLE_HOSTS = 64
KEEPALIVE_EXPIRY = 5.0


class _CountedStream(httpx.AsyncByteStream):
    """A response body that tells its host's pool when it is closed (the request is over)."""

    def __init__(self, stream: httpx.AsyncByteStream, done: Callable[[], Awaitable[None]]) -> None:
        self._stream = stream
        self._done: Callable[[], Awaitable[None]] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._done is not None:
                done, self._done = self._done, None
                await done()


@dataclass(slots=True)
class _HostPool:
    transport: httpx.AsyncHTTPTransport
    active: int = 0


class HostPools(httpx.AsyncBaseTransport):
    """A connection pool of `per_host` connections for each host, instead of one shared pool.

    httpx's pool does work that grows with its size on every request (measured here: about
    1 ms of CPU per request with one connection, 4-11 ms with 128), and a shared pool smaller
    than the number of sites closes one site's idle connection to open another's, so each page
    of a site paid a new connection. Small per-host pools keep both costs flat: 2,500 pages
    from 100 sites took 22 % less CPU and a quarter of the system time (`bench/run.py`).

    A host whose connections another process of the fetch has taken over (`yield_host`, a page
    worker's) keeps none idle here: its connections close as their requests end, until `claim`
    makes it this process's again (`feeds.owners`).
    """

    def __init__(
        self,
        per_host: int,
        proxies: Proxies | None = None,
        *,
        max_idle_hosts: int = MAX_IDLE_HOSTS,
        make_transport: Callable[..., httpx.AsyncHTTPTransport] = httpx.AsyncHTTPTransport,
    ) -> None:
        self._per_host = per_host
        self._max_idle_hosts = max_idle_hosts
        self._make_transport = make_transport
        self._ssl = httpx.create_ssl_context()  # one for all: building one costs milliseconds
        self._pools: dict[tuple[str, str, int | None], _HostPool] = {}
        # Each host's transport is made here, so the environment's proxies are applied here.
        self.proxies = Proxies.from_environment() if proxies is None else proxies
        self._yielded: set[str] = set()  # hosts another process keeps connections to

    def proxy_for(self, url: httpx.URL) -> str | None:
        """The proxy that requests to `url` go through (None: direct); ProxyConfigError."""
        return self.proxies.for_url(url.scheme, url.host, url.port)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.pop(key, None)
        new = pool is None
        if pool is None:
            transport = self._make_transport(
                verify=self._ssl,
                proxy=self.proxy_for(url),
                limits=httpx.Limits(
                    max_connections=self._per_host,
                    max_keepalive_connections=self._per_host,
                    keepalive_expiry=KEEPALIVE_EXPIRY,
                ),
            )
            pool = _HostPool(transport)
        # In the table (most recently used last) and busy before any await: a second request
        # to this host meanwhile finds this pool rather than making one nobody would close.
        self._pools[key] = pool
        pool.active += 1
        try:
            if new:
                await self._close_idle(self._max_idle_hosts)
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            raise

        async def done() -> None:
            pool.active -= 1
            if key[1] in self._yielded:
                await self._shed(key, pool)

        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CountedStream(response.stream, done)
        return response

    async def _close_idle(self, keep: int) -> None:
        """Close least recently used hosts with nothing in flight until at most `keep` remain."""
        excess = len(self._pools) - keep
        if excess <= 0:
            return
        idle = [key for key, pool in self._pools.items() if pool.active == 0][:excess]
        # Taken out before the first await, so no request can pick one up while it closes.
        closing = [self._pools.pop(key) for key in idle]
        for pool in closing:
            await pool.transport.aclose()

    def claim(self, host: str) -> None:
        """`host`'s connections are this process's again: kept idle for reuse."""
        self._yielded.discard(host)

    async def yield_host(self, host: str) -> None:
        """Another process takes over `host`'s connections: its idle ones here are closed once
        this returns, the busy ones as their requests end (and any made until `claim`)."""
        self._yielded.add(host)
        for key, pool in [(k, pool) for k, pool in self._pools.items() if k[1] == host]:
            await self._shed(key, pool)

    async def _shed(self, key: tuple[str, str, int | None], pool: _HostPool) -> None:
        """Close a yielded host's idle connections: the whole pool once nothing is in flight."""
        if pool.active == 0:
            if self._pools.get(key) is pool:
                del self._pools[key]  # out before the await: no request picks it up meanwhile
                await pool.transport.aclose()
            return
        # Busy: its other connections, idle between their requests, close now (httpcore's
        # pool is the transport's own; its `connections` and their `is_idle` are public).
        core = getattr(pool.transport, "_pool", None)
        for connection in list(getattr(core, "connections", ())):
            if connection.is_idle():
                await connection.aclose()

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.transport.aclose()
