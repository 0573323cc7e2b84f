"""The store on a real diskcache in a temp dir: indexes, merging, user state, retention, repair."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.models import Article, Block, Entry
from tui_reader.store import Store, StoreError, StoreLocked

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_entry(i: int, feed: str = "https://a.example/feed", days_old: float = 0) -> Entry:
    return Entry(
        id=f"id{i:05d}",
        url=f"https://a.example/{i}",
        title=f"Título {i}",
        feeds=(feed,),
        published=NOW - timedelta(days=days_old, minutes=i),
        site="a.example",
    )


def test_rows_are_newest_first_and_carry_no_body(store: Store) -> None:
    entries = [make_entry(i) for i in range(5)]
    article = Article(
        url="https://a.example/0", title="T", blocks=(Block("paragraph", "x" * 5000),)
    )
    assert store.add_entries("https://a.example/feed", entries, {"id00000": article}) == 5
    rows = store.rows("https://a.example/feed")
    assert [r.id for r in rows] == [f"id{i:05d}" for i in range(5)]
    assert store.article("id00000") == article


def test_row_tuples_are_the_rows_as_the_reader_lists_them(store: Store) -> None:
    feed = "https://a.example/feed"
    store.add_entries(feed, [make_entry(i) for i in range(3)], {})
    assert store.row_tuples(feed) == [row.as_tuple() for row in store.rows(feed)]
    assert store.row_tuples(feed)[0] == (
        "id00000",
        NOW.timestamp(),
        "Título 0",
        "a.example",
        feed,
        "",
    )
    assert store.row_tuples("https://never.example/feed") == []


def test_a_row_stored_before_the_language_field_reads_with_none(store: Store) -> None:
    feed = "https://a.example/feed"
    store._main.set(("index", feed), [["id1", 1.0, "T", "a.example", feed]])  # as 0.1 wrote them
    assert store.row_tuples(feed) == [("id1", 1.0, "T", "a.example", feed, "")]
    assert store.rows(feed)[0].language == ""


def test_a_store_the_stock_diskcache_wrote_is_converted_and_read(tmp_path: Path) -> None:
    """Version 0.1.0 wrote with diskcache's stock (pickling) Disk: such a store is converted once."""
    import diskcache

    stock = diskcache.Cache(str(tmp_path / "data" / "store" / "main"))
    stock.set(("entry", "id00001"), make_entry(1).to_dict())
    stock.set(("alias", "old"), "id00001")
    stock.close()
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        assert store.alias("old") == "id00001"
        assert store.has_entry("id00001")
        entry = store.entry("id00001")
        assert entry is not None and entry.title == "Título 1"


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(
        st.text(min_size=0, max_size=300) | st.sampled_from(["entry", "article", "title"]),
        st.text(min_size=0, max_size=300) | st.text(min_size=250, max_size=70000),
    )
)
def test_pair_keys_are_written_as_data_and_read_back_equal(key: tuple[str, str]) -> None:
    from tui_reader.store.disk import DataDisk

    disk = DataDisk("")
    db_key, raw = disk.put(key)
    assert raw is False and bytes(db_key).startswith(b"[")
    assert disk.get(db_key, raw) == key
    assert disk.put(key) == (db_key, raw), "the same key, the same bytes"
    other = (key[0], key[1] + "x")
    assert bytes(disk.put(other)[0]) != bytes(db_key)


def test_same_story_from_two_feeds_is_stored_once_and_listed_under_both(store: Store) -> None:
    first = make_entry(1, feed="https://agg1.example/rss")
    second = Entry(**{**first.to_dict(), "feeds": ("https://agg2.example/rss",), "via": ("https://agg2.example/r/1",),
                      "published": first.published, "fetched": first.fetched})  # fmt: skip
    assert store.add_entries("https://agg1.example/rss", [first], {}) == 1
    assert store.add_entries("https://agg2.example/rss", [second], {}) == 0
    stored = store.entry(first.id)
    assert stored is not None
    assert stored.feeds == ("https://agg1.example/rss", "https://agg2.example/rss")
    assert stored.via == ("https://agg2.example/r/1",)
    both = store.all_rows(["https://agg1.example/rss", "https://agg2.example/rss"])
    assert [r.id for r in both] == [first.id]


def test_user_state_survives_retention_and_cache_clear(store: Store) -> None:
    feed = "https://a.example/feed"
    store.add_entries(
        feed, [make_entry(1, days_old=100), make_entry(2, days_old=100), make_entry(3)], {}
    )
    store.set_read(["id00001", "id00002", "id00003"])
    store.set_starred("id00002", True)
    store.put_raw("id00003", "<html></html>", "page")
    removed = store.prune({feed: 30}, now=NOW, keep_entries=1)
    store.clear_page_cache()
    assert removed == ["id00001"], "the old read unstarred entry goes; the old starred one stays"
    assert store.entry("id00001") is None
    assert store.entry("id00002") is not None
    assert {r.id for r in store.rows(feed)} == {"id00002", "id00003"}
    assert store.read_ids() == {"id00001", "id00002", "id00003"}
    assert store.starred_ids() == {"id00002"}
    assert store.raw("id00003") is None


def test_retention_keeps_the_newest_entries_and_the_unread_whatever_their_age(
    store: Store,
) -> None:
    feed = "https://a.example/feed"
    old = [make_entry(i, days_old=200) for i in range(6)]  # newest first: id00000 .. id00005
    store.add_entries(feed, old, {})
    store.set_read([e.id for e in old if e.id != "id00004"])
    assert store.prune({feed: 30}, now=NOW, keep_entries=50) == [], "fewer than 50: all stay"
    removed = store.prune({feed: 30}, now=NOW, keep_entries=3)
    assert removed == ["id00003", "id00005"], "past the newest 3, old and read"
    assert [r.id for r in store.rows(feed)] == ["id00000", "id00001", "id00002", "id00004"]


def test_generation_moves_on_every_write(store: Store) -> None:
    before = store.generation()
    store.add_entries("f", [make_entry(1, feed="f")], {})
    assert store.generation() > before


def test_second_fetch_lock_fails_at_once(store: Store) -> None:
    with store.fetch_lock(), pytest.raises(StoreLocked), store.fetch_lock():
        pass
    with store.fetch_lock():  # released after use
        pass


def _hold_lock_then_die(data: str, cache: str, ready: multiprocessing.synchronize.Event) -> None:
    store = Store(Path(data), Path(cache))
    with store.fetch_lock():
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)


def test_lock_of_a_killed_holder_is_free(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(
        target=_hold_lock_then_die, args=(str(tmp_path / "d"), str(tmp_path / "c"), ready)
    )
    proc.start()
    proc.join(60)
    assert ready.is_set()
    with Store(tmp_path / "d", tmp_path / "c") as store, store.fetch_lock():
        pass


def test_doctor_rebuilds_indexes_without_touching_user_state(store: Store) -> None:
    feed = "https://a.example/feed"
    store.add_entries(feed, [make_entry(i) for i in range(3)], {})
    store.set_read(["id00001"])
    store._main.delete(("index", feed))  # simulate a lost index
    assert any("no feed index" in p for p in store.check())
    assert store.rebuild_indexes() == 3
    assert len(store.rows(feed)) == 3
    assert store.check() == []
    assert store.read_ids() == {"id00001"}


def test_corrupt_store_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "data" / "store" / "main" / "cache.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as info:
        Store(tmp_path / "data", tmp_path / "cache")
    assert str(db) in str(info.value)
    assert "doctor" in str(info.value)
