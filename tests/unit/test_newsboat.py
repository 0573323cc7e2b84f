"""Newsboat import: the urls file, and read/flagged state from a cache.db made as newsboat does."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.models import Entry
from tui_reader.newsboat import (
    HIDDEN_TAG,
    apply_pending,
    entry_url_index,
    import_cache_state,
    normalise_url,
    parse_urls,
    pending_state,
    tokenize,
)
from tui_reader.store import Store

DATA = Path(__file__).parent.parent / "data" / "newsboat"
FEED = "https://www.xataka.com/feedburner.xml"


def make_cache_db(path: Path, items: list[dict[str, object]]) -> Path:
    """A cache.db with newsboat's schema (tests/data/newsboat/cache-schema.sql), filled the
    way newsboat fills it: one rss_feed row per feed, one rss_item row per article."""
    db = sqlite3.connect(path)
    try:
        db.executescript((DATA / "cache-schema.sql").read_text())
        feeds = {str(item.get("feedurl", FEED)) for item in items}
        db.executemany(
            "INSERT INTO rss_feed (rssurl, url, title, is_rtl) VALUES (?, ?, ?, 0)",
            [(f, f.rsplit("/", 1)[0], f"Feed {f}") for f in sorted(feeds)],
        )
        for n, item in enumerate(items):
            db.execute(
                "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content,"
                " unread, enclosure_url, enclosure_type, enqueued, flags, base, deleted)"
                " VALUES (?, ?, '', ?, ?, ?, '<p>cuerpo</p>', ?, '', '', 0, ?, '', ?)",
                (
                    item.get("guid", f"guid-{n}"),
                    item.get("title", f"Artículo {n}"),
                    item["url"],
                    item.get("feedurl", FEED),
                    1_700_000_000 + n,
                    item.get("unread", 1),
                    item.get("flags"),
                    item.get("deleted", 0),
                ),
            )
        db.commit()
    finally:
        db.close()
    return path


ITEMS: list[dict[str, object]] = [
    {"url": "https://www.xataka.com/a/leido", "unread": 0},
    {"url": "https://www.xataka.com/a/sin-leer", "unread": 1},
    {"url": "https://www.xataka.com/a/marcado", "unread": 1, "flags": "s"},
    {"url": "https://www.xataka.com/a/leido-y-marcado", "unread": 0, "flags": "sA"},
    {"url": "https://www.xataka.com/a/borrado", "unread": 1, "deleted": 1, "flags": "s"},
    {"url": "http://WWW.Xataka.com:80/a/otra-forma/?utm_source=rss#comentarios", "unread": 0},
    {"url": "https://www.xataka.com/a/no-guardado", "unread": 0, "flags": "s"},
    {"url": "https://www.genbeta.com/a/en-dos", "unread": 1, "feedurl": "https://g.example/f"},
    {"url": "https://www.genbeta.com/a/en-dos", "unread": 0},
]


@pytest.fixture
def cache_db(tmp_path: Path) -> Path:
    return make_cache_db(tmp_path / "cache.db", ITEMS)


def entry(url: str, *, guid: str = "") -> Entry:
    return Entry(
        id="id:" + url.rsplit("/", 1)[-1],
        url=url,
        title="t",
        feeds=(FEED,),
        published=datetime(2024, 3, 5, tzinfo=UTC),
        guid=guid,
    )


STORED = [
    entry("https://www.xataka.com/a/leido"),
    entry("https://www.xataka.com/a/sin-leer"),
    entry("https://www.xataka.com/a/marcado"),
    entry("https://www.xataka.com/a/leido-y-marcado"),
    entry("https://www.xataka.com/a/borrado"),
    entry("https://www.xataka.com/a/otra-forma"),
    entry("https://www.genbeta.com/a/en-dos"),
]


# -- the urls file -------------------------------------------------------------------------


def test_urls_file_with_every_line_kind_parses_to_its_golden_result() -> None:
    path = DATA / "urls"
    result = parse_urls(path.read_text(), str(path))
    expected = json.loads((DATA / "urls.expected.json").read_text())
    assert [dict(f) for f in result.feeds] == expected["feeds"]
    assert [
        {"line": s.line, "item": s.item, "reason": s.reason} for s in result.skipped
    ] == expected["skipped"]
    assert result.source == str(path)


def test_hidden_feed_is_imported_with_the_hidden_tag() -> None:
    result = parse_urls('https://hnrss.org/frontpage news "!"\n', "urls")
    assert result.feeds == ({"url": "https://hnrss.org/frontpage", "tags": ["news", HIDDEN_TAG]},)


def test_commands_and_queries_are_skipped_never_run() -> None:
    text = '"exec:touch /tmp/pwned"\n"filter:rm -rf ~:https://e.example/f"\n"query:All:age < 2"\n'
    result = parse_urls(text, "urls")
    assert result.feeds == ()
    assert [s.line for s in result.skipped] == [1, 2, 3]
    assert all("command" in s.reason or "query" in s.reason for s in result.skipped)


def test_imported_urls_are_valid_config() -> None:
    configs = parse_urls((DATA / "urls").read_text(), "urls").feed_configs()
    assert configs[1].title == "Genbeta: software y apps"
    assert configs[1].tags == ("tech", "en español")


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("https://a/f tag", ["https://a/f", "tag"]),
        ('  https://a/f  "two words"\t"~A title"', ["https://a/f", "two words", "~A title"]),
        ("https://a/f tag # comment", ["https://a/f", "tag"]),
        ('https://a/f "# not a comment"', ["https://a/f", "# not a comment"]),
        ('https://a/f "esc \\"q\\" \\\\"', ["https://a/f", 'esc "q" \\']),
        ('https://a/f "unclosed', ["https://a/f", "unclosed"]),
        ("# only a comment", []),
        ("", []),
    ],
)
def test_tokenize_follows_newsboat_quoting(line: str, tokens: list[str]) -> None:
    assert tokenize(line) == tokens


# -- the cache -----------------------------------------------------------------------------


def test_normalise_url_ignores_what_does_not_name_a_different_story() -> None:
    assert normalise_url("http://WWW.Xataka.com:80/a/b/?utm_source=rss&x=1#c") == (
        "https://www.xataka.com/a/b?x=1"
    )
    assert normalise_url("https://e.example:8443/a") == "https://e.example:8443/a"
    assert normalise_url("https://news.google.com/out?url=https://e.example/story/") == (
        "https://e.example/story"
    )
    assert normalise_url("HTTPS://E.example/A?b=2&a=1") == normalise_url(
        "https://e.example/A?a=1&b=2"
    )


def test_pending_state_lists_read_and_flagged_articles_by_normalised_url(cache_db: Path) -> None:
    state = pending_state(cache_db)
    assert state == {
        "https://www.xataka.com/a/leido": (True, False),
        "https://www.xataka.com/a/marcado": (False, True),
        "https://www.xataka.com/a/leido-y-marcado": (True, True),
        "https://www.xataka.com/a/borrado": (True, False),  # deleted: read, never starred
        "https://www.xataka.com/a/otra-forma": (True, False),
        "https://www.xataka.com/a/no-guardado": (True, True),
        "https://www.genbeta.com/a/en-dos": (True, False),  # read in one of its two feeds
    }


def test_star_flags_choose_which_flag_letters_mean_starred(cache_db: Path) -> None:
    state = pending_state(cache_db, star_flags="A")
    assert state["https://www.xataka.com/a/leido-y-marcado"] == (True, True)
    assert "https://www.xataka.com/a/marcado" not in state


def test_import_cache_state_carries_over_state_of_stored_entries(cache_db: Path) -> None:
    read, starred = import_cache_state(cache_db, entry_url_index(STORED))
    assert read == {"id:leido", "id:leido-y-marcado", "id:borrado", "id:otra-forma", "id:en-dos"}
    assert starred == {"id:marcado", "id:leido-y-marcado"}


def test_import_cache_state_accepts_a_lookup_function(cache_db: Path) -> None:
    index = entry_url_index(STORED)
    read, starred = import_cache_state(cache_db, index.get)
    assert (read, starred) == import_cache_state(cache_db, index)


def test_entry_is_also_found_by_a_permalink_guid(tmp_path: Path) -> None:
    db = make_cache_db(tmp_path / "c.db", [{"url": "https://e.example/story?id=7", "unread": 0}])
    stored = [entry("https://e.example/amp/story-7", guid="https://e.example/story?id=7")]
    assert import_cache_state(db, entry_url_index(stored)) == ({"id:story-7"}, set())


def test_state_of_entries_not_fetched_yet_stays_pending_until_applied(cache_db: Path) -> None:
    pending = pending_state(cache_db)
    read, starred, remaining = apply_pending(pending, entry_url_index(STORED[:2]))
    assert (read, starred) == ({"id:leido"}, set())
    assert "https://www.xataka.com/a/leido" not in remaining
    # after the next fetch the rest can be applied, and a later run finds nothing left
    later = [*STORED, entry("https://www.xataka.com/a/no-guardado")]
    read, starred, remaining = apply_pending(remaining, entry_url_index(later))
    assert "id:no-guardado" in read and "id:no-guardado" in starred
    assert remaining == {}
    json.dumps(pending)  # what the lead persists is plain JSON


def test_import_into_a_real_store_marks_read_and_starred(cache_db: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        store.add_entries(FEED, STORED, {})
        read, starred = import_cache_state(cache_db, entry_url_index(store.iter_entries()))
        store.set_read(read)
        for entry_id in starred:
            store.set_starred(entry_id, True)
        assert store.read_ids() == read
        assert store.starred_ids() == {"id:marcado", "id:leido-y-marcado"}


def test_cache_is_opened_read_only(cache_db: Path) -> None:
    before = cache_db.read_bytes()
    pending_state(cache_db)
    assert cache_db.read_bytes() == before
    assert not Path(str(cache_db) + "-journal").exists()


def test_cache_db_of_an_old_newsboat_without_flags_or_deleted_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE rss_item (id INTEGER PRIMARY KEY, url TEXT, unread INTEGER)")
        db.execute("INSERT INTO rss_item (url, unread) VALUES ('https://e.example/a', 0)")
    db.close()
    assert pending_state(path) == {"https://e.example/a": (True, False)}


@pytest.mark.parametrize("content", [b"", b"not sqlite at all\n" * 10, None])
def test_a_file_that_is_not_a_newsboat_cache_is_a_clear_error(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "cache.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=r"cache\.db: (not a newsboat cache|no such)") as info:
        pending_state(path)
    assert "\n" not in str(info.value)
