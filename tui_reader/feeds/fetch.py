"""HTTP retrieval for a fetch run: one small-pool httpx client, polite limits, caps and retries."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import inspect
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from tui_reader import __version__
from tui_reader.config import FetchConfig
from tui_reader.feeds.decode import BodyError, BodyTooLarge, Decoder, accept_encoding, decode_html
from tui_reader.feeds.errors import FetchError, TooLarge, Transient, Unreachable, classify
from tui_reader.feeds.owners import PROGRAM, HostOwners
from tui_reader.feeds.politeness import Politeness
from tui_reader.feeds.pools import HostPools
from tui_reader.feeds.proxy import ProxyConfigError, shown
from tui_reader.sanitize import clean_line

__all__ = [
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "HTTPInfo",
    "TooLarge",
    "Unreachable",
    "decode_html",
    "parse_retry_after",
    "status_error",
]

# No contact URL: the project has no public page to name (set fetch.user_agent to add one).
USER_AGENT = f"tui-reader/{__version__}"
MAX_REDIRECTS = 10
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})
# A Retry-After this short is waited out within the run (once); a longer one skips the feed.
MAX_INLINE_WAIT = 5.0

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


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


@dataclass(slots=True)
class _Raw:
    status: int
    headers: dict[str, str]
    content: bytes = b""
    retry_after: datetime | None = None


async def _verdict(answer: bool | Awaitable[bool]) -> bool:
    return await answer if inspect.isawaitable(answer) else bool(answer)


def _valid_url(url: str) -> bool:
    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True


def _attempts(count: int) -> str:
    return f"after {count} attempt{'s' if count != 1 else ''}"


class Fetcher:
    """One httpx client for a whole run, with a global concurrency limit and the run's per-host
    limits (`politeness`, shared with the run's pages).

    Connections are pooled per host (`HostPools`): a shared pool's costs grow with the square
    of its size.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        max_inline_wait: float = MAX_INLINE_WAIT,
        politeness: Politeness | None = None,
        pools: HostPools | None = None,
    ) -> None:
        self.config = config
        self.politeness = Politeness(config.per_host) if politeness is None else politeness
        self.max_inline_wait = max_inline_wait
        self.user_agent = config.user_agent or USER_AGENT
        self._global = asyncio.Semaphore(config.concurrency)
        # Conditional requests have as many slots again, besides the shared ones: a 304 answers
        # them without a body, so a run where most feeds are unchanged is not held to
        # `concurrency` requests of latency at a time.
        self._conditional = asyncio.Semaphore(config.concurrency)
        # Connections by host, as many as the politeness lets be in flight (unless `pools`).
        self._pools = HostPools(self.politeness.connections) if pools is None else pools
        # Which process keeps the connections to each host, once page workers share the hosts.
        self.owners: HostOwners | None = None
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=True,
            timeout=httpx.Timeout(
                connect=config.connect_timeout,
                read=config.read_timeout,
                write=config.read_timeout,
                pool=config.total_timeout,
            ),
            transport=self._pools,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": accept_encoding()},
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

    @property
    def pools(self) -> HostPools:
        """This fetcher's connections, by host."""
        return self._pools

    @contextlib.asynccontextmanager
    async def _slot(
        self, host: str, conditional: bool = False, who: int = PROGRAM
    ) -> AsyncIterator[None]:
        # The host's slot first, so a request waiting on a busy host holds no global slot.
        async with self.politeness.request(host):
            # A conditional request takes a shared slot if one is free, else one of its own.
            slots = self._conditional if conditional and self._global.locked() else self._global
            async with slots:
                if self.owners is not None:
                    await self.owners.claim(host, who)
                yield

    def slot(self, host: str, who: int = PROGRAM) -> contextlib.AbstractAsyncContextManager[None]:
        """One request to `host` in flight: its host's slot and one of the run's (a page
        worker's requests take theirs here, through the program: `who` is the worker)."""
        return self._slot(host, who=who)

    async def fetch(
        self,
        url: str,
        *,
        info: HTTPInfo | None = None,
        accept: str = FEED_ACCEPT,
        stop: Callable[[str], bool | Awaitable[bool]] | None = None,
    ) -> FetchResult:
        """GET `url`, following up to ten redirects by hand to tell permanent from temporary.

        `stop(target)` is asked before each hop (awaited if it returns an awaitable: a page
        worker asks the program); True ends the chain there without fetching it (the caller
        already has that page). Raises FetchError with a one-line reason.
        """
        headers = {"Accept": accept}
        conditional = info is not None and bool(info.etag or info.last_modified)
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
            raw = await self._request(current, headers, conditional)
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
            if stop is not None and await _verdict(stop(target)):
                return FetchResult(
                    url=url,
                    final_url=target,
                    status=raw.status,
                    headers=raw.headers,
                    redirects=tuple(hops),
                    permanent_url=permanent_url,
                    stopped=True,
                )

    async def _request(self, url: str, headers: dict[str, str], conditional: bool = False) -> _Raw:
        """One hop, retried with exponential backoff on transient failures; `conditional`: it
        carries validators (If-None-Match, If-Modified-Since), so it takes a conditional slot."""
        retries = self.config.retries
        waited_inline = False
        attempt = 0
        while True:
            try:
                raw = await self._attempt(url, headers, conditional)
            except Transient as exc:
                if attempt >= retries:
                    error = Unreachable if exc.unreachable else FetchError
                    raise error(f"{exc} ({_attempts(attempt + 1)})") from None
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
        backoff = self.config.retry_backoff  # doubled each time, with jitter
        await asyncio.sleep(backoff * (2**attempt) * random.uniform(0.75, 1.25))

    async def _attempt(self, url: str, headers: dict[str, str], conditional: bool) -> _Raw:
        total = self.config.total_timeout
        try:
            async with (
                self._slot(_host(url), conditional),
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
            raise Transient(
                f"could not connect to {_host(url)} (timed out)", unreachable=True
            ) from None
        except httpx.TimeoutException:
            raise FetchError(
                f"{_host(url)} sent nothing for {self.config.read_timeout:g} s; abandoned"
            ) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            if _valid_url(url):  # httpx parses a redirect's Location even when not following it
                raise FetchError("the server redirected to an address that is not a URL") from None
            raise FetchError(f"not a fetchable URL: {clean_line(str(exc))[:120]}") from None
        except ProxyConfigError as exc:
            raise FetchError(str(exc)) from None
        except httpx.HTTPError as exc:
            raise classify(exc, _host(url), self._via(url)) from None

    def _via(self, url: str) -> str:
        try:
            proxy = self._pools.proxy_for(httpx.URL(url))
        except (ProxyConfigError, httpx.InvalidURL):
            return ""
        return shown(proxy) if proxy else ""

    async def _read_body(self, response: httpx.Response) -> bytes:
        limit = self.config.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise TooLarge(f"the response is larger than {limit:,} bytes; refused")
        try:
            decoder = Decoder(response.headers.get("content-encoding", ""), limit)
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > limit:
                    raise TooLarge(f"the response is larger than {limit:,} bytes; refused")
                decoder.feed(chunk)
            return decoder.finish()
        except BodyTooLarge as exc:
            raise TooLarge(str(exc)) from None
        except BodyError as exc:
            raise FetchError(str(exc)) from None


def status_error(status: int) -> str:
    """A one-line reason for an HTTP status that is not a success."""
    try:
        phrase = httpx.codes(status).name.replace("_", " ").lower()
    except ValueError:
        phrase = "error"
    return f"HTTP {status} {phrase}"
