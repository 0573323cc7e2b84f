"""`fetch` syncs too, subscriptions go both ways, and the reader's r/R sync and show its state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FEEDS, ITEMS_PER_FEED, feed_xml
from test_ttrss import cli, open_store
from ttrss_server import TTRSS

from tui_reader.config import load_config

pytestmark = pytest.mark.slow

LOCAL = "http://local.example/feed.xml"  # subscribed here before sync was set up
ADDED = "http://delta.example/feed.xml"  # subscribed here later: sent to the server
ALPHA, BETA = list(FEEDS)[:2]


def server_feeds(ttrss: TTRSS) -> set[str]:
    with ttrss.api() as call:
        return {f["feed_url"] for f in call("getFeeds", cat_id=-3)}


def test_fetch_syncs_and_subscriptions_go_both_ways(
    ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path
) -> None:
    ttrss.origin.put(LOCAL, feed_xml(LOCAL, "Local Notes"))
    ttrss.origin.put(ADDED, feed_xml(ADDED, "Delta Daily"))
    config = sync_config()
    with open_store(tmp_path) as store:
        store.set_subscriptions([{"url": LOCAL, "title": "Local Notes"}])

    done = cli(config, "fetch")
    assert done.returncode == 0, done.stderr
    with open_store(tmp_path) as store:
        assert {s["url"] for s in store.subscriptions()} == {LOCAL, *FEEDS}
        assert len(store.rows(LOCAL)) == ITEMS_PER_FEED  # fetched directly, as before
        assert all(len(store.rows(url)) == ITEMS_PER_FEED for url in FEEDS)
    assert server_feeds(ttrss) == set(FEEDS)  # what was here before is not pushed

    assert cli(config, "feeds", "add", ADDED).returncode == 0
    assert cli(config, "feeds", "remove", ALPHA).returncode == 0
    with ttrss.api() as call:  # meanwhile, on another device
        beta = next(f for f in call("getFeeds", cat_id=-3) if f["feed_url"] == BETA)
        call("unsubscribeFeed", feed_id=beta["id"])
    done = cli(config, "fetch")
    assert done.returncode == 0, done.stderr
    assert server_feeds(ttrss) == {ADDED, list(FEEDS)[2]}
    with open_store(tmp_path) as store:
        assert {s["url"] for s in store.subscriptions()} == {LOCAL, ADDED, list(FEEDS)[2]}
        assert store.rows(BETA) == []

    # The server fetches the new feed; the next fetch brings its items from the server.
    ttrss.update_feeds()
    done = cli(config, "sync")
    assert done.returncode == 0, done.stderr
    assert f"{ITEMS_PER_FEED} new items" in done.stdout
    with open_store(tmp_path) as store:
        assert len(store.rows(ADDED)) == ITEMS_PER_FEED


def test_fetch_with_the_server_down_fetches_the_rest(
    ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path
) -> None:
    ttrss.origin.put(LOCAL, feed_xml(LOCAL, "Local Notes"))
    config = sync_config()
    assert cli(config, "sync").returncode == 0
    with open_store(tmp_path) as store:
        store.set_subscriptions([*store.subscriptions(), {"url": LOCAL}])
    ttrss.stop_web()
    try:
        done = cli(config, "fetch")
    finally:
        ttrss._start_web()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"tui-reader: sync: TT-RSS at {ttrss.url}: cannot connect (connection refused)"
    ]
    with open_store(tmp_path) as store:
        assert len(store.rows(LOCAL)) == ITEMS_PER_FEED
        assert all(len(store.rows(url)) == ITEMS_PER_FEED for url in FEEDS)


async def test_reader_r_syncs_and_shows_the_state(
    ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path
) -> None:
    from tui_reader.services import store_for
    from tui_reader.sync.state import pending
    from tui_reader.ui.app import ReaderApp

    config = load_config(sync_config())
    store = store_for(config)
    app = ReaderApp(config, store)

    def status() -> str:
        return str(app.reader.query_one("#status").render())

    async def settle() -> None:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle()
            assert status() == "Not synced yet (r/R syncs)"
            await pilot.press("R")
            await settle()
            assert not app.reader.state.refreshing
            assert status().startswith("synced 3 feeds (+3 here)"), status()
            assert set(app.reader.state.rows_by_feed) >= set(FEEDS)
            assert len(app.reader.state.all_rows) == len(FEEDS) * ITEMS_PER_FEED
        store.set_read([app.reader.state.all_rows[-1][0]])
        waiting = pending(store)[1]  # with what the reader marked read as it showed it
        assert waiting >= 1
        app = ReaderApp(config, store)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle()
            assert status().startswith("Last sync "), status()
            assert f"; {waiting} change" in status(), status()
            await pilot.press("r")
            await settle()
            assert "sent " in status() and " read;" in status(), status()
        assert app.reader.state.all_rows[-1][0] in store.read_ids()
        with ttrss.api() as call:
            unread = call("getHeadlines", feed_id=-4, view_mode="unread")
        assert len(unread) <= len(FEEDS) * ITEMS_PER_FEED - 1
    finally:
        store.close()


def test_server_titles_reach_the_store_as_clean_lines(
    ttrss: TTRSS, sync_config: Callable[..., Path], tmp_path: Path
) -> None:
    ttrss.sql(
        "UPDATE ttrss_feeds SET title = E'Alpha \\033[31mRed\\033[0m &amp; Co\\nNews' "
        f"WHERE feed_url = '{ALPHA}';"
        "UPDATE ttrss_feed_categories SET title = E'Te\\033]52;c;aGk=\\007ch' WHERE title = 'Tech'"
    )
    done = cli(sync_config(), "sync")
    assert done.returncode == 0, done.stderr
    with open_store(tmp_path) as store:
        alpha = next(s for s in store.subscriptions() if s["url"] == ALPHA)
    assert alpha["title"] == "Alpha Red & Co News"
    assert "\x1b" not in alpha["tags"][0] and "\x07" not in alpha["tags"][0]
