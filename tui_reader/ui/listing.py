"""What the lists show, as pure functions of the reader's state: the feeds pane's items, the
rows of the entries list, what an empty list says, and where the next unread entry is."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from rich.text import Text

from tui_reader.config import FeedConfig
from tui_reader.models import FeedState
from tui_reader.sanitize import clean_line
from tui_reader.ui.messages import Row
from tui_reader.ui.state import ReaderState
from tui_reader.ui.widgets.feed_list import ALL, STARRED, TAG_PREFIX, FeedItem

UNTAGGED = "other"


def feed_label(feed: FeedConfig, state: FeedState | None) -> str:
    label = feed.title or (state.title if state else "") or urlsplit(feed.url).netloc or feed.url
    return clean_line(label)


def merge_rows(row_lists: Iterable[list[Row]]) -> list[Row]:
    """Rows of several feeds, one per entry id, newest first."""
    seen: dict[str, Row] = {}
    for rows in row_lists:
        for row in rows:
            if row[0] not in seen:
                seen[row[0]] = row
    return sorted(seen.values(), key=lambda r: r[1], reverse=True)


def feed_name(state: ReaderState, url: str) -> str:
    """A feed's name as the feeds pane shows it; a URL not subscribed: its host."""
    name = state.feed_names.get(url)
    return name if name is not None else feed_label(FeedConfig(url=url), None)


def feeds_for_key(state: ReaderState, key: str) -> list[FeedConfig]:
    if key.startswith(TAG_PREFIX):
        tag = key[len(TAG_PREFIX) :]
        return [f for f in state.feeds if tag in (f.tags or (UNTAGGED,))]
    if key in (ALL, STARRED):
        return list(state.feeds)
    return [f for f in state.feeds if f.url == key]


def base_rows(state: ReaderState, key: str) -> list[Row]:
    if key == ALL:
        return state.all_rows
    if key == STARRED:
        return [r for r in state.all_rows if r[0] in state.starred]
    if key.startswith(TAG_PREFIX):
        return merge_rows(state.rows_by_feed.get(f.url, []) for f in feeds_for_key(state, key))
    return state.rows_by_feed.get(key, [])


def shown_rows(state: ReaderState, keep_id: str | None) -> list[Row]:
    """The current feed's rows (or the search results), filtered by language and unread; an
    entry being read (`keep_id`) stays in an unread-only list."""
    search = state.search.rows
    rows = search if search is not None else base_rows(state, state.feed_key)
    if state.language:
        languages, wanted = state.languages, state.language
        rows = [r for r in rows if languages.get(r[0]) == wanted]
    if state.unread_only:
        read = state.read
        rows = [r for r in rows if r[0] not in read or r[0] == keep_id]
    return rows


def mixed_feeds(state: ReaderState) -> bool:
    """A list that mixes feeds (All, a tag, Starred, a search) says which site each row is from."""
    key = state.feed_key
    return state.search.rows is not None or not any(f.url == key for f in state.feeds)


def failure(state: ReaderState, key: str) -> str:
    """Why the feed `key`'s last fetch failed, or ""."""
    feed_state = state.states.get(key)
    if feed_state is not None and feed_state.status in ("error", "gone") and feed_state.error:
        return feed_state.error
    return ""


def empty_message(state: ReaderState) -> str:
    """What an empty list says: why it is empty, and what to do about it."""
    if not state.loaded:
        return "Loading…"
    if not state.all_rows and state.search.rows is None:
        return "Nothing fetched yet: press R to fetch every feed (or run `tui-reader fetch`)."
    error = failure(state, state.feed_key)
    if error:
        return f"Its last fetch failed: {error}. Press r to try again."
    return "No entries here."


def feed_items(state: ReaderState) -> list[FeedItem]:
    """All, Starred, then each tag (unless every feed is untagged) and its feeds, with unread
    counts and failed fetches marked."""
    read = state.read
    items = [
        FeedItem(ALL, "All", "all", sum(1 for r in state.all_rows if r[0] not in read)),
        FeedItem(STARRED, "Starred", "starred", len(state.starred)),
    ]
    tags: dict[str, list[FeedConfig]] = {}
    for feed in state.feeds:
        for tag in feed.tags or (UNTAGGED,):
            tags.setdefault(tag, []).append(feed)
    only_untagged = list(tags) == [UNTAGGED]
    for tag, feeds in tags.items():
        if not only_untagged:
            ids = {r[0] for f in feeds for r in state.rows_by_feed.get(f.url, ())}
            items.append(FeedItem(TAG_PREFIX + tag, clean_line(tag), "tag", len(ids - read)))
        for feed in feeds:
            unread = sum(1 for r in state.rows_by_feed.get(feed.url, ()) if r[0] not in read)
            feed_state = state.states.get(feed.url)
            failed = feed_state is not None and feed_state.status in ("error", "gone")
            items.append(FeedItem(feed.url, feed_name(state, feed.url), "feed", unread, failed))
    return items


def find_unread(rows: list[Row], read: set[str], start: int, step: int) -> int | None:
    """The index of the first unread row from `start` on, in the direction `step`."""
    index = start
    while 0 <= index < len(rows):
        if rows[index][0] not in read:
            return index
        index += step
    return None


def next_feed_with_unread(items: list[FeedItem], key: str, step: int) -> FeedItem | None:
    """Like newsboat: past a feed's last unread entry, the next feed with unread entries (the
    feeds pane's order). Only from one feed, not from All or a tag."""
    keys = [item.key for item in items]
    if key not in keys:
        return None
    here = keys.index(key)
    if items[here].kind != "feed":
        return None
    order = items[here + 1 :] if step > 0 else items[:here][::-1]
    return next((i for i in order if i.kind == "feed" and i.unread), None)


def list_label(state: ReaderState, items: list[FeedItem]) -> str:
    """What the entries list shows: "All", "Search: linux", "El Byte · es"."""
    if state.search.rows is not None:
        label = "Search: " + clean_line(state.search.shown)
    else:
        item = next((i for i in items if i.key == state.feed_key), None)
        label = item.label if item else "All"
    if state.language:
        label += " · " + state.language
    return label


def title_text(state: ReaderState, label: str, rows: list[Row]) -> Text:
    """The title bar: the list's label, how many entries (or results) and unread, the filter."""
    searching = state.search.rows is not None
    text = Text(" tui-reader", style="bold")
    text.append("  ")
    text.append(label, style="yellow" if searching else "")
    if state.loaded:
        unread = sum(1 for r in rows if r[0] not in state.read)
        noun = "results" if searching else "entries"
        text.append(f"  {len(rows)} {noun}, {unread} unread", style="dim")
    if state.unread_only:
        text.append("  [unread only]", style="yellow")
    return text
