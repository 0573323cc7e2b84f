"""Shared pieces of the hardening kit: a hostile HTTP server, feeds, configs, CLI runs, snapshots.

The server is the project's test FeedServer (tests/feedserver.py) with three additions: it can
bind any loopback address, it streams huge bodies in chunks while counting what actually left
the socket (so a test can tell a capped read from a whole one), and it can answer with raw bytes
(an HTTP response that breaks off mid-body).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from feedserver import FeedServer, Route

from tui_reader.store import Store

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_DATA = ROOT / "tests" / "data" / "hostile"
DOC = ROOT / "docs" / "hardening.md"

# What must never reach a terminal: ESC, other C0 (but \t \n), DEL, C1, bidi controls.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)


def forbidden_in(text: str) -> list[str]:
    """The forbidden characters found in `text`, each with a little context, for a message."""
    return [
        f"U+{ord(m.group()):04X} near {text[max(0, m.start() - 20) : m.end() + 20]!r}"
        for m in FORBIDDEN.finditer(text)
    ][:5]


@dataclass
class Stream(Route):
    """A body of `size` bytes, generated and sent in chunks; bytes sent are counted."""

    size: int = 0
    chunk: bytes = b"<!-- padding -->" * 4096


@dataclass
class Partial(Route):
    """Headers promising `declared` bytes, then `body` and an abrupt close (a cut-off body)."""

    declared: int = 0


@dataclass
class FirstByte(Route):
    """`body` sent as one byte, a pause, then the rest (a first chunk of one byte on the wire)."""

    pause: float = 0.05


@dataclass
class Dynamic(Route):
    """A body made anew for every request by `make()`."""

    make: Any = None


@dataclass
class StreamStats:
    sent: int = 0
    finished: bool = False
    broken: bool = False


class HostileServer(FeedServer):
    """FeedServer on any loopback address, with streaming and cut-off bodies."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__()
        assert address.startswith("127."), "the kit only ever listens on loopback"
        handler = self.httpd.RequestHandlerClass
        self.httpd.server_close()
        self.httpd = ThreadingHTTPServer((address, port), handler)
        self.httpd.daemon_threads = True
        # Connections cut off on purpose (by a route or by a killed client) are what these
        # tests are about: no traceback per broken connection.
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.address = address
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        # Per path, one StreamStats per request served.
        self.streams: dict[str, list[StreamStats]] = {}

    def url(self, path: str, host: str = "") -> str:
        return f"http://{host or self.address}:{self.port}{path}"

    def _respond(self, handler: BaseHTTPRequestHandler, route: Route | None) -> None:
        if isinstance(route, Dynamic):
            super()._respond(handler, Route(body=route.make(), content_type=route.content_type))
        elif isinstance(route, Stream):
            self._stream(handler, route)
        elif isinstance(route, FirstByte):
            handler.send_response(route.status)
            handler.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(route.body)))
            handler.end_headers()
            handler.wfile.write(route.body[:1])
            handler.wfile.flush()
            time.sleep(route.pause)
            handler.wfile.write(route.body[1:])
        elif isinstance(route, Partial):
            handler.send_response(route.status)
            handler.send_header("Content-Type", route.content_type)
            handler.send_header("Content-Length", str(route.declared))
            handler.end_headers()
            handler.wfile.write(route.body)
            handler.wfile.flush()
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            handler.close_connection = True
            handler.connection.close()
        else:
            super()._respond(handler, route)

    def _stream(self, handler: BaseHTTPRequestHandler, route: Stream) -> None:
        stats = StreamStats()
        with self._lock:
            self.streams.setdefault(handler.path, []).append(stats)
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        if not route.no_length:
            handler.send_header("Content-Length", str(route.size))
        handler.end_headers()
        left = route.size
        try:
            while left > 0:
                piece = route.chunk[: min(len(route.chunk), left)]
                handler.wfile.write(piece)
                stats.sent += len(piece)
                left -= len(piece)
            handler.wfile.flush()
            stats.finished = True
        except OSError:
            stats.broken = True
            handler.close_connection = True


# -- feeds -----------------------------------------------------------------------------------------


def rfc822(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


def recent(days: float = 1.0) -> str:
    return rfc822(datetime.now(UTC) - timedelta(days=days))


@dataclass
class Item:
    title: str
    link: str | None
    guid: str | None = None
    summary: str = "Un resumen breve de la noticia."
    content: str = ""
    author: str = ""
    date: str = field(default_factory=recent)


def rss(title: str, site: str, items: Sequence[Item], *, encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document; text is escaped, so hostile strings travel as character data."""
    out = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(site)}</link>",
        "<description>hardening kit</description>",
        "<language>es</language>",
    ]
    for item in items:
        out.append("<item>")
        out.append(f"<title>{escape(item.title)}</title>")
        if item.link is not None:
            out.append(f"<link>{escape(item.link)}</link>")
        if item.guid is not None:
            out.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.author:
            out.append(f"<dc:creator>{escape(item.author)}</dc:creator>")
        out.append(f"<pubDate>{escape(item.date)}</pubDate>")
        out.append(f"<description>{escape(item.summary)}</description>")
        if item.content:
            out.append(f"<content:encoded>{escape(item.content)}</content:encoded>")
        out.append("</item>")
    out += ["</channel>", "</rss>"]
    return "\n".join(out).encode(encoding, "xmlcharrefreplace")


def good_feed(server: HostileServer, name: str, n: int = 3, stamp: str = "") -> str:
    """Serve a small good feed at /good/<name>/feed with n items; return its URL."""
    base = server.url(f"/good/{name}")
    items = [
        Item(
            title=f"Noticia {name} número {i} {stamp}".strip(),
            link=f"{base}/nota-{i}{'-' + stamp if stamp else ''}",
            guid=f"{name}-{i}-{stamp}",
            summary=f"Resumen de la noticia {i} de {name}.",
            date=recent(1 + i / 24),
        )
        for i in range(n)
    ]
    server.add(f"/good/{name}/feed", Route(body=rss(f"Sitio {name}", base + "/", items)))
    return server.url(f"/good/{name}/feed")


# -- config and CLI --------------------------------------------------------------------------------


def write_config(
    tmp_path: Path,
    feed_urls: Iterable[str | dict[str, Any]],
    *,
    name: str = "config.toml",
    fetch: dict[str, Any] | None = None,
    storage: dict[str, Any] | None = None,
) -> Path:
    settings: dict[str, Any] = {
        "retries": 0,
        "total_timeout": 3.0,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "workers": 1,
        "fulltext": False,
    }
    settings.update(fetch or {})
    lines = [
        "[storage]",
        f'data_dir = "{tmp_path / "data"}"',
        f'cache_dir = "{tmp_path / "cache"}"',
        f'state_dir = "{tmp_path / "state"}"',
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in (storage or {}).items()]
    lines += ["[fetch]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    for feed in feed_urls:
        table = {"url": feed} if isinstance(feed, str) else feed
        lines.append("[[feeds]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@functools.cache
def _subprocess_tmp() -> str:
    """A TMPDIR for the programs these tests start, removed when the test run ends.

    A fetch killed on purpose cannot remove its process pool's socket directory; it is left
    here, not in the machine's /tmp.
    """
    path = tempfile.mkdtemp(prefix="tui-reader-hardening-")
    atexit.register(shutil.rmtree, path, True)
    return path


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["TMPDIR"] = _subprocess_tmp()
    env.update(extra)
    return env


def cli(
    config: Path, *args: str, timeout: float = 120, **kwargs: Any
) -> subprocess.CompletedProcess[bytes]:
    """`tui-reader --config CONFIG ARGS`, output kept as bytes: the bytes are what is checked."""
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", "--config", str(config), *args],
        capture_output=True,
        timeout=timeout,
        env=kwargs.pop("env", None) or cli_env(),
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def cli_popen(config: Path, *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui_reader", "--config", str(config), *args],
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=kwargs.pop("stderr", subprocess.PIPE),
        stdin=subprocess.DEVNULL,
        env=kwargs.pop("env", None) or cli_env(),
        **kwargs,
    )


# -- processes left behind ------------------------------------------------------------------------

MARKER = "TUI_READER_TEST_RUN"


def marked_env(marker: str) -> dict[str, str]:
    """cli_env with a marker every process of the program inherits (workers, fork server...)."""
    return cli_env(**{MARKER: marker})


def marked_processes(marker: str) -> list[str]:
    """`pid cmdline` of every live process whose environment holds the marker (from /proc)."""
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if needle in environ.split(b"\0") and "State:\tZ" not in status:
            found.append(f"{entry.name} {cmdline.strip()[:120]}")
    return found


def wait_until_none_left(marker: str, deadline: float = 15.0) -> list[str]:
    """The marked processes still alive once they stop going, or after `deadline` seconds."""
    end = time.monotonic() + deadline
    left = marked_processes(marker)
    while left and time.monotonic() < end:
        time.sleep(0.1)
        left = marked_processes(marker)
    return left


# -- store snapshots -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, tuple[tuple[Any, ...], ...]]
    entries: dict[str, dict[str, Any]]
    articles: dict[str, dict[str, Any]]
    read: frozenset[str]
    starred: frozenset[str]


def snapshot(data_dir: Path, cache_dir: Path, feeds: Iterable[str]) -> Snapshot:
    """Every row, entry and article of `feeds`, and the user's read and starred sets."""
    with Store(data_dir, cache_dir) as store:
        rows: dict[str, tuple[tuple[Any, ...], ...]] = {}
        entries: dict[str, dict[str, Any]] = {}
        articles: dict[str, dict[str, Any]] = {}
        for feed in feeds:
            feed_rows = store.rows(feed)
            rows[feed] = tuple(r.as_tuple() for r in feed_rows)
            for row in feed_rows:
                entry = store.entry(row.id)
                assert entry is not None, f"index of {feed} names missing entry {row.id}"
                entries[row.id] = entry.to_dict()
                article = store.article(row.id)
                if article is not None:
                    articles[row.id] = article.to_dict()
        return Snapshot(
            rows, entries, articles, frozenset(store.read_ids()), frozenset(store.starred_ids())
        )


def assert_kept(before: Snapshot, after: Snapshot) -> None:
    """Everything `before` held is in `after`, unchanged (new entries may have been added)."""
    for eid, entry in before.entries.items():
        assert after.entries.get(eid) == entry, f"entry {eid} changed or lost"
    for eid, article in before.articles.items():
        assert after.articles.get(eid) == article, f"article {eid} changed or lost"
    for feed, rows in before.rows.items():
        kept = set(after.rows.get(feed, ()))
        assert set(rows) <= kept, f"rows of {feed} lost"
    assert before.read <= after.read, "read flags lost"
    assert before.starred <= after.starred, "starred flags lost"


# -- the table in docs/hardening.md ----------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One row of the hardening table: an input tried, what the user saw, what was kept."""

    area: str
    case: str
    seen: str
    kept: str


def normalise(line: str, replacements: dict[str, str]) -> str:
    """A stderr line with run-specific parts (port, paths, times) replaced by placeholders."""
    for old, new in sorted(replacements.items(), key=lambda kv: -len(kv[0])):
        line = line.replace(old, new)
    line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line)
    line = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "YYYY-MM-DD HH:MM UTC", line)
    line = re.sub(r"cache\.db\.damaged-\d+", "cache.db.damaged-TIME", line)
    return line


# Rows observed in this session, by (area, case); the table test compares them with the doc.
OBSERVED: dict[tuple[str, str], Observation] = {}


def record(area: str, case: str, seen: str, kept: str) -> None:
    OBSERVED[(area, case)] = Observation(area, case, seen, kept)


BEGIN = (
    "<!-- BEGIN GENERATED TABLE: do not edit; TUI_READER_WRITE_HARDENING_TABLE=1 rewrites it -->"
)
END = "<!-- END GENERATED TABLE -->"
HEADER = "| area | bad input | what the user sees | what is kept |\n|---|---|---|---|"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _uncell(text: str) -> str:
    return text.replace("\\|", "|")


def table_rows(doc: str) -> list[Observation]:
    """The rows of the generated table in a docs/hardening.md text."""
    if BEGIN not in doc or END not in doc:
        return []
    body = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [_uncell(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 4:
            rows.append(Observation(*(c.strip("`") if i == 2 else c for i, c in enumerate(cells))))
    return rows


def render_table(rows: Iterable[Observation]) -> str:
    lines = [HEADER]
    for row in rows:
        quoted = row.seen.startswith("tui-reader") and "`" not in row.seen
        seen = f"`{row.seen}`" if quoted else row.seen
        lines.append(
            f"| {_cell(row.area)} | {_cell(row.case)} | {_cell(seen)} | {_cell(row.kept)} |"
        )
    return "\n".join(lines)


def replace_table(doc: str, rows: Iterable[Observation]) -> str:
    table = f"{BEGIN}\n{render_table(rows)}\n{END}"
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        return head + table + rest.split(END, 1)[1]
    return doc.rstrip("\n") + "\n\n" + table + "\n"


# -- the figures table in docs/hardening.md --------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One suite of inputs and what became of them, counted."""

    suite: str
    tried: int
    stored: int
    refused: int
    lost: int
    tracebacks: int
    escapes: int
    lock_errors: int


FIGURES: dict[str, Figures] = {}
FIGURES_BEGIN = (
    "<!-- BEGIN GENERATED FIGURES: do not edit; TUI_READER_WRITE_HARDENING_TABLE=1 rewrites it -->"
)
FIGURES_END = "<!-- END GENERATED FIGURES -->"
FIGURES_HEADER = (
    "| suite | inputs tried | stored | refused with a line | lost | tracebacks | escape bytes "
    "| lock errors |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


def record_figures(suite: str, **counts: int) -> None:
    FIGURES[suite] = Figures(suite, **counts)


def figures_rows(doc: str) -> list[Figures]:
    if FIGURES_BEGIN not in doc or FIGURES_END not in doc:
        return []
    body = doc.split(FIGURES_BEGIN, 1)[1].split(FIGURES_END, 1)[0]
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [_uncell(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 8:
            rows.append(Figures(cells[0], *(int(c.replace(",", "")) for c in cells[1:])))
    return rows


def replace_figures(doc: str, rows: Iterable[Figures]) -> str:
    lines = [FIGURES_HEADER]
    for r in rows:
        counts = (r.tried, r.stored, r.refused, r.lost, r.tracebacks, r.escapes, r.lock_errors)
        lines.append(f"| {_cell(r.suite)} | " + " | ".join(f"{n:,}" for n in counts) + " |")
    table = f"{FIGURES_BEGIN}\n" + "\n".join(lines) + f"\n{FIGURES_END}"
    if FIGURES_BEGIN in doc and FIGURES_END in doc:
        head, rest = doc.split(FIGURES_BEGIN, 1)
        return head + table + rest.split(FIGURES_END, 1)[1]
    return doc.rstrip("\n") + "\n\n" + table + "\n"
