"""feedparser's own 2,106 test feeds, served with the headers each asks for and fetched in one run.

Every feed must be stored as feedparser itself parses it (each of its entries stored or named in
the log as skipped) or refused with one line that says why; no traceback, no escape byte, no lock
error. The files are in ../shared/feeds/feedparser-tests (see its README); the test skips where
that directory is absent.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import feedparser
import pytest
from feedserver import Route
from hardening_kit import (
    FORBIDDEN,
    ROOT,
    HostileServer,
    cli,
    forbidden_in,
    record_figures,
    write_config,
)

from tui_reader.feeds.links import canonical_url, entry_id
from tui_reader.feeds.parse import FeedParseError, parse_feed
from tui_reader.store import Store

SUITE = ROOT.parent / "shared" / "feeds" / "feedparser-tests"
_HEADER = re.compile(r"^Header:\s*([-\w]+):\s*(.*?)\s*$", re.MULTILINE)
_COMMENT = re.compile(rb"<!--(.*?)-->", re.DOTALL)
# Old dates are the suite's norm (2003-2006): keep everything, whatever its age.
KEEP_DAYS = 700_000


def suite_files() -> list[Path]:
    return sorted(
        p for p in SUITE.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE")
    )


def headers_of(content: bytes) -> dict[str, str]:
    """The HTTP headers a test file asks for in its leading comment (`Header: Name: value`)."""
    match = _COMMENT.search(content[:4096])
    headers = {"Content-Type": "application/xml"}  # no charset: the document's own decides
    if match:
        text = match.group(1).decode("latin-1")
        for name, value in _HEADER.findall(text):
            key = "Content-Type" if name.lower() == "content-type" else name
            headers[key] = value
    return headers


def expected_entries(content: bytes, url: str, headers: dict[str, str]) -> set[str] | None:
    """The entry ids our parser makes of a file (None: refused), checked against feedparser's
    own count: every entry it finds is one of ours or one we skip with a reason."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        parsed = parse_feed(content, url, lowered)
    except FeedParseError:
        return None
    theirs = feedparser.parse(
        content,
        response_headers={k: v for k, v in lowered.items() if k != "content-location"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    assert len(parsed.items) + len(parsed.skipped) == len(theirs.entries), url
    return {entry_id(canonical_url(item.link)) for item in parsed.items}


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"feedparser's test feeds are not at {SUITE}")
def test_feedparsers_own_test_feeds_are_stored_or_refused_with_a_line(
    hostile_server: HostileServer, tmp_path: Path
) -> None:
    files = suite_files()
    assert len(files) > 2000, f"{len(files)} files in {SUITE}"
    urls: dict[str, Path] = {}
    for path in files:
        content = path.read_bytes()
        route = f"/fp/{path.relative_to(SUITE).as_posix()}"
        headers = headers_of(content)
        hostile_server.add(
            route,
            Route(
                body=content,
                content_type=headers.pop("Content-Type"),
                headers=headers,
            ),
        )
        urls[hostile_server.url(route)] = path
    config = write_config(
        tmp_path,
        list(urls),
        fetch={"fulltext": False, "concurrency": 8, "per_host": 4, "workers": 2},
        storage={"keep_days": KEEP_DAYS},
    )
    start = time.monotonic()
    run = cli(config, "fetch", timeout=900)
    elapsed = time.monotonic() - start
    err = run.stderr.decode("utf-8", "replace")
    out = run.stdout.decode("utf-8", "replace")
    listing = cli(config, "list", "--json", timeout=300)
    tracebacks = (err + listing.stderr.decode(errors="replace")).count("Traceback")
    lock_errors = len(re.findall(r"locked|another fetch", err, re.IGNORECASE))
    shown = out + err + listing.stdout.decode("utf-8", "replace")
    escapes = len(FORBIDDEN.findall(shown))

    lines: dict[str, list[str]] = {}
    for line in err.splitlines():
        for url in re.findall(r"http://127\.0\.0\.1:\d+/fp/\S+?(?=:\s)", line):
            lines.setdefault(url, []).append(line)
    stored = refused = 0
    lost: list[str] = []
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        for url, path in urls.items():
            content = path.read_bytes()
            state = store.feed_state(url)
            expected = expected_entries(content, url, headers_of(content))
            if state is not None and state.status == "ok" and url not in lines:
                have = {row.id for row in store.rows(url)}
                missing = (expected or set()) - have
                if missing or expected is None:
                    lost.append(f"{path.relative_to(SUITE)}: {len(missing)} entries not stored")
                stored += 1
            elif len(lines.get(url, [])) == 1:
                refused += 1
            else:
                lost.append(f"{path.relative_to(SUITE)}: {lines.get(url)} (state {state})")
    assert not lost, f"{len(lost)} lost: {lost[:10]}"
    assert tracebacks == 0, err[:3000]
    assert escapes == 0, forbidden_in(shown)
    assert lock_errors == 0, err[:3000]
    assert stored + refused == len(files)
    assert run.returncode in (0, 1) and listing.returncode == 0
    record_figures(
        "feedparser's own test feeds (../shared/feeds/feedparser-tests), one fetch",
        tried=len(files),
        stored=stored,
        refused=refused,
        lost=len(lost),
        tracebacks=tracebacks,
        escapes=escapes,
        lock_errors=lock_errors,
    )
    print(f"{len(files)} feeds: {stored} stored, {refused} refused, in {elapsed:.1f} s")
