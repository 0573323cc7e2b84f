"""What the lists show, as functions of the reader's state (no app needed)."""

from __future__ import annotations

from tui_reader.config import FeedConfig
from tui_reader.ui import listing
from tui_reader.ui.messages import Row
from tui_reader.ui.state import ReaderState
from tui_reader.ui.widgets.feed_list import ALL, STARRED, TAG_PREFIX, FeedItem

A, B = "https://a.example/feed", "https://b.example/feed"


def row(entry_id: str, published: float, feed: str, language: str = "") -> Row:
    return (entry_id, published, entry_id.upper(), "", feed, language)


def state() -> ReaderState:
    rows_a = [row("a2", 4, A, "es"), row("a1", 1, A, "es")]
    rows_b = [row("b1", 3, B, "it"), row("a2", 4, B, "es")]  # a2 came through both feeds
    return ReaderState(
        feeds=[FeedConfig(url=A, title="Alfa", tags=("es",)), FeedConfig(url=B, title="Beta")],
        rows_by_feed={A: rows_a, B: rows_b},
        all_rows=listing.merge_rows([rows_a, rows_b]),
        read={"a1"},
        starred={"b1"},
        feed_names={A: "Alfa", B: "Beta"},
        languages={"a2": "es", "a1": "es", "b1": "it"},
        loaded=True,
    )


def test_rows_of_several_feeds_are_merged_once_newest_first() -> None:
    assert [r[0] for r in state().all_rows] == ["a2", "b1", "a1"]


def test_shown_rows_follow_the_feed_the_language_and_unread_only() -> None:
    s = state()
    assert [r[0] for r in listing.shown_rows(s, None)] == ["a2", "b1", "a1"]
    s.feed_key = STARRED
    assert [r[0] for r in listing.shown_rows(s, None)] == ["b1"]
    s.feed_key, s.language = ALL, "es"
    assert [r[0] for r in listing.shown_rows(s, None)] == ["a2", "a1"]
    s.unread_only = True
    assert [r[0] for r in listing.shown_rows(s, None)] == ["a2"]
    assert [r[0] for r in listing.shown_rows(s, "a1")] == ["a2", "a1"]  # the one being read
    s.search.rows = [row("b1", 3, B, "it")]
    s.language = ""
    assert [r[0] for r in listing.shown_rows(s, None)] == ["b1"]
    assert listing.mixed_feeds(s)


def test_feed_items_group_by_tag_with_unread_counts() -> None:
    items = listing.feed_items(state())
    got = [(i.key, i.label, i.kind, i.unread) for i in items]
    assert got == [
        (ALL, "All", "all", 2),
        (STARRED, "Starred", "starred", 1),
        (TAG_PREFIX + "es", "es", "tag", 1),
        (A, "Alfa", "feed", 1),
        (TAG_PREFIX + "other", "other", "tag", 2),
        (B, "Beta", "feed", 2),
    ]


def test_unread_is_found_in_either_direction_and_on_in_the_next_feed() -> None:
    rows = state().all_rows
    assert listing.find_unread(rows, {"a2"}, 0, 1) == 1
    assert listing.find_unread(rows, {"a2", "b1", "a1"}, 0, 1) is None
    assert listing.find_unread(rows, {"a1"}, 2, -1) == 1
    items = [
        FeedItem(ALL, "All", "all", 3),
        FeedItem(A, "Alfa", "feed", 0),
        FeedItem(B, "Beta", "feed", 2),
    ]
    assert listing.next_feed_with_unread(items, A, 1) == items[2]
    assert listing.next_feed_with_unread(items, B, -1) is None  # Alfa has none unread
    assert listing.next_feed_with_unread(items, ALL, 1) is None  # only from one feed


def test_an_empty_list_says_why() -> None:
    s = ReaderState()
    assert listing.empty_message(s) == "Loading…"
    s.loaded = True
    assert "press R" in listing.empty_message(s)
