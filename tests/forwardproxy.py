"""A real forward HTTP proxy on 127.0.0.1 for tests: absolute-form GETs relayed, each counted.

It relays to the origin with http.client and answers with the origin's status, headers and body,
so a test can tell which requests went through it (`seen`) and which went direct.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


class ForwardProxy:
    """An HTTP forward proxy on an ephemeral loopback port; `seen` lists the URLs it relayed."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._relay(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> ForwardProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _relay(self, handler: BaseHTTPRequestHandler) -> None:
        target = urlsplit(handler.path)
        if target.scheme != "http" or not target.hostname:
            handler.send_error(400, "absolute http:// URL expected (this is a forward proxy)")
            return
        with self._lock:
            self.seen.append(handler.path)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        origin = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        try:
            origin.request("GET", path, headers=headers)
            response = origin.getresponse()
            body = response.read()
            handler.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("Via", "1.1 forwardproxy")
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            handler.send_error(502, "origin unreachable")
        finally:
            origin.close()
