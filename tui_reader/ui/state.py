"""What the reader shows, as one explicit value: what was read from the store, where the user
is, and what filters the list. The reader screen owns one `ReaderState`; its flows read it and
change their own parts of it (each field says who writes it). The cursor and the open article
are the entry list's and the article pane's own (one owner each), not copied here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tui_reader.config import FeedConfig
from tui_reader.models import FeedState
from tui_reader.ui.messages import Row
from tui_reader.ui.widgets.feed_list import ALL

Pane = Literal["feeds", "entries", "article"]
PANES: tuple[Pane, ...] = ("feeds", "entries", "article")
PromptMode = Literal["search", "link", ""]


@dataclass
class SearchState:
    """The prompt's query, and the results shown for `shown` (None: no search is shown)."""

    query: str = ""
    rows: list[Row] | None = None
    shown: str = ""
    before: str | None = None  # the entry the list was on when the results came

    @property
    def active(self) -> bool:
        """Whether the list is (or is about to be) a search's results."""
        return self.rows is not None or bool(self.query)


@dataclass
class ReaderState:
    """The store as last loaded (the loading flow writes these), the user's place and filters
    (the screen writes these), and the flows' flags."""

    feeds: list[FeedConfig] = field(default_factory=list)
    states: dict[str, FeedState] = field(default_factory=dict)
    feed_names: dict[str, str] = field(default_factory=dict)  # url -> the feeds pane's name
    rows_by_feed: dict[str, list[Row]] = field(default_factory=dict)
    all_rows: list[Row] = field(default_factory=list)
    # the entry list holds references to these two sets: they are updated, never replaced
    read: set[str] = field(default_factory=set)
    starred: set[str] = field(default_factory=set)
    languages: dict[str, str] = field(default_factory=dict)  # entry id -> language ("" unknown)
    loaded: bool = False
    feed_key: str = ALL
    pane: Pane = "entries"
    narrow: bool = False
    unread_only: bool = False
    language: str = ""  # "": every language
    prompt_mode: PromptMode = ""
    search: SearchState = field(default_factory=SearchState)
    refreshing: bool = False  # the refresh flow's: one refresh at a time
