"""A loopback HTTP/1.1 server for the benchmarks: one listener per site address, all on one port.

asyncio, keep-alive, hundreds of concurrent connections (listen backlog 1024 per address).
Conditional GET (ETag / Last-Modified -> 304), gzip when asked for, an added latency with jitter
before each response, and counters: requests per path kind (feed, page, other) and status,
connections open at once per site (now and at most), requests in flight per site at most.

Only loopback addresses (127.0.0.0/8) are ever bound. The server stops by itself after
`max_seconds`, whatever the caller does, so a crashed benchmark leaves nothing listening.

    python bench/server.py --feeds 5 --items 4 --latency 50 --max-seconds 600   # serve by hand
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import random
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol

if __package__ in (None, ""):
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.corpus import (
    Resource,
    add_corpus_arguments,
    corpus_from_arguments,
    site_address,
)

MAX_HEADER = 64 * 1024


class Source(Protocol):
    def lookup(self, address: str, path: str) -> Resource | None: ...


@dataclass
class Stats:
    """What the server saw; `reset()` between runs. Only touched from the server's loop."""

    requests: Counter[tuple[str, int]] = field(default_factory=Counter)  # (kind, status)
    bytes_sent: int = 0
    conns_now: Counter[str] = field(default_factory=Counter)
    conns_max: Counter[str] = field(default_factory=Counter)
    conns_total: int = 0
    inflight_now: Counter[str] = field(default_factory=Counter)
    inflight_max: Counter[str] = field(default_factory=Counter)
    inflight_all_now: int = 0
    inflight_all_max: int = 0
    gzip_responses: int = 0

    def reset(self) -> None:
        self.requests.clear()
        self.bytes_sent = 0
        self.conns_max = Counter({k: v for k, v in self.conns_now.items() if v})
        self.conns_total = 0
        self.inflight_max.clear()
        self.inflight_all_max = self.inflight_all_now
        self.gzip_responses = 0

    def count(self, kind: str | None = None, status: int | None = None) -> int:
        return sum(
            n
            for (k, s), n in self.requests.items()
            if (kind is None or k == kind) and (status is None or s == status)
        )

    def summary(self) -> dict[str, object]:
        return {
            "requests": {f"{k}:{s}": n for (k, s), n in sorted(self.requests.items())},
            "bytes_sent": self.bytes_sent,
            "connections": self.conns_total,
            "max_conns_per_host": max(self.conns_max.values(), default=0),
            "max_inflight_per_host": max(self.inflight_max.values(), default=0),
            "max_inflight_all_hosts": self.inflight_all_max,
            "gzip_responses": self.gzip_responses,
        }


def _check_loopback(address: str) -> None:
    if not ipaddress.ip_address(address).is_loopback:
        raise ValueError(f"{address} is not a loopback address; refusing to bind it")


def _not_modified(res: Resource, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip() for t in inm.split(",")}
        return res.etag in tags or f"W/{res.etag}" in tags or "*" in tags
    ims = headers.get("if-modified-since")
    if ims:
        try:
            return parsedate_to_datetime(ims) >= parsedate_to_datetime(res.last_modified)
        except (TypeError, ValueError):
            return False
    return False


class BenchServer:
    """Serve `source` on `addresses` (all on one port) from a background thread.

    Use as a context manager, or `start()` / `stop()`. `latency_ms` is added before every
    response, +- `jitter_ms` uniformly (seeded, so runs are comparable).
    """

    def __init__(
        self,
        addresses: Iterable[str],
        *,
        latency_ms: float = 0.0,
        jitter_ms: float = 0.0,
        max_seconds: float = 1800.0,
        port: int = 0,
        seed: int = 1,
    ) -> None:
        self.addresses = list(addresses)
        for address in self.addresses:
            _check_loopback(address)
        self.latency_ms = latency_ms
        self.jitter_ms = jitter_ms
        self.max_seconds = max_seconds
        self.stats = Stats()
        self.source: Source | None = None
        self._rng = random.Random(f"server:{seed}")
        self._sockets = self._bind(port)
        self.port: int = self._sockets[0].getsockname()[1]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._started = threading.Event()
        self._startup_error: BaseException | None = None

    # -- sockets ----------------------------------------------------------------------------

    def _bind(self, port: int) -> list[socket.socket]:
        """One listening socket per address, all on the same port (picked by the first bind)."""
        for _attempt in range(20):
            socks: list[socket.socket] = []
            try:
                chosen = port
                for address in self.addresses:
                    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    socks.append(sock)
                    sock.bind((address, chosen))
                    chosen = sock.getsockname()[1]
                    sock.listen(1024)
                    sock.setblocking(False)
                return socks
            except OSError:
                for sock in socks:
                    sock.close()
                if port:
                    raise
        raise OSError("could not find one free port on every site address")

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> BenchServer:
        self._thread = threading.Thread(target=self._run, name="bench-server", daemon=True)
        self._thread.start()
        self._started.wait(30)
        if self._startup_error is not None:
            raise self._startup_error
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and not self._stopped.is_set():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(10)
        for sock in self._sockets:
            sock.close()

    def wait(self) -> None:
        """Block until the server stops (its max_seconds ran out, or stop() was called)."""
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> BenchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_latency(self, latency_ms: float, jitter_ms: float | None = None) -> None:
        self.latency_ms = latency_ms
        self.jitter_ms = latency_ms * 0.2 if jitter_ms is None else jitter_ms

    def call(self, fn: object) -> None:
        """Run `fn()` on the server's loop (e.g. `stats.reset`) and wait for it."""
        assert self._loop is not None and callable(fn)
        done = threading.Event()

        def run() -> None:
            try:
                fn()
            finally:
                done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(10)

    def reset_stats(self) -> None:
        self.call(self.stats.reset)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:
            self._startup_error = exc
            self._started.set()
        finally:
            loop.close()

    async def _serve(self) -> None:
        servers = [
            await asyncio.start_server(self._handle, sock=sock, limit=MAX_HEADER, backlog=1024)
            for sock in self._sockets
        ]
        self._started.set()
        deadline = time.monotonic() + self.max_seconds
        try:
            while not self._stopped.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            for server in servers:
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._stopped.set()

    # -- HTTP -------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        site = writer.get_extra_info("sockname")[0]
        stats = self.stats
        stats.conns_total += 1
        stats.conns_now[site] += 1
        stats.conns_max[site] = max(stats.conns_max[site], stats.conns_now[site])
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                    return
                method, target, version = parts
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                keep_alive = (
                    headers.get("connection", "").lower() != "close"
                    if version == "HTTP/1.1"
                    else headers.get("connection", "").lower() == "keep-alive"
                )
                stats.inflight_now[site] += 1
                stats.inflight_max[site] = max(stats.inflight_max[site], stats.inflight_now[site])
                stats.inflight_all_now += 1
                stats.inflight_all_max = max(stats.inflight_all_max, stats.inflight_all_now)
                try:
                    delay = self.latency_ms
                    if self.jitter_ms:
                        delay += self._rng.uniform(-self.jitter_ms, self.jitter_ms)
                    if delay > 0:
                        await asyncio.sleep(delay / 1000)
                    response = self._respond(site, method, target, headers, keep_alive)
                finally:
                    stats.inflight_now[site] -= 1
                    stats.inflight_all_now -= 1
                writer.write(response)
                await writer.drain()
                stats.bytes_sent += len(response)
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            stats.conns_now[site] -= 1
            with contextlib.suppress(Exception):
                writer.close()

    def _respond(
        self, site: str, method: str, target: str, headers: dict[str, str], keep_alive: bool
    ) -> bytes:
        path = target.split("?", 1)[0]
        if target.startswith("http://"):  # absolute form
            path = "/" + target.split("/", 3)[-1] if target.count("/") >= 3 else "/"
        res = self.source.lookup(site, path) if self.source is not None else None
        conn = b"keep-alive" if keep_alive else b"close"
        if method not in ("GET", "HEAD"):
            self.stats.requests[("other", 405)] += 1
            return b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: " + (
                conn + b"\r\n\r\n"
            )
        if res is None:
            self.stats.requests[("other", 404)] += 1
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            return (
                b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\nConnection: "
                + conn
                + b"\r\n\r\n"
                + body
            )
        common = (
            f"ETag: {res.etag}\r\nLast-Modified: {res.last_modified}\r\n"
            f"Cache-Control: max-age=0, must-revalidate\r\nVary: Accept-Encoding\r\n"
            f"Server: bench\r\nConnection: {conn.decode()}\r\n"
        )
        if _not_modified(res, headers):
            self.stats.requests[(res.kind, 304)] += 1
            return f"HTTP/1.1 304 Not Modified\r\n{common}\r\n".encode()
        self.stats.requests[(res.kind, 200)] += 1
        gz = "gzip" in headers.get("accept-encoding", "").lower()
        body = res.gz if gz else res.body()
        if gz:
            self.stats.gzip_responses += 1
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {res.content_type}\r\n{common}"
            + ("Content-Encoding: gzip\r\n" if gz else "")
            + f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return head if method == "HEAD" else head + body


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_corpus_arguments(ap)
    ap.add_argument("--latency", type=float, default=0.0, help="ms added to every response")
    ap.add_argument("--jitter", type=float, default=None, help="+- ms (default: 20%% of latency)")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    args = ap.parse_args(argv)
    addresses = [site_address(i) for i in range(args.feeds)]
    server = BenchServer(addresses, max_seconds=args.max_seconds, seed=args.seed)
    server.set_latency(args.latency, args.jitter)
    corpus = corpus_from_arguments(args, server.port)
    server.source = corpus
    with server:
        for site in corpus.sites:
            print(site.feed_url)
        print(f"serving for {args.max_seconds:.0f} s; Ctrl-C stops", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            server.wait()
        print(server.stats.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
