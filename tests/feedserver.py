"""A real HTTP server on 127.0.0.1 for fetch tests: feeds and pages from a dict, with misbehaviour.

Every request is counted per path, and concurrent requests are counted per Host header, so tests
can check politeness limits on the wire rather than inside the client.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

DATA = Path(__file__).parent / "data" / "feeds"


@dataclass
class Route:
    """One response. `then` lists the responses for the following requests (the last repeats)."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    gzip: bool = False
    # Body already gzip-compressed (a bomb): sent as is with Content-Encoding: gzip.
    pre_gzipped: bool = False
    delay: float = 0.0
    # Send headers, then the body one byte every `drip` seconds.
    drip: float = 0.0
    # Close the connection with a TCP reset instead of answering.
    reset: bool = False
    # Omit Content-Length and close the connection after the body.
    no_length: bool = False


def render(name: str, base: str, alt: str = "", **subs: str) -> bytes:
    """Fixture file `tests/data/feeds/<name>` with its {placeholders} filled in.

    {base} is the site's origin, {alt} a second host's (an aggregator); {recent}, {old} and
    {future} are RFC 822 dates (a day ago, 400 days ago, 30 days ahead).
    """
    now = datetime.now(UTC)
    values = {
        "base": base,
        "alt": alt or base,
        "recent": format_datetime(now - timedelta(days=1), usegmt=True),
        "recent_iso": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "old": format_datetime(now - timedelta(days=400), usegmt=True),
        "future": format_datetime(now + timedelta(days=30), usegmt=True),
        **subs,
    }
    text = (DATA / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode("utf-8")


class FeedServer:
    """Serves `routes` (path with query -> Route or list of Routes) on an ephemeral port."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.requests: Counter[str] = Counter()
        self.request_headers: dict[str, list[dict[str, str]]] = {}
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.connections = 0  # TCP connections accepted
        # The most connections open to a host at once, as seen at each request (`open_to`).
        self.max_connections: Counter[str] = Counter()
        self._open: dict[socket.socket, str] = {}  # each open connection's Host
        self._lock = threading.Lock()
        self._served: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def setup(self) -> None:
                with server._lock:
                    server.connections += 1
                    server._open[self.request] = ""
                super().setup()

            def finish(self) -> None:
                with server._lock:
                    server._open.pop(self.request, None)
                super().finish()

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- URLs ------------------------------------------------------------------------------------

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def host(self, host: str = "127.0.0.1") -> str:
        return f"{host}:{self.port}"

    # -- routes ----------------------------------------------------------------------------------

    def add(self, path: str, route: Route | list[Route]) -> None:
        self.routes[path] = route

    def render(self, name: str, **subs: str) -> bytes:
        return render(name, self.url(""), self.url("", "localhost"), **subs)

    def feed(self, path: str, name: str, subs: dict[str, str] | None = None, **kwargs: Any) -> None:
        """Serve a fixture file at `path`; `kwargs` are Route fields."""
        self.add(path, Route(body=self.render(name, **(subs or {})), **kwargs))

    def page(self, path: str, title: str, canonical: str = "", **kwargs: Any) -> None:
        """Serve the fixture article page at `path` with its title and canonical link."""
        body = self.render("article_page.html", title=title, canonical=canonical or self.url(path))
        self.add(path, Route(body=body, content_type="text/html; charset=utf-8", **kwargs))

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        self.add(path, Route(status=status, headers={"Location": location}))

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- serving ---------------------------------------------------------------------------------

    def _route(self, path: str) -> Route | None:
        with self._lock:
            route = self.routes.get(path)
            if isinstance(route, list):
                index = min(self._served[path], len(route) - 1)
                self._served[path] += 1
                return route[index]
            return route

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        host = handler.headers.get("Host", "")
        path = handler.path
        with self._lock:
            self.requests[path] += 1
            self.request_headers.setdefault(path, []).append(dict(handler.headers.items()))
            self.active[host] += 1
            self.max_active[host] = max(self.max_active[host], self.active[host])
            self._open[handler.connection] = host
            opened = self._open_to(host)
            self.max_connections[host] = max(self.max_connections[host], opened)
        try:
            self._respond(handler, self._route(path))
        except (BrokenPipeError, ConnectionResetError, OSError):
            handler.close_connection = True
        finally:
            with self._lock:
                self.active[host] -= 1

    def _open_to(self, host: str) -> int:
        """Connections to `host` whose client has not closed them (a closed one whose handler
        has not seen it yet is not counted: its end is already in the socket, peeked at)."""
        count = 0
        for sock, seen in self._open.items():
            if seen != host:
                continue
            try:
                if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    continue  # closed by the client
            except BlockingIOError:
                pass  # open, idle
            except OSError:
                continue  # reset
            count += 1
        return count

    def _respond(self, handler: BaseHTTPRequestHandler, route: Route | None) -> None:
        if route is None:
            route = Route(status=404, body=b"not found", content_type="text/plain")
        if route.delay:
            time.sleep(route.delay)
        if route.reset:
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.connection.close()
            handler.close_connection = True
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            self._send(handler, 304, route, b"")
            return
        if (
            route.last_modified
            and not route.etag
            and handler.headers.get("If-Modified-Since") == route.last_modified
        ):
            self._send(handler, 304, route, b"")
            return
        body = route.body
        extra = {}
        if route.pre_gzipped or (
            route.gzip and "gzip" in handler.headers.get("Accept-Encoding", "")
        ):
            body = body if route.pre_gzipped else gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        self._send(handler, route.status, route, body, extra)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        route: Route,
        body: bytes,
        extra: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(status)
        if status != 304:
            handler.send_header("Content-Type", route.content_type)
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)
        for name, value in {**route.headers, **(extra or {})}.items():
            handler.send_header(name, value)
        if route.no_length:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        elif status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status == 304:
            return
        if route.drip:
            for i in range(len(body)):
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
                time.sleep(route.drip)
        else:
            handler.wfile.write(body)


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that counts the jobs it is given by function name (parse_job, ...)."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.calls: Counter[str] = Counter()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        name = getattr(getattr(fn, "func", fn), "__name__", repr(fn))
        self.calls[name] += 1
        return super().submit(fn, *args, **kwargs)
