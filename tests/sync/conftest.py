"""The real TT-RSS (one per session, reset for each test) and a tui-reader config that syncs with it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from ttrss_server import PASSWORD, TTRSS, USER, install

# Three feeds on invented hosts, in two categories. Alpha's and Beta's items carry the whole
# article; Gamma's only a line of it, so its pages are fetched (through the origin's proxy).
EXCERPTS = "http://gamma.example/atom.rss"
FEEDS = {
    "http://alpha.example/feed.xml": ("Alpha News", "Tech"),
    "http://beta.example/rss": ("Beta Weekly", "Tech"),
    "http://gamma.example/atom.rss": ("Gamma Science", "Science"),
}
ITEMS_PER_FEED = 4
PASSWORD_ENV = "TUI_READER_TEST_TTRSS_PASSWORD"
START_SECONDS: dict[str, float] = {}


def body(feed: str, n: int) -> str:
    words = " ".join(
        f"{feed.split('/')[2].split('.')[0]} story {n} sentence {i}." for i in range(80)
    )
    return f"<p>{words}</p><p>{words}</p>"


def page_html(url: str, title: str, n: int) -> str:
    return (
        f"<html><head><title>{title} story {n}</title></head><body><nav>Home | About</nav>"
        f"<article><h1>{title} story {n}</h1>{body(url, n)}</article>"
        "<footer>© the site</footer></body></html>"
    )


def feed_xml(url: str, title: str, count: int = ITEMS_PER_FEED) -> str:
    host = url.split("/")[2]
    now = datetime.now(UTC)
    items = []
    for n in range(1, count + 1):
        when = format_datetime(now - timedelta(hours=n))
        if url == EXCERPTS:
            content = f"<description>{title} story {n}, in a line…</description>"
        else:
            content = f"<content:encoded><![CDATA[{body(url, n)}]]></content:encoded>"
        items.append(
            f"<item><title>{title} story {n}</title>"
            f"<link>http://{host}/posts/{n}</link><guid>http://{host}/posts/{n}</guid>"
            f"<pubDate>{when}</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>http://{host}/</link>"
        f"{''.join(items)}</channel></rss>"
    )


@pytest.fixture(scope="session")
def ttrss_server() -> Iterator[TTRSS]:
    why = install()
    if why and os.environ.get("TUI_READER_REQUIRE_TTRSS"):  # CI: these tests must run
        pytest.fail(f"TT-RSS cannot run here: {why}")
    if why:
        pytest.skip(f"TT-RSS cannot run here: {why}")
    started = time.monotonic()
    server = TTRSS().start()
    START_SECONDS["fixture"] = time.monotonic() - started
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ttrss(ttrss_server: TTRSS) -> TTRSS:
    """The server as a fresh install would be, with three feeds subscribed and updated."""
    server = ttrss_server
    if not server.procs:
        server._start_web()
    server.sql(
        "DELETE FROM ttrss_user_entries; DELETE FROM ttrss_entries; DELETE FROM ttrss_feeds;"
        "DELETE FROM ttrss_feed_categories; DELETE FROM ttrss_sessions;"
    )
    server.set_api(True)
    categories: dict[str, int] = {}
    for url, (title, category) in FEEDS.items():
        server.origin.put(url, feed_xml(url, title))
        for n in range(1, ITEMS_PER_FEED + 1):
            page = f"http://{url.split('/')[2]}/posts/{n}"
            server.origin.put(page, page_html(url, title, n), "text/html; charset=utf-8")
        if category not in categories:
            categories[category] = int(
                server.sql(
                    "INSERT INTO ttrss_feed_categories (owner_uid, title) "
                    f"VALUES (1, '{category}') RETURNING id"
                ).split()[0]
            )
        server.sql(
            "INSERT INTO ttrss_feeds (owner_uid, title, feed_url, cat_id) "
            f"VALUES (1, '{title}', '{url}', {categories[category]})"
        )
    server.update_feeds()
    count = int(server.sql("SELECT count(*) FROM ttrss_user_entries").split()[0])
    assert count == len(FEEDS) * ITEMS_PER_FEED, server.sql(
        "SELECT feed_url, last_error FROM ttrss_feeds"
    )
    return server


@pytest.fixture
def sync_config(
    tmp_path: Path, ttrss: TTRSS, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """A config file syncing with the server (the password in an environment variable)."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    # Article pages on the invented hosts are fetched through the origin, as TT-RSS fetches feeds;
    # the server itself (127.0.0.1) is reached directly.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{ttrss.origin.port}")

    def make(url: str = "", password_env: str = PASSWORD_ENV, **extra: Any) -> Path:
        lines = [
            "feeds = []",
            "[storage]",
            f'data_dir = "{tmp_path / "data"}"',
            f'cache_dir = "{tmp_path / "cache"}"',
            f'state_dir = "{tmp_path / "state"}"',
            "[fetch]",
            "workers = 1",
            "retries = 0",
            "connect_timeout = 2.0",
            "[sync]",
            'kind = "ttrss"',
            f'url = "{url or ttrss.url}"',
            f'user = "{USER}"',
            f'password_env = "{password_env}"',
        ]
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
        path = tmp_path / "config.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    return make
