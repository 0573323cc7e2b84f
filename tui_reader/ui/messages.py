"""Messages the reader's widgets and workers post: past-tense events, kept in one module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui_reader.config import FeedConfig
from tui_reader.glossary import RepairedArticle
from tui_reader.models import Article, Entry, FeedResult, FeedState, FetchSummary

if TYPE_CHECKING:  # discovery (httpx, feedparser) is imported only when a feed is added
    from tui_reader.discover import FeedCandidate

Row = tuple[str, float, str, str, str, str]
"""An entry row as the store keeps it (EntryRow.as_tuple): (id, published, title, site, feed,
language)."""


@dataclass
class StoreLoaded(Message):
    """The loader worker read the feeds, every feed's rows and the read/starred flags."""

    feeds: list[FeedConfig]
    states: dict[str, FeedState]
    rows_by_feed: dict[str, list[Row]]
    all_rows: list[Row]
    read: set[str]
    starred: set[str]
    position: dict[str, Any] = field(default_factory=dict)
    initial: bool = False


@dataclass
class StoreFailed(Message):
    """The store could not be read."""

    error: str


@dataclass
class FeedHighlighted(Message):
    key: str


@dataclass
class FeedChosen(Message):
    key: str


@dataclass
class EntryChosen(Message):
    entry_id: str


@dataclass
class ArticleLoaded(Message):
    """An entry and its article were read from the store (article None: only the summary)."""

    entry_id: str
    entry: Entry | None
    article: Article | None
    repaired: RepairedArticle | None = None
    original: str = ""


@dataclass
class SearchFinished(Message):
    """The full-text search for `query` found `rows`, best first (`error`: the index failed)."""

    query: str
    rows: list[Row]
    token: int
    error: str = ""


@dataclass
class LanguagesLoaded(Message):
    """The languages of entries not seen before were read from the store: id -> language."""

    languages: dict[str, str]


@dataclass
class FeedsDiscovered(Message):
    """Discovery at `url` found these feeds (`error` set and no candidates: it found none)."""

    url: str
    candidates: list[FeedCandidate]
    error: str = ""


@dataclass
class FeedSubscribed(Message):
    """A feed was appended to the store's subscriptions (`error`: it was not)."""

    feed: FeedConfig
    error: str = ""


@dataclass
class RefreshProgressed(Message):
    result: FeedResult
    done: int
    total: int


@dataclass
class RefreshFinished(Message):
    summary: FetchSummary | None
    error: str = ""
    sync: str = ""  # what the sync with the server did (or why it failed), when configured


@dataclass
class LinkOpened(Message):
    """A link was handed to the browser (`launched`) or shown and copied instead."""

    url: str
    launched: bool


# -- what the reader's flows tell the screen (they bubble up from the flow that posts them) ----


@dataclass
class Said(Message):
    """A line for the status bar."""

    text: str


@dataclass
class ListChanged(Message):
    """The rows to show changed (a load, a search, a filter): redraw the entries list, its
    cursor on `keep_id` (None: on the entry it is on, unless `keep_current` is False)."""

    keep_id: str | None = None
    keep_current: bool = True


@dataclass
class FlagsChanged(Message):
    """Read or starred flags changed: the list's marks, the feeds' counts and the title."""


@dataclass
class FeedRequested(Message):
    """Show the feed `key` (it was just added, or the user asked for one already there)."""

    key: str


@dataclass
class LoadRequested(Message):
    """Read the store again (after a refresh, a new subscription); then show `show_feed`."""

    show_feed: str | None = None


@dataclass
class RefreshRequested(Message):
    """Fetch these feeds (a feed just added), then say `note`."""

    feeds: list[FeedConfig]
    note: str = ""


@dataclass
class PositionChanged(Message):
    """The feed, the entry or the language filter changed: save the place for the next start."""
