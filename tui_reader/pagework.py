"""A page worker: the process that fetches a run's pages, extracts them and keeps them.

A fetch's pages (70-95 KB each, 200 MB for 2,500) used to be fetched, decoded and written in
the program's one process and pickled to an extraction worker: the program was the serial part.
Here each worker has its own HTTP client (`Fetcher`, the program's proxies) and writes the raw
page to the page cache itself, so a page's body never crosses between processes; what comes back
is the article. The program still decides everything that needs the run's state, by message
over a socket (`pipeline.pageworkers`): each request's per-host slot (`Politeness` stays one
owner, in the program), whether a redirect target is already known, where the page's article
belongs (its id, or nothing to do), and the site's statistics it is extracted with.

Messages are tuples, pickled as the pool's pipes pickle them (`ForkingPickler`), length-prefixed. The program sends `page`, `rules`, `call` (any
pool job: a feed's parse), `answer`, `flush`, `yield` (give up a host's connections) and `close`; the worker sends `fetched`, `done`,
`fail`, `ask` (`known`, `acquire`), `release` and `result` / `raised` for calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui_reader import lifeline
from tui_reader.config_types import FetchConfig
from tui_reader.feeds.fetch import PAGE_ACCEPT, Fetcher, FetchError
from tui_reader.feeds.links import article_url
from tui_reader.feeds.politeness import Politeness
from tui_reader.feeds.pools import HostPools
from tui_reader.feeds.proxy import Proxies
from tui_reader.sanitize import error_line

_HEADER = struct.Struct("!I")


@dataclass(frozen=True, slots=True)
class Setup:
    """What a worker needs from the program: its fetch settings, the proxies of the program's
    environment (read when the workers start: the fork server's may be older), the page cache."""

    fetch: FetchConfig
    proxies: dict[str, str]
    pages_dir: str
    page_cache_bytes: int
    program_pid: int


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page as fetched, without its body: what the program decides the page's fate by."""

    url: str
    final_url: str
    status: int
    stopped: bool
    # Where the article is (its canonical link, where the page names one); "" unless ok.
    article_url: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.stopped


def frame(message: tuple[Any, ...]) -> bytes:
    """A message as it crosses: pickled as the process pool's own pipes pickle (only ever
    between the program and the workers it started, over their socket pair)."""
    data = ForkingPickler.dumps(message)
    return _HEADER.pack(len(data)) + bytes(data)


async def read_message(reader: asyncio.StreamReader) -> tuple[Any, ...] | None:
    """The next message, or None once the other side has gone."""
    try:
        header = await reader.readexactly(_HEADER.size)
        data = await reader.readexactly(_HEADER.unpack(header)[0])
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    message: tuple[Any, ...] = ForkingPickler.loads(data)
    return message


class _AskedPoliteness(Politeness):
    """Per-host slots asked of the program, which holds them for the request (`acquire`) until
    the worker says it is over (`release`): one set of limits for the program and its workers."""

    def __init__(self, per_host: int, worker: _Worker) -> None:
        super().__init__(per_host)
        self._worker = worker

    @contextlib.asynccontextmanager
    async def request(self, host: str) -> AsyncIterator[None]:
        qid, own = await self._worker.ask_ticket(("acquire", host))
        # Whether this worker owns the host's connections now (`feeds.owners`): if not, the
        # request's connection closes when it ends.
        if own:
            self._worker.pools.claim(host)
        else:
            await self._worker.pools.yield_host(host)
        try:
            yield
        finally:
            self._worker.send(("release", qid))


class _Worker:
    def __init__(self, setup: Setup, writer: asyncio.StreamWriter) -> None:
        from tui_reader.store.pages import PageWriter

        self.setup = setup
        self.writer = writer
        self.rules: dict[int, Any] = {}
        self.answers: dict[int, asyncio.Future[Any]] = {}
        self.next_id = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.raws = PageWriter(Path(setup.pages_dir), setup.page_cache_bytes)
        self.crops: dict[str, Any] = {}  # host -> extract.crop.SiteCrop (a host's pages come here)
        per_host = setup.fetch.per_host
        self.pools = HostPools(per_host, Proxies(dict(setup.proxies)))
        self.fetcher = Fetcher(
            setup.fetch, politeness=_AskedPoliteness(per_host, self), pools=self.pools
        )

    def send(self, message: tuple[Any, ...]) -> None:
        self.writer.write(frame(message))

    async def ask_ticket(self, question: tuple[Any, ...]) -> tuple[int, Any]:
        """Ask the program; returns the question's id (a ticket to release) and the answer."""
        qid = self.next_id
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.answers[qid] = future
        self.send(("ask", qid, *question))
        return qid, await future

    async def ask(self, question: tuple[Any, ...]) -> Any:
        qid = self.next_id
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.answers[qid] = future
        self.send(("ask", qid, *question))
        return await future

    async def serve(self, reader: asyncio.StreamReader) -> None:
        try:
            while (message := await read_message(reader)) is not None:
                if message[0] == "close":
                    break
                self.dispatch(message)
        finally:
            for task in list(self.tasks):
                task.cancel()
            await self.fetcher.aclose()
            self.raws.close()

    def dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "answer":
            future = self.answers.pop(message[1], None)
            if future is not None and not future.done():
                future.set_result(message[2])
        elif kind == "rules":
            self.rules[message[1]] = message[2]
        elif kind == "page":
            self.spawn(self.page(*message[1:]))
        elif kind == "call":
            self.call(message[1], message[2], message[3])
        elif kind == "flush":
            self.raws.flush()
            self.send(("result", message[1], None))
        elif kind == "yield":
            self.spawn(self.give_up(message[1], message[2]))

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def give_up(self, cid: int, host: str) -> None:
        """Another process takes over `host`'s connections (`feeds.owners`)."""
        await self.pools.yield_host(host)
        self.send(("result", cid, None))

    def call(self, cid: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            result = fn(*args)
        except Exception as exc:
            self.send(("raised", cid, exc))
        else:
            self.send(("result", cid, result))

    async def page(self, pid: int, target: str, link: str) -> None:
        """Fetch a page, tell the program how it went, and keep and extract it if told to."""
        try:
            res = await self.fetcher.fetch(
                target, accept=PAGE_ACCEPT, stop=lambda url: self.ask(("known", pid, url))
            )
            html = res.text() if res.ok else ""
            url = ""
            if res.ok:
                url = article_url(
                    link, res.final_url, html, redirected_from_elsewhere=res.crossed_hosts
                )
            fetched = Fetched(res.url, res.final_url, res.status, res.stopped, url)
            del res
        except FetchError as exc:
            self.send(("fail", pid, "fetch", str(exc)))
            return
        except Exception as exc:  # never the worker's end: the page fails, as a fetch would
            self.send(("fail", pid, "fetch", error_line(exc)))
            return
        answer = await self.ask(("fetched", pid, fetched))
        if answer is None:
            return
        self.raws.put_later(answer[1], html, "page")
        if answer[0] == "extract":
            self.extract(pid, html, url, *answer[2:])

    def extract(
        self, pid: int, html: str, url: str, rules_key: int, stats: Any, language: str
    ) -> None:
        from tui_reader.extract import extract_article
        from tui_reader.extract.crop import SiteCrop

        host = urlsplit(url).hostname or ""
        crop = self.crops.get(host)
        if crop is None:
            crop = self.crops[host] = SiteCrop()
        try:
            article = extract_article(
                html, url, rules=self.rules[rules_key], site_stats=stats, source="page",
                language=language, crop=crop,
            )  # fmt: skip
        except Exception as exc:
            self.send(("fail", pid, "extract", error_line(exc)))
            return
        self.send(("done", pid, article))


def serve(sock: socket.socket, setup: Setup) -> None:
    """A worker's life: watch the program (`lifeline`), serve its messages until it closes."""
    lifeline.watch_parent(setup.program_pid)
    asyncio.run(_serve(sock, setup))


async def _serve(sock: socket.socket, setup: Setup) -> None:
    reader, writer = await asyncio.open_unix_connection(sock=sock)
    worker = _Worker(setup, writer)
    try:
        await worker.serve(reader)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
