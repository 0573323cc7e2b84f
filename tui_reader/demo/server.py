"""The demo's sites on 127.0.0.1 at an ephemeral port: feeds, pages and aggregator redirects."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

FEED_FILES = {
    "/elbyte/feed.xml": ("elbyte.xml", "application/rss+xml; charset=utf-8"),
    "/cienciahoje/atom.xml": ("cienciahoje.xml", "application/atom+xml; charset=utf-8"),
    "/bitnotizie/rss.xml": ("bitnotizie.xml", "application/rss+xml; charset=utf-8"),
    "/agregador/rss.xml": ("agregador.xml", "application/rss+xml; charset=utf-8"),
}


def _data(name: str) -> str:
    return resources.files("tui_reader.demo").joinpath("data", *name.split("/")).read_text("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: DemoHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the reader owns the terminal
        pass

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        target = self.server.redirects.get(path)
        if target is not None:
            self.send_response(302)
            self.send_header("Location", self.server.base + target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = self.server.lookup(path)
        if found is None:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        body, content_type = found
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def aggregator_base(base: str) -> str:
    """The aggregator answers as `localhost`: another host than the sites, as in real life."""
    return base.replace("//127.0.0.1:", "//localhost:")


class DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.redirects: dict[str, str] = json.loads(_data("redirects.json"))
        self._cache: dict[str, tuple[bytes, str]] = {}

    def lookup(self, path: str) -> tuple[bytes, str] | None:
        """A feed or page with the port templated in, or None."""
        if path in self._cache:
            return self._cache[path]
        if path in FEED_FILES:
            name, content_type = FEED_FILES[path]
        elif path.endswith(".html") and ".." not in path:
            name, content_type = "pages" + path, "text/html; charset=utf-8"
        else:
            return None
        try:
            text = _data(name)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        text = text.replace("{{AGGREGATOR}}", aggregator_base(self.base))
        found = (text.replace("{{BASE}}", self.base).encode("utf-8"), content_type)
        self._cache[path] = found
        return found


class DemoServer:
    """`with DemoServer() as server:` serves the demo sites in a thread until the block ends."""

    def __init__(self) -> None:
        self.httpd = DemoHTTPServer()
        self.base = self.httpd.base
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="demo-server", daemon=True
        )

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        return self.base + path
