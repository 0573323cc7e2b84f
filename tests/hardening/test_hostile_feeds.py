"""One `tui-reader fetch` over every kind of hostile server and feed, beside good feeds.

A real server on 127.0.0.1 serves each bad input at its own URL. The run must give exactly one
clear stderr line per failing feed (no traceback), complete the good feeds, exit 1, and store
nothing for a failing feed. Feeds with bad *items* (dates, GUIDs, links, a huge title...) are not
failures: their good items are stored as the checks below say. A second run, where a feed that
was good turns bad, must leave everything stored by the first run as it was.
"""

from __future__ import annotations

import gzip
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedserver import Route
from hardening_kit import (
    HostileServer,
    Item,
    Partial,
    Stream,
    assert_kept,
    cli,
    good_feed,
    normalise,
    record,
    rfc822,
    rss,
    snapshot,
    write_config,
)

from tui_reader.feeds.parse import MAX_TITLE
from tui_reader.store import Store

HERE = Path(__file__).resolve().parent
HOSTILE = HERE.parent / "data" / "hostile"
TOTAL_TIMEOUT = 2.0
MAX_BYTES = 10_000_000
AREA = "hostile feed (fails)"
TOLERATED = "hostile items (feed ok)"


@dataclass(frozen=True)
class Bad:
    name: str
    what: str  # the row's description in docs/hardening.md
    expect: str  # a regex the stderr line must match after "tui-reader: URL: "


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BAD = [
    Bad("malformed", "malformed XML (truncated, mismatched tags)", r"not a readable feed: .+"),
    Bad("binary", "binary garbage served as RSS", r"not a readable feed: .+"),
    Bad(
        "web-page",
        "an HTML page instead of a feed",
        r"this is a web page, not a feed; it advertises: http://127\.0\.0\.1:\d+/feed\.xml, "
        r"http://127\.0\.0\.1:\d+/atom\.xml",
    ),
    Bad("empty", "an empty body (200, 0 bytes)", r"the server sent an empty response, not a feed"),
    Bad(
        "huge",
        "a 50 MB body without Content-Length",
        r"the response is larger than 10,000,000 bytes; refused",
    ),
    Bad(
        "huge-declared",
        "a 50 MB body with Content-Length",
        r"the response is larger than 10,000,000 bytes; refused",
    ),
    Bad(
        "gzip-bomb",
        "a gzip bomb (64 KB -> 64 MB)",
        r"the response is larger than 10,000,000 bytes; refused",
    ),
    Bad("redirect-loop", "a redirect loop (A -> B -> A)", r"redirect loop at http://\S+"),
    Bad(
        "drip",
        "a body dripping one byte a second",
        rf"took longer than {TOTAL_TIMEOUT:g} s in all; abandoned",
    ),
    Bad(
        "reset",
        "a connection reset mid-body",
        r"connection to 127\.0\.0\.1 broke: connection reset by the server \(after 1 attempt\)",
    ),
    Bad(
        "refused",
        "a refused connection (closed port)",
        r"could not connect to 127\.0\.0\.1: connection refused \(after 1 attempt\)",
    ),
    Bad(
        "unresolvable",
        "an unresolvable host (nonexistent.invalid)",
        r"could not connect to nonexistent\.invalid: host name not found \(after 1 attempt\)",
    ),
    Bad("404", "HTTP 404", r"HTTP 404 not found"),
    Bad(
        "410",
        "HTTP 410",
        r"the server says this feed is gone for good \(HTTP 410\); unsubscribe from it",
    ),
    Bad(
        "429",
        "HTTP 429 with Retry-After: 3600",
        r"HTTP 429 too many requests; next try after \d{4}-\d\d-\d\d \d\d:\d\d UTC",
    ),
    Bad("500", "HTTP 500", r"HTTP 500 internal server error"),
    Bad("503", "HTTP 503 without Retry-After", r"HTTP 503 service unavailable"),
]


def serve_bad(server: HostileServer, bomb: bytes) -> dict[str, str]:
    """Serve every BAD case; return name -> URL."""
    urls: dict[str, str] = {}

    def add(name: str, route: Route) -> None:
        server.add(f"/bad/{name}", route)
        urls[name] = server.url(f"/bad/{name}")

    add("malformed", Route(body=(HOSTILE / "malformed.xml").read_bytes()))
    add("binary", Route(body=bytes(range(256)) * 64))
    add(
        "web-page",
        Route(
            body=(HOSTILE / "web_page.html").read_bytes(), content_type="text/html; charset=utf-8"
        ),
    )
    add("empty", Route(body=b""))
    add("huge", Stream(size=50_000_000, no_length=True))
    add("huge-declared", Stream(size=50_000_000))
    add("gzip-bomb", Route(body=bomb, pre_gzipped=True))
    server.redirect("/bad/redirect-loop", server.url("/bad/redirect-loop-2"), 302)
    server.redirect("/bad/redirect-loop-2", server.url("/bad/redirect-loop"), 302)
    urls["redirect-loop"] = server.url("/bad/redirect-loop")
    body = rss("Goteo", "http://drip.example/", [Item("Gota", "http://drip.example/1")])
    add("drip", Route(body=body, drip=1.0))
    add("reset", Partial(body=body[:300], declared=len(body)))
    urls["refused"] = f"http://127.0.0.1:{_closed_port()}/feed"
    urls["unresolvable"] = "http://nonexistent.invalid/feed"
    for code in (404, 410, 500, 503):
        add(str(code), Route(status=code, body=b"no", content_type="text/plain"))
    add("429", Route(status=429, body=b"slow down", headers={"Retry-After": "3600"}))
    return urls


# -- feeds that are not failures, each with what must be stored -----------------------------------


@dataclass(frozen=True)
class Tolerated:
    name: str
    what: str
    kept: str  # what the table says was stored
    body: Callable[[HostileServer, str], bytes]
    check: Callable[[Store, str, HostileServer, datetime], None]


def _titles(store: Store, url: str) -> list[str]:
    return sorted(r.title for r in store.rows(url))


def _charset_body(declared: str, actual: str) -> Callable[[HostileServer, str], bytes]:
    def body(server: HostileServer, base: str) -> bytes:
        text = rss("Canción", base + "/", [Item("Canción del ñandú", base + "/1")])
        text = text.replace(b'encoding="utf-8"', f'encoding="{declared}"'.encode())
        return text.decode("utf-8").encode(actual)

    return body


def _check_charset(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    assert _titles(store, url) == ["Canción del ñandú"]


def _dates_body(server: HostileServer, base: str) -> bytes:
    far = rfc822(datetime.now(UTC) + timedelta(days=300))
    return rss(
        "Fechas",
        base + "/",
        [
            Item("Fecha inválida", base + "/1", date="el martes que viene"),
            Item("Fecha futura", base + "/2", date=far),
            Item("Fecha vacía", base + "/3", date=""),
            Item("Fecha absurda", base + "/4", date="Mon, 31 Feb 99999 25:61:00 GMT"),
        ],
    )


def _check_dates(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    rows = store.rows(url)
    assert len(rows) == 4
    now = datetime.now(UTC).timestamp()
    for row in rows:
        assert start.timestamp() - 1 <= row.published <= now, row


def _guids_body(server: HostileServer, base: str) -> bytes:
    return rss(
        "GUIDs",
        base + "/",
        [
            Item("Primera con guid repetido", base + "/1", guid="same"),
            Item("Segunda con guid repetido", base + "/2", guid="same"),
            Item("Sin guid", base + "/3", guid=None),
            Item("Sin guid tampoco", base + "/4", guid=None),
        ],
    )


def _check_guids(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    assert _titles(store, url) == ["Primera con guid repetido", "Sin guid", "Sin guid tampoco"]


def _links_body(server: HostileServer, base: str) -> bytes:
    return rss(
        "Enlaces",
        base + "/",
        [
            Item("Sin enlace ni guid", None, guid="no-url"),
            Item("Sin enlace, guid URL", None, guid=base + "/por-guid"),
            Item("Relativo", "/relativo/nota"),
            Item("Relativo sin barra", "otra-nota"),
            Item("Javascript", "javascript:alert(1)"),
            Item("Data", "data:text/html,<script>alert(1)</script>"),
            Item("File", "file:///etc/passwd"),
        ],
    )


def _check_links(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    entries = {r.title: store.entry(r.id) for r in store.rows(url)}
    assert sorted(entries) == ["Relativo", "Relativo sin barra", "Sin enlace, guid URL"]
    origin = server.url("")
    assert entries["Relativo"] is not None and entries["Relativo"].url == origin + "/relativo/nota"
    rel = entries["Relativo sin barra"]
    assert rel is not None and rel.url == origin + "/tol/links/otra-nota"


def _laughs_body(server: HostileServer, base: str) -> bytes:
    return (HOSTILE.parent / "feeds" / "billion_laughs.xml").read_bytes()


def _check_laughs(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    rows = store.rows(url)
    assert len(rows) == 1 and len(rows[0].title) < 100, "entities are never expanded"
    entry = store.entry(rows[0].id)
    assert entry is not None and "root:" not in entry.summary, "no external entity is read"


def _big_title_body(server: HostileServer, base: str) -> bytes:
    return rss(
        "Título enorme",
        base + "/",
        [Item("Título " + "A" * 5_000_000, base + "/1", author="B" * 100_000)],
    )


def _check_big_title(store: Store, url: str, server: HostileServer, start: datetime) -> None:
    rows = store.rows(url)
    assert len(rows) == 1 and len(rows[0].title) <= MAX_TITLE
    entry = store.entry(rows[0].id)
    assert entry is not None and len(entry.title) <= MAX_TITLE and len(entry.author) <= 200


TOLERATED_CASES = [
    Tolerated(
        "latin1-declared-utf8",
        "Latin-1 bytes declared UTF-8",
        "stored, decoded right: «Canción del ñandú»",
        _charset_body("utf-8", "latin-1"),
        _check_charset,
    ),
    Tolerated(
        "utf8-declared-latin1",
        "UTF-8 bytes declared ISO-8859-1 (XML and Content-Type)",
        "stored, decoded right: «Canción del ñandú»",
        _charset_body("iso-8859-1", "utf-8"),
        _check_charset,
    ),
    Tolerated(
        "dates",
        "invalid, empty, absurd and future dates",
        "4 entries, dated the fetch time",
        _dates_body,
        _check_dates,
    ),
    Tolerated(
        "guids",
        "duplicate and missing GUIDs",
        "first of the duplicates kept; items without GUID kept by link",
        _guids_body,
        _check_guids,
    ),
    Tolerated(
        "links",
        "items with no link; relative links; javascript:/data:/file: links",
        "no-link item uses its URL guid or is skipped (logged); relative links resolved; "
        "non-http items skipped",
        _links_body,
        _check_links,
    ),
    Tolerated(
        "billion-laughs",
        "XML entity expansion (billion laughs) and an external entity",
        "1 entry; entities not expanded, no file read",
        _laughs_body,
        _check_laughs,
    ),
    Tolerated(
        "big-title",
        "a 5 MB title and a 100 KB author",
        f"stored, title cut to {MAX_TITLE} characters, author to 200",
        _big_title_body,
        _check_big_title,
    ),
]

GOOD = ("uno", "dos", "tres")


@dataclass
class Runs:
    server: HostileServer
    bad: dict[str, str]
    tolerated: dict[str, str]
    good: dict[str, str]
    turns_bad: str
    first: Any
    second: Any
    start: datetime
    data: Path
    cache: Path
    before_second: Any
    after_second: Any


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hostile")
    server = HostileServer().start()
    try:
        bomb = gzip.compress(b"\0" * 64_000_000, 9)
        bad = serve_bad(server, bomb)
        tolerated = {}
        for case in TOLERATED_CASES:
            path = f"/tol/{case.name}/feed"
            server.add(path, Route(body=case.body(server, server.url(f"/tol/{case.name}"))))
            tolerated[case.name] = server.url(path)
        good = {name: good_feed(server, name) for name in GOOD}
        turns_bad = good_feed(server, "cambia")
        urls = [*good.values(), turns_bad, *bad.values(), *tolerated.values()]
        config = write_config(
            tmp, urls, fetch={"total_timeout": TOTAL_TIMEOUT, "per_host": 8, "concurrency": 12}
        )
        start = datetime.now(UTC)
        first = cli(config, "fetch")
        data, cache = tmp / "data", tmp / "cache"
        # The user reads and stars something; then the feed that was good turns bad.
        with Store(data, cache) as store:
            ids = [r.id for r in store.rows(turns_bad)]
            store.set_read(ids[:2])
            store.set_starred(ids[0], True)
        all_urls = [*good.values(), turns_bad, *tolerated.values()]
        before = snapshot(data, cache, all_urls)
        server.add(
            "/good/cambia/feed",
            Route(body=(HOSTILE / "malformed.xml").read_bytes()),
        )
        good_feed(server, "uno", stamp="nuevo")  # a good feed gains items meanwhile
        second = cli(config, "fetch")
        after = snapshot(data, cache, all_urls)
        yield Runs(
            server,
            bad,
            tolerated,
            good,
            turns_bad,
            first,
            second,
            start,
            data,
            cache,
            before,
            after,
        )
    finally:
        server.stop()


def _lines(proc: Any) -> list[str]:
    lines: list[str] = proc.stderr.decode("utf-8").splitlines()
    return lines


def test_each_failing_feed_is_one_clear_line_and_exit_1(runs: Runs) -> None:
    proc = runs.first
    lines = _lines(proc)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr.decode()
    assert proc.stdout == b""
    assert len(lines) == len(BAD), "\n".join(lines)
    port = str(runs.server.port)
    for case in BAD:
        url = runs.bad[case.name]
        mine = [line for line in lines if line.startswith(f"tui-reader: {url}: ")]
        assert len(mine) == 1, (case.name, lines)
        message = mine[0][len(f"tui-reader: {url}: ") :]
        assert re.fullmatch(case.expect, message), (case.name, message)
        record(
            AREA,
            case.what,
            normalise(mine[0], {runs.bad[case.name]: f"URL-{case.name}", port: "PORT"}),
            "nothing stored for the feed; other feeds complete",
        )


def test_failing_feeds_store_nothing(runs: Runs) -> None:
    with Store(runs.data, runs.cache) as store:
        for name, url in runs.bad.items():
            assert store.rows(url) == [], name
            state = store.feed_state(url)
            assert state is not None and state.status in ("error", "gone"), (name, state)
            assert state.etag == "" and state.last_ok is None, name


def test_good_and_tolerated_feeds_complete_in_the_same_run(runs: Runs) -> None:
    with Store(runs.data, runs.cache) as store:
        for name, url in runs.good.items():
            assert len(runs.before_second.rows[url]) == 3, name
            assert store.feed_state(url).status == "ok"  # type: ignore[union-attr]
        for case in TOLERATED_CASES:
            url = runs.tolerated[case.name]
            assert store.feed_state(url).status == "ok", case.name  # type: ignore[union-attr]
            case.check(store, url, runs.server, runs.start)
            record(TOLERATED, case.what, "(no line: the feed is fine)", case.kept)


def _socket_buffers() -> int:
    """The most the kernel may hold in flight on loopback: send plus receive buffer maxima."""
    total = 0
    for name in ("tcp_rmem", "tcp_wmem"):
        try:
            total += int(Path(f"/proc/sys/net/ipv4/{name}").read_text().split()[2])
        except (OSError, IndexError, ValueError):
            total += 8_000_000
    return total


def test_huge_bodies_are_capped_not_read_whole(runs: Runs) -> None:
    for undeclared in runs.server.streams["/bad/huge"]:
        assert undeclared.broken and not undeclared.finished, "the client hung up early"
        # What left the server: the cap plus what socket buffers held when the client hung up.
        assert undeclared.sent < MAX_BYTES + _socket_buffers() + 1_000_000, undeclared.sent
    for declared in runs.server.streams["/bad/huge-declared"]:
        assert not declared.finished and declared.sent < 8_000_000, "refused on Content-Length"


def test_redirect_loop_and_drip_cost_bounded_requests(runs: Runs) -> None:
    requests = runs.server.requests
    # Two runs: one request per hop and run, no retry of a loop or of a deadline.
    assert requests["/bad/redirect-loop"] == 2 and requests["/bad/redirect-loop-2"] == 2
    assert requests["/bad/drip"] == 2


def test_a_good_feed_turning_bad_keeps_what_was_stored(runs: Runs) -> None:
    proc = runs.second
    lines = _lines(proc)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr.decode()
    mine = [line for line in lines if line.startswith(f"tui-reader: {runs.turns_bad}: ")]
    assert len(mine) == 1 and "not a readable feed" in mine[0], lines
    # 429 and 410 are not asked again in the second run, so they print nothing now.
    assert not any(runs.bad["429"] in line or runs.bad["410"] in line for line in lines)
    assert_kept(runs.before_second, runs.after_second)
    assert runs.after_second.rows[runs.turns_bad] == runs.before_second.rows[runs.turns_bad]
    assert len(runs.before_second.read) == 2 and len(runs.before_second.starred) == 1
    new = set(runs.after_second.rows[runs.good["uno"]]) - set(
        runs.before_second.rows[runs.good["uno"]]
    )
    assert len(new) == 3, "the good feed's new items still arrive"
    record(
        "store",
        "a feed that was good turns malformed on the next run",
        normalise(mine[0], {runs.turns_bad: "URL", str(runs.server.port): "PORT"}),
        "its 3 stored entries, read and starred flags unchanged; other feeds gain new items",
    )
