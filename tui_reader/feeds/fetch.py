"""HTTP retrieval for a fetch run: one small-pool httpx client, polite limits, caps and retries."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import email.utils
import random
import re
import socket
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from tui_reader import __version__
from tui_reader.config import FetchConfig

PROJECT_URL = "https://github.com/tui-reader/tui-reader"
USER_AGENT = f"tui-reader/{__version__} (+{PROJECT_URL})"
MAX_REDIRECTS = 10
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})
# Seconds before the first retry; doubled each time, with jitter. Tests lower it.
RETRY_BACKOFF = 0.5
# A Retry-After this short is waited out within the run (once); a longer one skips the feed.
MAX_INLINE_WAIT = 5.0
# Hosts whose idle connections are kept for reuse; beyond this, the least recently used idle
# host's connections are closed (a run over a thousand feeds must not hold a thousand sockets).
MAX_IDLE_HOSTS = 64
KEEPALIVE_EXPIRY = 5.0

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class FetchError(Exception):
    """A URL could not be fetched; the message is one line for a person."""


class TooLarge(FetchError):
    pass


class _Transient(Exception):
    """A failure worth retrying (connection refused or reset, a 5xx)."""


@dataclass(frozen=True, slots=True)
class HTTPInfo:
    """Conditional-GET validators, as the server last gave them."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET (with its redirects) gave."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    redirects: tuple[tuple[int, str], ...] = ()
    # Where the unbroken chain of permanent redirects from `url` leads (`url` if none).
    permanent_url: str = ""
    retry_after: datetime | None = None
    # The caller's `stop` said the next hop's target is already known: nothing was fetched there.
    stopped: bool = False

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.stopped

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def info(self) -> HTTPInfo:
        return HTTPInfo(self.headers.get("etag", ""), self.headers.get("last-modified", ""))

    @property
    def crossed_hosts(self) -> bool:
        """Whether redirects led to another host (an aggregator's or shortener's hop)."""
        return bool(self.redirects) and _host(self.url) != _host(self.final_url)

    def text(self) -> str:
        return decode_html(self.content, self.headers.get("content-type", ""))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def parse_retry_after(value: str, now: datetime) -> datetime | None:
    """Retry-After as an instant: delta-seconds or an HTTP date; None if unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), 7 * 86400))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(now, min(when, now + timedelta(days=7)))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(content: bytes, content_type: str = "") -> str:
    """Bytes of a page as text: the header's charset, a BOM, a `<meta charset>`, then UTF-8."""
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", "replace")
    match = re.search(r"charset\s*=\s*([-\w.:\"']+)", content_type, re.IGNORECASE)
    encoding = _codec(match.group(1)) if match else None
    if encoding is None:
        meta = _META_CHARSET.search(content[:4096])
        encoding = _codec(meta.group(1).decode("ascii", "replace")) if meta else None
    if encoding is None:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    return content.decode(encoding, "replace")


class _Decoder:
    """gzip/deflate decoding that stops at `limit` decoded bytes, so a gzip bomb is refused."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.deflate_probe = False
        enc = encoding.strip().lower()
        self.z: zlib._Decompress | None
        if enc in ("", "identity"):
            self.z = None
        elif enc in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif enc == "deflate":
            self.z = zlib.decompressobj()
            self.deflate_probe = True  # servers send raw deflate as often as zlib-wrapped
        else:
            raise FetchError(f"the server sent an unsupported content encoding ({enc})")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(f"the response is larger than {self.limit:,} bytes; refused")
        if data:
            self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self.z is None:
            self._add(data)
            return
        if self.deflate_probe:
            self.deflate_probe = False
            try:
                probe = zlib.decompressobj()
                probe.decompress(data[:2])
            except zlib.error:
                self.z = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            while data:
                self._add(self.z.decompress(data, self.limit - self.size + 1))
                data = self.z.unconsumed_tail
        except zlib.error:
            raise FetchError("the response is not valid gzip/deflate data") from None

    def finish(self) -> bytes:
        if self.z is not None:
            try:
                self._add(self.z.flush())
            except zlib.error:
                raise FetchError("the response is not valid gzip/deflate data") from None
        return b"".join(self.parts)


@dataclass(slots=True)
class _Raw:
    status: int
    headers: dict[str, str]
    content: bytes = b""
    retry_after: datetime | None = None


def _root_cause(exc: BaseException) -> str:
    """What a person can act on, from the OS error under httpx's wrappers, if there is one."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the server"
        cause = cause.__cause__ or cause.__context__
    return ""


def _describe(exc: BaseException) -> str:
    root = _root_cause(exc)
    if root:
        return root
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _valid_url(url: str) -> bool:
    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True


def _attempts(count: int) -> str:
    return f"after {count} attempt{'s' if count != 1 else ''}"


class _CountedStream(httpx.AsyncByteStream):
    """A response body that tells its host's pool when it is closed (the request is over)."""

    def __init__(self, stream: httpx.AsyncByteStream, done: Callable[[], None]) -> None:
        self._stream = stream
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._done is not None:
                self._done()
                self._done = None


@dataclass(slots=True)
class _HostPool:
    transport: httpx.AsyncHTTPTransport
    active: int = 0


class _HostPools(httpx.AsyncBaseTransport):
    """A connection pool of `per_host` connections for each host, instead of one shared pool.

    httpx's pool does work that grows with its size on every request (measured here: about
    1 ms of CPU per request with one connection, 4-11 ms with 128), and a shared pool smaller
    than the number of sites closes one site's idle connection to open another's, so each page
    of a site paid a new connection. Small per-host pools keep both costs flat: 2,500 pages
    from 100 sites took 22 % less CPU and a quarter of the system time (`bench/run.py`).
    """

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._ssl = httpx.create_ssl_context()  # one for all: building one costs milliseconds
        self._pools: dict[tuple[str, str, int | None], _HostPool] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.pop(key, None)
        new = pool is None
        if pool is None:
            transport = httpx.AsyncHTTPTransport(
                verify=self._ssl,
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
                await self._close_idle(MAX_IDLE_HOSTS)
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.active -= 1
            raise

        def done() -> None:
            pool.active -= 1

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

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.transport.aclose()


class Fetcher:
    """One httpx client for a whole run, with a global and a per-host concurrency limit.

    Connections are pooled per host (`_HostPools`): a shared pool's costs grow with the square
    of its size.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        backoff: float | None = None,
        max_inline_wait: float = MAX_INLINE_WAIT,
    ) -> None:
        self.config = config
        self.backoff = RETRY_BACKOFF if backoff is None else backoff
        self.max_inline_wait = max_inline_wait
        self.user_agent = config.user_agent or USER_AGENT
        self._global = asyncio.Semaphore(config.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=True,
            timeout=httpx.Timeout(
                connect=config.connect_timeout,
                read=config.read_timeout,
                write=config.read_timeout,
                pool=config.total_timeout,
            ),
            transport=_HostPools(config.per_host),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    @contextlib.asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # The host's slot first, so a request waiting on a busy host holds no global slot.
        sem = self._hosts.setdefault(host, asyncio.Semaphore(self.config.per_host))
        async with sem, self._global:
            yield

    async def fetch(
        self,
        url: str,
        *,
        info: HTTPInfo | None = None,
        accept: str = FEED_ACCEPT,
        stop: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """GET `url`, following up to ten redirects by hand to tell permanent from temporary.

        `stop(target)` is asked before each hop; True ends the chain there without fetching it
        (the caller already has that page). Raises FetchError with a one-line reason.
        """
        headers = {"Accept": accept}
        if info is not None:
            if info.etag:
                headers["If-None-Match"] = info.etag
            if info.last_modified:
                headers["If-Modified-Since"] = info.last_modified
        current = url
        seen = {url}
        hops: list[tuple[int, str]] = []
        permanent_url = url
        permanent = True
        while True:
            raw = await self._request(current, headers)
            location = raw.headers.get("location", "")
            if raw.status not in REDIRECT_CODES or not location:
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=raw.status,
                    headers=raw.headers,
                    content=raw.content,
                    redirects=tuple(hops),
                    permanent_url=permanent_url,
                    retry_after=raw.retry_after,
                )
            target = urljoin(current, location.strip())
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise FetchError(f"redirected to a non-web address ({target[:80]})")
            if target in seen:
                raise FetchError(f"redirect loop at {target}")
            if len(hops) >= MAX_REDIRECTS:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")
            seen.add(target)
            hops.append((raw.status, target))
            if permanent and raw.status in PERMANENT_CODES:
                permanent_url = target
            else:
                permanent = False
            current = target
            if stop is not None and stop(target):
                return FetchResult(
                    url=url,
                    final_url=target,
                    status=raw.status,
                    headers=raw.headers,
                    redirects=tuple(hops),
                    permanent_url=permanent_url,
                    stopped=True,
                )

    async def _request(self, url: str, headers: dict[str, str]) -> _Raw:
        """One hop, retried with exponential backoff on transient failures."""
        retries = self.config.retries
        waited_inline = False
        attempt = 0
        while True:
            try:
                raw = await self._attempt(url, headers)
            except _Transient as exc:
                if attempt >= retries:
                    raise FetchError(f"{exc} ({_attempts(attempt + 1)})") from None
                await self._backoff(attempt)
                attempt += 1
                continue
            if raw.status in (429, 503) and raw.retry_after is not None:
                wait = (raw.retry_after - datetime.now(UTC)).total_seconds()
                if not waited_inline and wait <= self.max_inline_wait:
                    waited_inline = True
                    await asyncio.sleep(max(wait, 0.0))
                    continue
                return raw
            if raw.status >= 500 and raw.status != 501 and attempt < retries:
                await self._backoff(attempt)
                attempt += 1
                continue
            return raw

    async def _backoff(self, attempt: int) -> None:
        await asyncio.sleep(self.backoff * (2**attempt) * random.uniform(0.75, 1.25))

    async def _attempt(self, url: str, headers: dict[str, str]) -> _Raw:
        total = self.config.total_timeout
        try:
            async with (
                self._slot(_host(url)),
                asyncio.timeout(total),
                self._client.stream("GET", url, headers=headers) as response,
            ):
                resp_headers = {k.lower(): v for k, v in response.headers.items()}
                raw = _Raw(response.status_code, resp_headers)
                if response.status_code in (429, 503):
                    raw.retry_after = parse_retry_after(
                        resp_headers.get("retry-after", ""), datetime.now(UTC)
                    )
                if response.status_code == 200:
                    raw.content = await self._read_body(response)
                return raw
        except TimeoutError:
            raise FetchError(f"took longer than {total:g} s in all; abandoned") from None
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise _Transient(f"could not connect to {_host(url)} (timed out)") from None
        except httpx.ConnectError as exc:
            raise _Transient(f"could not connect to {_host(url)}: {_describe(exc)}") from None
        except httpx.TimeoutException:
            raise FetchError(
                f"{_host(url)} sent nothing for {self.config.read_timeout:g} s; abandoned"
            ) from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection to {_host(url)} broke: {_describe(exc)}") from None
        except httpx.InvalidURL as exc:
            if _valid_url(url):  # httpx parses a redirect's Location even when not following it
                raise FetchError("the server redirected to an address that is not a URL") from None
            raise FetchError(f"not a fetchable URL: {_describe(exc)}") from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"not a fetchable URL: {_describe(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{_host(url)}: {_describe(exc)}") from None

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self.config.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise TooLarge(f"the response is larger than {limit:,} bytes; refused")
        decoder = _Decoder(response.headers.get("content-encoding", ""), limit)
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > limit:
                raise TooLarge(f"the response is larger than {limit:,} bytes; refused")
            decoder.feed(chunk)
        return decoder.finish()


def status_error(status: int) -> str:
    """A one-line reason for an HTTP status that is not a success."""
    try:
        phrase = httpx.codes(status).name.replace("_", " ").lower()
    except ValueError:
        phrase = "error"
    return f"HTTP {status} {phrase}"
