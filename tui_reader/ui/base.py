"""The reader's shared state and core services (status line, ordered store writes), and the
contract between the flows the `ReaderApp` is assembled from."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static

from tui_reader.config import Config, FeedConfig
from tui_reader.glossary import Glossary, GlossaryError, default_glossary, repair_text
from tui_reader.models import FeedState
from tui_reader.sanitize import clean_line
from tui_reader.store import Store
from tui_reader.ui.messages import Row, StoreFailed
from tui_reader.ui.widgets.article_view import ArticleView
from tui_reader.ui.widgets.entry_list import EntryList
from tui_reader.ui.widgets.feed_list import ALL, FeedList

if TYPE_CHECKING:
    from textual.worker import Worker

Pane = Literal["feeds", "entries", "article"]
PANES: tuple[Pane, ...] = ("feeds", "entries", "article")


class ReaderBase(App[int]):
    """What every part of the reader shares: the store, what was read from it, and where the
    user is. Each flow (loading, search, languages, entries, links, refresh, adding a feed) is a
    subclass of this; `ReaderApp` combines them. A flow's own private state lives with it."""

    def __init__(self, config: Config, store: Store) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.feeds: list[FeedConfig] = []
        self.states: dict[str, FeedState] = {}
        self.feed_names: dict[str, str] = {}  # url -> the name the feeds pane gives it
        self.rows_by_feed: dict[str, list[Row]] = {}
        self.all_rows: list[Row] = []
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.feed_key = ALL
        self.pane: Pane = "entries"
        self.narrow = False
        self.loaded = False
        self.unread_only = config.reader.unread_only
        self.search_query = ""
        # The results of the search for `search_shown`, best first; None: no search is shown.
        self.search_rows: list[Row] | None = None
        self.search_shown = ""
        self.language = ""  # "": every language
        self.languages: dict[str, str] = {}  # entry id -> normalized language ("" unknown)
        self.prompt_mode: Literal["search", "link", ""] = ""
        self.refreshing = False
        self.generation = -1  # the store generation the last load read (load workers only)
        self._show_feed_after_load: str | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writes")
        self.feed_list: FeedList
        self.entry_list: EntryList
        self.article_view: ArticleView
        self.prompt: Input
        self._glossary: Glossary | None = None

    # -- status -----------------------------------------------------------------------------

    def glossary(self) -> Glossary:
        """The brand-name glossary, read once, in the first load's worker."""
        if self._glossary is None:
            try:
                self._glossary = default_glossary()
            except GlossaryError as exc:
                self.call_from_thread(self.status, str(exc))
                self._glossary = Glossary()
        return self._glossary

    def repair_title(self, title: str, language: str) -> str:
        """An entry title with its language's brand names repaired (lists; nothing stored)."""
        glossary = self._glossary
        if glossary is None or not title:
            return title
        terms = glossary.for_language(language)
        return repair_text(title, terms)[0] if terms else title

    def status(self, message: str) -> None:
        self.query_one("#status", Static).update(Text(clean_line(message)))

    # -- persistence ------------------------------------------------------------------------

    def write(self, fn: Callable[..., Any], *args: Any) -> None:
        """Store writes run in order on one thread, off the event loop."""
        future = self._writer.submit(fn, *args)
        future.add_done_callback(self._write_done)

    def _write_done(self, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            with contextlib.suppress(Exception):
                self.post_message(StoreFailed(f"could not save: {exc}"))

    def save_position(self) -> None:
        position = {
            "feed": self.feed_key,
            "entry": self.entry_list.current_id or "",
            "language": self.language,
        }
        self.write(self.store.set_ui_position, position)

    # -- what the flows call on each other (implemented in the modules named) ---------------

    if TYPE_CHECKING:
        # ui/app.py
        def update_title(self) -> None: ...
        def set_pane(self, pane: Pane) -> None: ...
        def go_to_feed(self, key: str) -> None: ...
        def open_prompt(self, mode: Literal["search", "link"], value: str = "") -> None: ...

        # ui/loading.py
        def load_store(
            self, initial: bool = False, *, if_changed: bool = False
        ) -> Worker[None]: ...
        def show_rows(self, keep_id: str | None = None) -> None: ...
        def rebuild_feed_list(self) -> None: ...
        def feeds_for_key(self, key: str) -> list[FeedConfig]: ...
        def feed_name(self, url: str) -> str: ...

        # ui/languages.py
        def fill_languages(self) -> None: ...
        def languages_pending(self) -> bool: ...
        def schedule_languages(self, initial: bool) -> None: ...

        # ui/entries.py
        def target_id(self) -> str | None: ...

        # ui/refresh.py
        def start_refresh(self, feeds: list[FeedConfig]) -> None: ...
        def show_sync_state(self) -> Worker[None]: ...
