"""The run's page workers (`tui_reader.pagework`), seen from the program.

Each worker fetches, keeps (in the page cache) and extracts the pages of the hosts a stable hash
gives it, and runs the run's other pool jobs (a feed's parse). The program keeps what needs the
run's state: every request's per-host and global slot (the run's `Fetcher.slot`, so
`Politeness` has one owner), the redirect stops (`known`), each page's id and fate, the site
statistics. A page's body never crosses between processes; its article does.

Started when first needed, by forkserver, each on a socket pair, watching the program
(`lifeline`). A worker that dies fails its pages (as a fetch error: the story keeps its teaser)
and its jobs; the run goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui_reader.config import Config
from tui_reader.feeds.fetch import Fetcher, FetchError
from tui_reader.feeds.owners import HostOwners
from tui_reader.feeds.proxy import Proxies
from tui_reader.models import Article
from tui_reader.pagework import Fetched, Setup, frame, read_message, serve
from tui_reader.poolwork import PRELOAD

LOG = logging.getLogger("tui_reader.pipeline")
ENDED = "the page worker ended"
CLOSE_WAIT_S = 10.0


class WorkerError(RuntimeError):
    """A page worker's job failed there (its message), or the worker is gone."""


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
        future.exception()  # retrieved: a page nobody waits for any more logs nothing


@dataclass(eq=False)
class PageJob:
    """One page in a worker: `fetched`, then one of `drop`, `keep` or `extract`."""

    conn: _Conn
    pid: int
    stop: Callable[[str], bool]
    fetched_future: asyncio.Future[Fetched]
    done: asyncio.Future[Article] = field(init=False)
    qid: int = -1

    def __post_init__(self) -> None:
        self.done = asyncio.get_running_loop().create_future()

    async def fetched(self) -> Fetched:
        """The page as fetched (no body); FetchError as the fetch failed."""
        return await self.fetched_future

    def drop(self) -> None:
        """Nothing to keep or extract (a stop, an error status, an article already stored)."""
        self._answer(None)

    def keep(self, final_id: str) -> None:
        """Keep the page under `final_id` only: its extraction is another page's, in this run."""
        self._answer(("raw", final_id))

    async def extract(self, final_id: str, rules: Any, stats: Any, language: str) -> Article:
        """Keep the page under `final_id` and extract it with these rules and statistics."""
        key = self.conn.rules_key(rules)
        self._answer(("extract", final_id, key, stats, language))
        return await self.done

    def _answer(self, value: Any) -> None:
        if value is None or value[0] == "raw":
            self.conn.jobs.pop(self.pid, None)
        self.conn.send(("answer", self.qid, value))


@dataclass(eq=False)
class _Conn:
    """One worker process and its socket."""

    process: Any
    fetcher: Fetcher
    who: int  # its number, as the hosts' owners know it (`feeds.owners`)
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    jobs: dict[int, PageJob] = field(default_factory=dict)
    calls: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    held: dict[int, contextlib.AsyncExitStack] = field(default_factory=dict)
    rules_sent: set[int] = field(default_factory=set)
    alive: bool = True
    releases: int = 0
    loop_task: asyncio.Task[None] | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def send(self, message: tuple[Any, ...]) -> None:
        if self.alive:
            self.writer.write(frame(message))

    def rules_key(self, rules: Any) -> int:
        key = id(rules)  # the run's rules are kept for the run (`_Extraction`)
        if key not in self.rules_sent:
            self.rules_sent.add(key)
            self.send(("rules", key, rules))
        return key

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def listen(self) -> None:
        try:
            while (message := await read_message(self.reader)) is not None:
                self.handle(message)
        finally:
            self.ended()

    def handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ask":
            self.asked(message[1], message[2], message[3:])
        elif kind == "release":
            stack = self.held.pop(message[1], None)
            if stack is not None:
                self.spawn(stack.aclose())
        elif kind == "done":
            job = self.jobs.pop(message[1], None)
            if job is not None and not job.done.done():
                job.done.set_result(message[2])
        elif kind == "fail":
            self.failed(message[1], message[2], message[3])
        elif kind in ("result", "raised"):
            future = self.calls.pop(message[1], None)
            if future is not None and not future.done():
                if kind == "result":
                    future.set_result(message[2])
                else:
                    _fail(future, message[2])

    def asked(self, qid: int, question: str, rest: tuple[Any, ...]) -> None:
        if question == "acquire":
            self.spawn(self.acquire(qid, rest[0]))
            return
        job = self.jobs.get(rest[0])
        if job is None:
            self.send(("answer", qid, None))
        elif question == "known":
            self.send(("answer", qid, job.stop(rest[1])))
        elif question == "fetched":
            job.qid = qid
            if not job.fetched_future.done():
                job.fetched_future.set_result(rest[1])

    async def acquire(self, qid: int, host: str) -> None:
        stack = contextlib.AsyncExitStack()
        await stack.enter_async_context(self.fetcher.slot(host, self.who))
        if not self.alive:
            await stack.aclose()
            return
        self.held[qid] = stack
        owners = self.fetcher.owners
        self.send(("answer", qid, owners is None or owners.owns(host, self.who)))

    async def release(self, host: str) -> None:
        """Give up the worker's connections to `host` (returns once its idle ones are closed)."""
        if not self.alive:
            return  # its connections went with it
        self.releases += 1
        cid = -self.releases  # the program's call ids are positive
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.calls[cid] = future
        self.send(("yield", cid, host))
        with contextlib.suppress(WorkerError):
            await future

    def failed(self, pid: int, kind: str, reason: str) -> None:
        job = self.jobs.pop(pid, None)
        if job is None:
            return
        if kind == "fetch":
            _fail(job.fetched_future, FetchError(reason))
        _fail(job.done, WorkerError(reason))

    def ended(self) -> None:
        """The worker is gone (closed, or died): what waited on it fails, its slots are freed."""
        self.alive = False
        for job in self.jobs.values():
            _fail(job.fetched_future, FetchError(ENDED))
            _fail(job.done, WorkerError(ENDED))
        self.jobs.clear()
        for future in self.calls.values():
            _fail(future, WorkerError(ENDED))
        self.calls.clear()
        for stack in self.held.values():
            self.spawn(stack.aclose())
        self.held.clear()


class PageWorkers:
    """The run's page workers: `page` and `call`, `flush`, `aclose`."""

    def __init__(self, config: Config, page_cache: tuple[Any, int], fetcher: Fetcher) -> None:
        self.config = config
        self.page_cache = page_cache
        self.fetcher = fetcher
        self.conns: list[_Conn] = []
        self._ids = 0
        self._starting: asyncio.Future[None] | None = None

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    async def _started(self) -> list[_Conn]:
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        await asyncio.shield(self._starting)
        return self.conns

    async def _start(self) -> None:
        from tui_reader.pipeline.pool import start_resource_tracker

        start_resource_tracker()
        self.fetcher.owners = HostOwners(self.fetcher.pools, self._release)
        fetch = self.config.fetch
        count = fetch.workers or os.cpu_count() or 1
        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if "forkserver" in methods:
            context.set_forkserver_preload([*PRELOAD, "tui_reader.pagework"])
        directory, size = self.page_cache
        setup = Setup(fetch, dict(Proxies.from_environment().by_scheme), str(directory), size,
                      os.getpid())  # fmt: skip
        for _ in range(count):
            mine, theirs = socket.socketpair()
            process = context.Process(target=serve, args=(theirs, setup), daemon=True)
            process.start()
            theirs.close()
            reader, writer = await asyncio.open_unix_connection(sock=mine)
            conn = _Conn(process, self.fetcher, len(self.conns) + 1, reader, writer)
            conn.loop_task = asyncio.ensure_future(conn.listen())
            self.conns.append(conn)

    async def _release(self, who: int, host: str) -> None:
        await self.conns[who - 1].release(host)

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """A pool job in the least busy worker."""
        conns = [c for c in await self._started() if c.alive]
        if not conns:
            raise WorkerError(ENDED)
        conn = min(conns, key=lambda c: len(c.calls) + len(c.jobs))
        cid = self._next_id()
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        conn.calls[cid] = future
        conn.send(("call", cid, fn, args))
        return await future

    async def page(self, host: str, target: str, link: str, stop: Callable[[str], bool]) -> PageJob:
        """Start fetching a page in the worker of its host."""
        conns = await self._started()
        conn = conns[zlib.crc32(host.encode()) % len(conns)]
        fetched: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        job = PageJob(conn, self._next_id(), stop, fetched)
        if not conn.alive:
            _fail(fetched, FetchError(ENDED))
            return job
        conn.jobs[job.pid] = job
        conn.send(("page", job.pid, target, link))
        return job

    async def flush(self) -> None:
        """Every page the workers keep, written: before the run reads one back."""
        if self._starting is None:
            return
        for conn in await self._started():
            if not conn.alive:
                continue
            cid = self._next_id()
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            conn.calls[cid] = future
            conn.send(("flush", cid))
            with contextlib.suppress(WorkerError):
                await future

    async def aclose(self) -> None:
        """Close the workers (each writes what it keeps first) and wait for them to end."""
        if self._starting is None:
            return
        with contextlib.suppress(Exception):
            await self._started()
        for conn in self.conns:
            conn.send(("close",))
        for conn in self.conns:
            try:
                if conn.loop_task is not None:
                    await asyncio.wait_for(asyncio.shield(conn.loop_task), CLOSE_WAIT_S)
                await asyncio.to_thread(conn.process.join, CLOSE_WAIT_S)
            finally:
                if conn.process.is_alive():
                    conn.process.kill()
                conn.writer.close()
