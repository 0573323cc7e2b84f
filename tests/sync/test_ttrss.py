"""Sync against a real Tiny Tiny RSS: subscriptions, entries, read and starred both ways."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXCERPTS, FEEDS, ITEMS_PER_FEED, PASSWORD_ENV
from relay import Relay
from ttrss_server import TTRSS, free_port

from tui_reader.store import Store

pytestmark = pytest.mark.slow


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
        check=False,
    )


def open_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data", tmp_path / "cache")


def entries_by_link(store: Store) -> dict[str, str]:
    return {e.url: e.id for e in store.iter_entries()}


def server_state(ttrss: TTRSS) -> dict[str, dict[str, Any]]:
    """Every article on the server by link: its id and flags."""
    with ttrss.api() as call:
        rows = call("getHeadlines", feed_id=-4, view_mode="all_articles", limit=200)
    return {
        r["link"]: {"id": str(r["id"]), "read": not r["unread"], "starred": r["marked"]}
        for r in rows
    }


@pytest.fixture
def relay(ttrss: TTRSS) -> Iterator[Relay]:
    found = Relay(ttrss.web_port)
    try:
        yield found
    finally:
        found.stop()


def test_sync_both_ways(ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path) -> None:
    config = sync_config()
    done = cli(config, "sync")
    assert done.returncode == 0, done.stderr
    assert "3 feeds" in done.stdout
    with open_store(tmp_path) as store:
        subs = {s["url"]: s for s in store.subscriptions()}
        assert set(subs) == set(FEEDS)
        for url, (title, category) in FEEDS.items():
            assert subs[url]["tags"] == [category]
            rows = store.rows(url)
            assert len(rows) == ITEMS_PER_FEED
            assert {r.title for r in rows} == {f"{title} story {n}" for n in range(1, 5)}
            article = store.article(rows[0].id)
            assert article is not None and "sentence 79" in article.text
            # An excerpt's page is fetched and extracted, as for any feed's teaser.
            assert article.source == ("page" if url == EXCERPTS else "feed")
        by_link = entries_by_link(store)
        links = sorted(by_link)
        read_here, starred_here = links[:5], links[5:7]
        store.set_read(by_link[link] for link in read_here)
        for link in starred_here:
            store.set_starred(by_link[link], True)

    done = cli(config, "sync")
    assert done.returncode == 0, done.stderr
    assert "5 read" in done.stdout and "2 starred" in done.stdout
    server = server_state(ttrss)
    assert {link for link, s in server.items() if s["read"]} == set(read_here)
    assert {link for link, s in server.items() if s["starred"]} == set(starred_here)

    read_there = links[8:11]
    with ttrss.api() as call:
        ids = ",".join(server[link]["id"] for link in read_there)
        call("updateArticle", article_ids=ids, mode=0, field=2)
    done = cli(config, "sync")
    assert done.returncode == 0, done.stderr
    assert "received 3 read" in done.stdout
    with open_store(tmp_path) as store:
        read = {link for link, eid in entries_by_link(store).items() if store.is_read(eid)}
        assert read == set(read_here) | set(read_there)
        assert {
            link for link, eid in entries_by_link(store).items() if store.is_starred(eid)
        } == set(starred_here)
    # Nothing differs any more: a further sync sends and receives nothing.
    done = cli(config, "sync")
    assert "sent nothing; received nothing" in done.stdout, done.stdout
    status = cli(config, "status").stdout.splitlines()
    assert status[-1].startswith("sync: Last sync ") and "waiting" not in status[-1], status


def test_wrong_password_is_one_line_without_it(
    ttrss: TTRSS,
    sync_config: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    secret = "Wrong-Secret-4711"
    monkeypatch.setenv(PASSWORD_ENV, secret)
    done = cli(sync_config(), "sync")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "wrong user name or password" in lines[0]
    assert secret not in done.stderr + done.stdout
    log = tmp_path / "state" / "tui-reader.log"
    assert "wrong user name or password" in log.read_text()
    assert secret not in log.read_text()


@pytest.mark.parametrize("fault", ["server down", "API disabled"])
def test_faults_lose_nothing(
    fault: str, ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path
) -> None:
    config = sync_config()
    assert cli(config, "sync").returncode == 0
    with open_store(tmp_path) as store:
        link, eid = sorted(entries_by_link(store).items())[0]
        store.set_read([eid])
    if fault == "server down":
        broken = sync_config(url=f"http://127.0.0.1:{free_port()}/")
        expected = "cannot connect (connection refused)"
    else:
        ttrss.set_api(False)
        broken = config
        expected = "the API is turned off"
    done = cli(broken, "sync")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr
    with open_store(tmp_path) as store:
        assert store.is_read(eid) and len(store.subscriptions()) == 3
        assert len(list(store.iter_entries())) == len(FEEDS) * ITEMS_PER_FEED
    ttrss.set_api(True)
    assert not server_state(ttrss)[link]["read"]
    done = cli(sync_config(), "sync")
    assert done.returncode == 0, done.stderr
    assert server_state(ttrss)[link]["read"]


def test_expired_session_logs_in_again(ttrss: TTRSS, sync_config: Callable[..., Path]) -> None:
    from tui_reader.config import FetchConfig
    from tui_reader.sync.ttrss import TinyTinyRSS

    backend = TinyTinyRSS(ttrss.url, "admin", "password", FetchConfig())
    try:
        backend.login()
        assert len(backend.subscriptions()) == 3
        ttrss.expire_sessions()
        assert len(backend.subscriptions()) == 3  # logged in again, once, and asked again
        assert len(backend.unread_ids()) == len(FEEDS) * ITEMS_PER_FEED
    finally:
        backend.close()


@pytest.mark.parametrize("when", ["before", "after"])
def test_sigkill_mid_sync_then_sent_once(
    when: str, ttrss: TTRSS, sync_config: Callable[..., Path], relay: Relay, tmp_path: Path
) -> None:
    """Killed while sending an offline change: before the server got it, or after it answered."""
    config = sync_config(url=relay.url)
    assert cli(config, "sync").returncode == 0
    with open_store(tmp_path) as store:
        link, eid = sorted(entries_by_link(store).items())[0]
        store.set_read([eid])  # made offline, sent by the next sync
    article = server_state(ttrss)[link]["id"]
    relay.hold = when  # type: ignore[assignment]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui_reader", "--config", str(config), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert relay.arrived.wait(120), "the sync never sent the change"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    relay.hold = ""
    relay.release.set()
    assert server_state(ttrss)[link]["read"] == (when == "after")
    before = relay.sent(article)
    done = cli(config, "sync")
    assert done.returncode == 0, done.stderr
    assert server_state(ttrss)[link]["read"]
    assert relay.sent(article) - before == (1 if when == "before" else 0)
    with open_store(tmp_path) as store:
        assert store.is_read(eid)
    # Read on the server afterwards, unread again there: the old change is not sent again.
    with ttrss.api() as call:
        call("updateArticle", article_ids=article, mode=1, field=2)
    assert cli(config, "sync").returncode == 0
    with open_store(tmp_path) as store:
        assert not store.is_read(eid)
