"""An HTTP relay in front of TT-RSS that records API calls and can hold one mid-way.

A test points tui-reader at the relay to see what it sends (how many times a change went out)
and to kill it at a known point: before the server got a call, or after the server answered
but before tui-reader heard the answer.
"""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Hold = Literal["", "before", "after"]


class Relay:
    def __init__(self, target_port: int) -> None:
        self.calls: list[dict[str, Any]] = []
        self.hold: Hold = ""
        self.hold_op = "updateArticle"
        self.arrived = threading.Event()
        self.release = threading.Event()
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                relay.calls.append(body)
                holding = relay.hold if body.get("op") == relay.hold_op else ""
                if holding == "before":
                    relay.arrived.set()
                    relay.release.wait(120)
                    self.close_connection = True
                    return
                conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
                conn.request("POST", self.path, raw, {"Content-Type": "application/json"})
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                if holding == "after":
                    relay.arrived.set()
                    relay.release.wait(120)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client was killed while it waited

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def sent(self, article_id: str, op: str = "updateArticle") -> int:
        """How many `op` calls named the article."""
        return sum(
            1
            for c in self.calls
            if c.get("op") == op and article_id in str(c.get("article_ids", "")).split(",")
        )

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
