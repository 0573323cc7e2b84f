"""The reader app: feeds | entries | article, one pane at a time below 100 columns."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from tui_reader.config import Config, FeedConfig
from tui_reader.models import Entry, FeedState
from tui_reader.sanitize import clean_line, is_safe_url
from tui_reader.search import MIN_PREFIX, SearchIndex, fold
from tui_reader.services import effective_feeds, feed_to_dict
from tui_reader.store import Store, StoreLocked
from tui_reader.ui import browser
from tui_reader.ui.commands import ReaderCommands
from tui_reader.ui.messages import (
    ArticleLoaded,
    EntryChosen,
    EntryHighlighted,
    FeedChosen,
    FeedHighlighted,
    FeedsDiscovered,
    FeedSubscribed,
    LanguagesLoaded,
    LinkOpened,
    RefreshFinished,
    RefreshProgressed,
    Row,
    SearchFinished,
    StoreFailed,
    StoreLoaded,
)
from tui_reader.ui.widgets.article_view import ArticleView
from tui_reader.ui.widgets.entry_list import EntryList
from tui_reader.ui.widgets.feed_list import ALL, STARRED, TAG_PREFIX, FeedItem, FeedList

if TYPE_CHECKING:
    from tui_reader.discover import FeedCandidate

Pane = Literal["feeds", "entries", "article"]
PANES: tuple[Pane, ...] = ("feeds", "entries", "article")
NARROW_BELOW = 100
UNTAGGED = "other"
SEARCH_LIMIT = 500
SEARCH_DELAY_S = 0.25
LANGUAGES_CHUNK = 500
LANGUAGES_DELAY_S = 1.0
# What counts as a word of a query, as the index's tokenizer splits text (letters and digits).
_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The words of a query or title as the index sees them: accents and case folded."""
    return _WORD.findall(fold(text))


def title_matches(words: list[str], title_words: tuple[str, ...]) -> bool:
    """The index's rule, for titles it does not hold: every word, the last one as a prefix
    (unless it is one character)."""
    *whole, last = words
    if not all(word in title_words for word in whole):
        return False
    if len(last) < MIN_PREFIX:
        return last in title_words
    return any(word.startswith(last) for word in title_words)


def normalize_language(value: str) -> str:
    """One language for "es-ES", "ES_es" and "es": the primary subtag, lower case."""
    primary = clean_line(value).strip().lower().replace("_", "-").split("-")[0]
    return "".join(c for c in primary if c.isascii() and c.isalnum())[:8]


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr to hand it.

    The tracker process is given `sys.stderr.fileno()`; inside a running Textual app stderr is
    a capture whose fileno is -1, so the fetch's process pool would fail to start ("bad value(s)
    in fds_to_keep"). The tracker's own warnings go to /dev/null, not over the screen.
    """
    from multiprocessing import resource_tracker

    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        resource_tracker.ensure_running()


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


class ReaderApp(App[int]):
    """A keyboard-driven reader over a `Store`; every store call runs in a worker thread."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-reader"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "go_back(True)", "Back/quit", id="back"),
        Binding("escape", "go_back(False)", "Back", show=False, id="back_escape"),
        Binding("tab", "next_pane", "Pane", show=False, priority=True, id="next_pane"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
        Binding("m", "toggle_read", "Read", show=False, id="toggle_read"),
        Binding("s", "toggle_star", "Star", id="toggle_star"),
        Binding("o", "open_in_browser", "Browser", id="open_in_browser"),
        Binding("y", "copy_url", "Copy URL", show=False, id="copy_url"),
        Binding("l", "link_prompt", "Link n", show=False, id="open_link"),
        *[
            Binding(str(d), f"link_digit({d})", f"Link {d}", show=False, id=f"open_link_{d}")
            for d in range(1, 10)
        ],
        Binding("slash", "search", "Search", id="search"),
        Binding("u", "toggle_unread_only", "Unread only", show=False, id="unread_only"),
        Binding("L", "cycle_language", "Language filter", show=False, id="language"),
        Binding("r", "refresh(False)", "Refresh", id="refresh"),
        Binding("R", "refresh(True)", "Refresh all", show=False, id="refresh_all"),
    ]

    def __init__(self, config: Config, store: Store) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.animation_level = "none"
        self.feeds: list[FeedConfig] = []
        self.states: dict[str, FeedState] = {}
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
        self.generation = -1
        self._search_token = 0
        self._search_timer: Timer | None = None
        self._before_search: str | None = None
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._reader_actions = {
            b.action.split("(")[0] for b in self.BINDINGS if isinstance(b, Binding)
        } - {"help"}
        self._title_words: dict[str, tuple[str, ...]] = {}
        self._languages_timer: Timer | None = None
        self._languages_loading = False
        self._after_languages: Callable[[], None] | None = None
        self._show_feed_after_load: str | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writes")
        self.feed_list: FeedList
        self.entry_list: EntryList
        self.article_view: ArticleView
        self.prompt: Input
        if config.reader.keys:
            self.set_keymap(dict(config.reader.keys))

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.feed_list = FeedList(id="feeds")
        self.entry_list = EntryList(id="entries")
        self.article_view = ArticleView(self.config.reader.measure, id="article")
        self.prompt = Input(id="prompt", classes="-hidden")
        yield Static("", id="title")
        with Horizontal(id="panes"):
            yield self.feed_list
            yield self.entry_list
            yield self.article_view
        yield self.prompt
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.entry_list.read = self.read
        self.entry_list.starred = self.starred
        self.entry_list.languages = self.languages
        self.article_view.clear("Press enter on an entry to read it.")
        self._apply_width(self.size.width)
        self.set_pane("entries")
        self.update_title()
        self.load_store(initial=True)
        self.set_interval(self.config.reader.poll_seconds, self.poll_store)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.narrow = width < NARROW_BELOW
        self.query_one("#panes").set_class(self.narrow, "-narrow")
        self.query_one("#panes").set_class(not self.narrow, "-wide")

    def set_pane(self, pane: Pane) -> None:
        self.pane = pane
        panes = self.query_one("#panes")
        for name in PANES:
            panes.set_class(name == pane, f"-pane-{name}")
        widget = {
            "feeds": self.feed_list,
            "entries": self.entry_list,
            "article": self.article_view,
        }[pane]
        if not self.prompt_mode:
            widget.focus()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        focused = self.focused
        for name, widget in (
            ("feeds", self.feed_list),
            ("entries", self.entry_list),
            ("article", self.article_view),
        ):
            if focused is widget and self.pane != name:
                self.set_pane(name)  # type: ignore[arg-type]

    # -- status and title -------------------------------------------------------------------

    def status(self, message: str) -> None:
        self.query_one("#status", Static).update(Text(clean_line(message)))

    def list_label(self) -> str:
        """What the entries list shows: "All", "Search: linux", "El Byte · es"."""
        if self.search_rows is not None:
            label = "Search: " + clean_line(self.search_shown)
        else:
            item = next((i for i in self.feed_list.items if i.key == self.feed_key), None)
            label = item.label if item else "All"
        if self.language:
            label += " · " + self.language
        return label

    def update_title(self) -> None:
        text = Text(" tui-reader", style="bold")
        text.append("  ")
        text.append(self.list_label(), style="yellow" if self.search_rows is not None else "")
        rows = self.entry_list.rows
        unread = sum(1 for r in rows if r[0] not in self.read)
        if self.loaded:
            noun = "results" if self.search_rows is not None else "entries"
            text.append(f"  {len(rows)} {noun}, {unread} unread", style="dim")
        if self.unread_only:
            text.append("  [unread only]", style="yellow")
        self.query_one("#title", Static).update(text)

    # -- loading ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_store(self, initial: bool = False) -> None:
        """Read feeds, rows and flags off the event loop; the result arrives as StoreLoaded."""
        try:
            generation = self.store.generation()
            feeds = effective_feeds(self.config, self.store)
            states = self.store.feed_states(f.url for f in feeds)
            rows_by_feed = {f.url: [r.as_tuple() for r in self.store.rows(f.url)] for f in feeds}
            all_rows = merge_rows(rows_by_feed.values())
            read = self.store.read_ids()
            starred = self.store.starred_ids()
            position = self.store.ui_position() if initial else {}
        except Exception as exc:  # a damaged store is shown, not raised into the UI
            self.post_message(StoreFailed(str(exc)))
            return
        self.post_message(
            StoreLoaded(
                feeds, states, rows_by_feed, all_rows, read, starred, generation, position, initial
            )
        )

    @on(StoreFailed)
    def store_failed(self, message: StoreFailed) -> None:
        self.entry_list.empty_message = "The store could not be read."
        self.entry_list.refresh()
        self.status(message.error)

    @on(StoreLoaded)
    def store_loaded(self, message: StoreLoaded) -> None:
        self.feeds = message.feeds
        self.states = message.states
        self.rows_by_feed = message.rows_by_feed
        self.all_rows = message.all_rows
        for row in message.all_rows:
            self.languages.setdefault(row[0], normalize_language(row[5]))
        # keep the same set objects: the entry list holds references to them
        self.read.clear()
        self.read.update(message.read)
        self.starred.clear()
        self.starred.update(message.starred)
        self.generation = max(self.generation, message.generation)
        keep_id = self.entry_list.current_id
        if message.initial:
            self.feed_key = str(message.position.get("feed", ALL))
            keep_id = message.position.get("entry") or None
            self.language = normalize_language(str(message.position.get("language", "")))
        self.loaded = True
        self.rebuild_feed_list()
        if not any(item.key == self.feed_key for item in self.feed_list.items):
            self.feed_key = ALL
        self.feed_list.set_items(self.feed_list.items, keep_key=self.feed_key)
        self.show_rows(keep_id=keep_id)
        if message.initial and not self.language:
            # not while the reader starts: the list comes first, its languages a moment later
            self._languages_timer = self.set_timer(LANGUAGES_DELAY_S, self.fill_languages)
        elif self._languages_timer is None:
            self.fill_languages()
        added, self._show_feed_after_load = self._show_feed_after_load, None
        if added is not None and any(item.key == added for item in self.feed_list.items):
            self.go_to_feed(added)
        if message.initial and not self.feeds:
            self.status(
                "No feeds yet: add one with `tui-reader add URL`, or try `tui-reader demo`."
            )

    def poll_store(self) -> None:
        """Timer: a cron fetch bumps the store's generation; then reload (in a worker)."""
        if self.refreshing or not self.loaded:
            return
        try:
            generation = self.store.generation()
        except Exception:
            return
        if generation != self.generation:
            self.generation = generation
            self.load_store()

    # -- feeds pane -------------------------------------------------------------------------

    def rebuild_feed_list(self) -> None:
        read = self.read
        counts = {
            url: sum(1 for r in rows if r[0] not in read) for url, rows in self.rows_by_feed.items()
        }
        items = [
            FeedItem(ALL, "All", "all", sum(1 for r in self.all_rows if r[0] not in read)),
            FeedItem(STARRED, "Starred", "starred", len(self.starred)),
        ]
        tags: dict[str, list[FeedConfig]] = {}
        for feed in self.feeds:
            for tag in feed.tags or (UNTAGGED,):
                tags.setdefault(tag, []).append(feed)
        only_untagged = list(tags) == [UNTAGGED]
        for tag, feeds in tags.items():
            if not only_untagged:
                unread_ids = {r[0] for f in feeds for r in self.rows_by_feed.get(f.url, ())}
                items.append(
                    FeedItem(
                        TAG_PREFIX + tag,
                        clean_line(tag),
                        "tag",
                        len(unread_ids - read),
                    )
                )
            for feed in feeds:
                state = self.states.get(feed.url)
                items.append(
                    FeedItem(
                        feed.url,
                        feed_label(feed, state),
                        "feed",
                        counts.get(feed.url, 0),
                        failed=state is not None and state.status in ("error", "gone"),
                    )
                )
        self.feed_list.items = items
        self.feed_list.update_size()
        self.feed_list.refresh()

    def feeds_for_key(self, key: str) -> list[FeedConfig]:
        if key.startswith(TAG_PREFIX):
            tag = key[len(TAG_PREFIX) :]
            return [f for f in self.feeds if tag in (f.tags or (UNTAGGED,))]
        if key in (ALL, STARRED):
            return list(self.feeds)
        return [f for f in self.feeds if f.url == key]

    def base_rows(self, key: str) -> list[Row]:
        if key == ALL:
            return self.all_rows
        if key == STARRED:
            return [r for r in self.all_rows if r[0] in self.starred]
        if key.startswith(TAG_PREFIX):
            return merge_rows(self.rows_by_feed.get(f.url, []) for f in self.feeds_for_key(key))
        return self.rows_by_feed.get(key, [])

    def show_rows(self, keep_id: str | None = None) -> None:
        """Put the current feed's rows (or the search results) in the entries list, filtered by
        language and unread; the cursor stays on keep_id."""
        rows = self.search_rows if self.search_rows is not None else self.base_rows(self.feed_key)
        if self.language:
            languages, wanted = self.languages, self.language
            rows = [r for r in rows if languages.get(r[0]) == wanted]
        waiting = self.language and (self._languages_loading or self._languages_timer)
        self.entry_list.empty_message = (
            "Reading languages…" if waiting else ("No entries here." if self.loaded else "Loading…")
        )
        if self.unread_only:
            rows = [r for r in rows if r[0] not in self.read or r[0] == keep_id]
        self.entry_list.set_rows(rows, keep_id=keep_id)
        self.update_title()

    @on(FeedHighlighted)
    def feed_highlighted(self, message: FeedHighlighted) -> None:
        if not self.loaded:
            return
        if self.search_rows is not None or self.search_query:
            self._drop_search()
        elif message.key == self.feed_key:
            return
        self.feed_key = message.key
        self.entry_list.cursor = 0
        self.show_rows()
        self.save_position()

    @on(FeedChosen)
    def feed_chosen(self, message: FeedChosen) -> None:
        self.feed_highlighted(FeedHighlighted(message.key))
        self.set_pane("entries")

    def go_to_feed(self, key: str) -> None:
        """Jump to a feed (from the command palette)."""
        self.feed_list.select_key(key)
        self.feed_highlighted(FeedHighlighted(key))
        self.set_pane("entries")

    # -- search ---------------------------------------------------------------------------

    def _search_index(self) -> SearchIndex:
        """The full-text index beside the store, opened once (from a worker thread)."""
        with self._index_lock:
            if self._index is None:
                self._index = SearchIndex.for_data_dir(self.store.data_dir)
            return self._index

    def start_search(self) -> None:
        """Run the search for the prompt's text now (in a worker); stale results are dropped."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        query = self.search_query.strip()
        self._search_token += 1
        if not query:
            return
        self.run_search(query, self._search_token)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, token: int) -> None:
        """Every stored article by title and extracted text (FTS5, ranked), then the titles of
        listed entries the index does not hold (fetched before it existed, or it is unusable)."""
        error = ""
        found: list[Row] = []
        seen: set[str] = set()
        by_id = {row[0]: row for row in self.all_rows}
        try:
            hits = self._search_index().search(query, limit=SEARCH_LIMIT)
        except Exception as exc:  # a damaged or locked index: say so, still match titles
            hits = []
            error = f"search index: {exc}"
        for hit in hits:
            row = by_id.get(hit.entry_id)
            if row is None:  # stored, but not in a subscribed feed's list any more
                entry = self.store.entry(hit.entry_id)
                if entry is None:
                    continue
                feed = entry.feeds[0] if entry.feeds else ""
                row = (
                    entry.id,
                    entry.published.timestamp(),
                    entry.title,
                    entry.site,
                    feed,
                    entry.language,
                )
            if row[0] not in seen:
                seen.add(row[0])
                found.append(row)
        words = search_words(query)
        if words:
            cache = self._title_words
            for row in self.all_rows:
                if row[0] in seen:
                    continue
                title_words = cache.get(row[0])
                if title_words is None:
                    title_words = cache[row[0]] = tuple(search_words(row[2]))
                if title_matches(words, title_words):
                    found.append(row)
        self.post_message(SearchFinished(query, found, token, error))

    @on(SearchFinished)
    def search_finished(self, message: SearchFinished) -> None:
        if message.token != self._search_token:
            return
        if self.search_rows is None:
            self._before_search = self.entry_list.current_id
        self.search_rows = message.rows
        self.search_shown = message.query
        self.show_rows(keep_id=message.rows[0][0] if message.rows else None)
        count = len(message.rows)
        summary = f"{count} result{'s' if count != 1 else ''} for “{message.query}”"
        if message.error:
            self.status(f"{summary}, by title only: {message.error}")
        else:
            self.status(f"{summary}; escape leaves the search.")
        if self._languages_timer is None and not self._languages_loading:
            self.fill_languages()  # results from feeds no longer listed

    def _drop_search(self) -> None:
        self.search_query = ""
        self.search_shown = ""
        self.search_rows = None
        self._search_token += 1
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    def leave_search(self) -> None:
        """Back from the results to the feed they were searched from, at the entry it was on."""
        keep_id = self._before_search if self.search_rows is not None else None
        self._drop_search()
        self.show_rows(keep_id=keep_id or self.entry_list.current_id)
        self.status("")

    def action_search(self) -> None:
        self.open_prompt("search", self.search_query)

    def open_prompt(self, mode: Literal["search", "link"], value: str = "") -> None:
        self.prompt_mode = mode
        prompt = self.prompt
        prompt.placeholder = (
            "search every article, titles and text"
            if mode == "search"
            else "link number, then enter"
        )
        prompt.value = value
        prompt.remove_class("-hidden")
        prompt.focus()
        prompt.cursor_position = len(value)

    def close_prompt(self) -> None:
        self.prompt_mode = ""
        self.prompt.add_class("-hidden")
        self.set_pane(self.pane)

    @on(Input.Changed, "#prompt")
    def prompt_changed(self, event: Input.Changed) -> None:
        """Results follow the typing, once it pauses."""
        if self.prompt_mode != "search" or event.value == self.search_query:
            return
        self.search_query = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        if event.value.strip():
            self._search_timer = self.set_timer(SEARCH_DELAY_S, self.start_search)
        else:
            self._search_timer = None
            self._search_token += 1
            if self.search_rows is not None:
                self.leave_search()

    @on(Input.Submitted, "#prompt")
    def prompt_submitted(self, event: Input.Submitted) -> None:
        mode = self.prompt_mode
        self.close_prompt()
        if mode == "link":
            value = event.value.strip()
            if value.isdigit():
                self.open_link(int(value))
            elif value:
                self.status(f"Not a link number: {value}")
        elif mode == "search":
            if not self.search_query.strip():
                self.leave_search()
            elif self._search_timer is not None or self.search_query != self.search_shown:
                self.start_search()
            if self.pane != "entries":
                self.set_pane("entries")

    # -- entries and the article ------------------------------------------------------------

    @on(EntryHighlighted)
    def entry_highlighted(self, message: EntryHighlighted) -> None:
        """Nothing to do per cursor move: only the two changed lines are redrawn."""

    @on(EntryChosen)
    def entry_chosen(self, message: EntryChosen) -> None:
        self.open_entry(message.entry_id)

    def open_entry(self, entry_id: str, *, focus: bool = True) -> None:
        self.load_article(entry_id)
        if entry_id not in self.read:
            self.set_read(entry_id, True)
        if focus:
            self.set_pane("article")
        self.save_position()

    @work(thread=True, exclusive=True, group="article")
    def load_article(self, entry_id: str) -> None:
        try:
            entry = self.store.entry(entry_id)
            article = self.store.article(entry_id)
        except Exception as exc:
            self.post_message(StoreFailed(str(exc)))
            return
        self.post_message(ArticleLoaded(entry_id, entry, article))

    @on(ArticleLoaded)
    def article_loaded(self, message: ArticleLoaded) -> None:
        if message.entry is None and message.article is None:
            self.article_view.clear("This entry is no longer in the store.")
            return
        sources = self.source_names(message.entry) if message.entry else []
        self.article_view.show(message.entry_id, message.entry, message.article, sources)

    def source_names(self, entry: Entry) -> list[str]:
        """Every feed that carried the story, by the name the feeds pane gives it."""
        by_url = {f.url: f for f in self.feeds}
        names: list[str] = []
        for url in entry.feeds:
            feed = by_url.get(url)
            if feed is not None:
                name = feed_label(feed, self.states.get(url))
            else:
                name = clean_line(urlsplit(url).netloc or url)
            if name and name not in names:
                names.append(name)
        return names

    def target_id(self) -> str | None:
        """The entry a key acts on: the open article in the article pane, else the cursor's."""
        if self.pane == "article" and self.article_view.entry_id:
            return self.article_view.entry_id
        return self.entry_list.current_id

    def set_read(self, entry_id: str, read: bool) -> None:
        if read:
            self.read.add(entry_id)
        else:
            self.read.discard(entry_id)
        self.write(self.store.set_read, [entry_id], read)
        self.after_flags_changed()

    def after_flags_changed(self) -> None:
        self.entry_list.refresh()
        self.rebuild_feed_list()
        self.update_title()

    def action_toggle_read(self) -> None:
        entry_id = self.target_id()
        if entry_id is not None:
            self.set_read(entry_id, entry_id not in self.read)

    def action_toggle_star(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        starred = entry_id not in self.starred
        if starred:
            self.starred.add(entry_id)
        else:
            self.starred.discard(entry_id)
        self.write(self.store.set_starred, entry_id, starred)
        self.status("Starred." if starred else "Unstarred.")
        self.after_flags_changed()

    def _find_unread(self, step: int) -> int | None:
        rows = self.entry_list.rows
        index = self.entry_list.cursor + step
        while 0 <= index < len(rows):
            if rows[index][0] not in self.read:
                return index
            index += step
        return None

    def _move_to_unread(self, step: int) -> None:
        index = self._find_unread(step)
        if index is None:
            self.status("No more unread entries.")
            return
        self.entry_list.move_cursor(index)
        if self.pane == "article":
            entry_id = self.entry_list.current_id
            if entry_id is not None:
                self.open_entry(entry_id)

    def action_next_unread(self) -> None:
        self._move_to_unread(1)

    def action_previous_unread(self) -> None:
        self._move_to_unread(-1)

    def action_toggle_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.show_rows(keep_id=self.entry_list.current_id)
        self.status("Showing unread entries only." if self.unread_only else "Showing all entries.")

    # -- languages --------------------------------------------------------------------------

    def fill_languages(self) -> None:
        """Read the languages of the listed entries not seen yet (in a worker)."""
        if self._languages_timer is not None:
            self._languages_timer.stop()
            self._languages_timer = None
        rows = self.all_rows + (self.search_rows or [])
        missing = list(dict.fromkeys(r[0] for r in rows if r[0] not in self.languages))
        if missing:
            self._languages_loading = True
            self.load_languages(missing)

    @work(thread=True, exclusive=True, group="languages")
    def load_languages(self, entry_ids: list[str]) -> None:
        """Each entry's language, read once per entry whose index row does not carry it."""
        worker = get_current_worker()
        found: dict[str, str] = {}
        for n, entry_id in enumerate(entry_ids, 1):
            if worker.is_cancelled:
                return
            try:
                entry = self.store.entry(entry_id)
            except Exception:
                continue
            found[entry_id] = normalize_language(entry.language) if entry else ""
            if n % LANGUAGES_CHUNK == 0:
                time.sleep(0)  # let the event loop have the GIL between chunks
        self.post_message(LanguagesLoaded(found))

    @on(LanguagesLoaded)
    def languages_loaded(self, message: LanguagesLoaded) -> None:
        self.languages.update(message.languages)
        self._languages_loading = False
        if self.language:
            self.show_rows(keep_id=self.entry_list.current_id)
        else:
            self.entry_list.refresh()
        then, self._after_languages = self._after_languages, None
        if then is not None:
            then()

    def language_counts(self) -> Counter[str]:
        """How many listed entries are in each known language."""
        languages = self.languages
        counts = Counter(languages.get(r[0], "") for r in self.all_rows)
        counts.pop("", None)
        return counts

    def _languages_known(self, then: Callable[[], None]) -> bool:
        """Whether every listed entry's language has been read; if not, read them now and call
        `then` once they are."""
        if self._languages_timer is not None:
            self.fill_languages()
        if self._languages_loading:
            self._after_languages = then
            self.status("Reading each entry's language…")
            return False
        return True

    def set_language(self, language: str) -> None:
        self.language = normalize_language(language)
        if self.language and self._languages_timer is not None:
            self.fill_languages()
        self.show_rows(keep_id=self.entry_list.current_id)
        self.save_position()
        self.status(f"Language: {self.language or 'all'}")

    def action_cycle_language(self) -> None:
        if not self._languages_known(self.action_cycle_language):
            return
        choices = ["", *sorted(self.language_counts())]
        index = choices.index(self.language) if self.language in choices else 0
        self.set_language(choices[(index + 1) % len(choices)])

    def choose_language(self) -> None:
        """The palette's "Filter by language…": all, then each language present."""
        if not self._languages_known(self.choose_language):
            return
        counts = self.language_counts()
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("all", partial(self.set_language, ""), f"{len(self.all_rows)} entries")
        ]
        commands.extend(
            (language, partial(self.set_language, language), f"{count} entries")
            for language, count in sorted(counts.items())
        )
        self.search_commands(commands, placeholder="Filter by language…")

    # -- links and the browser --------------------------------------------------------------

    def with_entry(self, callback: Callable[[Entry], None]) -> None:
        """Call `callback` with the target entry, read from the store in a worker if needed."""
        entry_id = self.target_id()
        if entry_id is None:
            return
        if self.article_view.entry_id == entry_id and self.article_view.entry is not None:
            callback(self.article_view.entry)
            return
        self._entry_then(entry_id, callback)

    @work(thread=True, group="entry")
    def _entry_then(self, entry_id: str, callback: Callable[[Entry], None]) -> None:
        entry = self.store.entry(entry_id)
        if entry is not None:
            self.call_from_thread(callback, entry)

    def action_open_in_browser(self) -> None:
        self.with_entry(lambda entry: self.open_url(entry.url))

    def action_copy_url(self) -> None:
        def copy(entry: Entry) -> None:
            self.copy_to_clipboard(entry.url)
            self.status(f"Copied {entry.url}")

        self.with_entry(copy)

    def _article_shown(self) -> bool:
        return self.article_view.entry_id is not None and (
            not self.narrow or self.pane == "article"
        )

    def action_link_prompt(self) -> None:
        if self._article_shown():
            self.open_prompt("link")

    def action_link_digit(self, digit: int) -> None:
        if not self._article_shown():
            return
        article = self.article_view.article
        count = len(article.links) if article else 0
        if digit * 10 > count:  # no second digit can make a valid number: open now
            self.open_link(digit)
        else:
            self.open_prompt("link", str(digit))

    def open_link(self, number: int) -> None:
        article = self.article_view.article
        hrefs = {link.number: link.href for link in article.links} if article else {}
        url = hrefs.get(number)
        if url is None:
            self.status(f"No link {number} in this article.")
            return
        self.open_url(url)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Only http(s) is opened, in a thread; over SSH or without a browser: show and copy."""
        url = url.strip()
        if not is_safe_url(url):
            self.status(f"Not opening a non-web link: {url[:60]}")
            return
        if browser.browser_available():
            self.status(f"Opening {url}")
            self._launch(url)
        else:
            self.copy_to_clipboard(url)
            self.status(f"{url} (copied)")
            self.post_message(LinkOpened(url, launched=False))

    @work(thread=True, group="browser")
    def _launch(self, url: str) -> None:
        launched = browser.launch(url)
        if not launched:
            self.call_from_thread(self.copy_to_clipboard, url)
            self.call_from_thread(self.status, f"No browser: {url} (copied)")
        self.post_message(LinkOpened(url, launched=launched))

    # -- refresh ----------------------------------------------------------------------------

    def action_refresh(self, everything: bool) -> None:
        feeds = list(self.feeds) if everything else self.feeds_for_key(self.feed_key)
        self.start_refresh(feeds)

    def start_refresh(self, feeds: list[FeedConfig]) -> None:
        if self.refreshing:
            self.status("A refresh is already running.")
            return
        if not feeds:
            self.status("No feeds to refresh.")
            return
        self.refreshing = True
        self.status(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}…")
        self.refresh_feeds(feeds)

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_feeds(self, feeds: list[FeedConfig]) -> None:
        try:
            from tui_reader.pipeline import run_update  # type: ignore[import-untyped,import-not-found,unused-ignore]
        except ImportError:
            self.post_message(RefreshFinished(None, "refresh is not available (no pipeline)"))
            return
        try:
            start_resource_tracker()
        except Exception as exc:
            self.post_message(RefreshFinished(None, f"refresh failed: {exc}"))
            return
        done = 0
        total = len(feeds)

        def progress(result: Any) -> None:
            nonlocal done
            done += 1
            self.post_message(RefreshProgressed(result, done, total))

        try:
            with self.store.fetch_lock():  # a cron fetch and the reader never fetch at once
                summary = run_update(
                    self.config,
                    self.store,
                    feeds=feeds,
                    fulltext=True,
                    progress=progress,
                    force=True,
                )
        except StoreLocked:
            self.post_message(RefreshFinished(None, "another fetch is running; try again soon"))
            return
        except Exception as exc:
            self.post_message(RefreshFinished(None, f"refresh failed: {exc}"))
            return
        self.post_message(RefreshFinished(summary))

    @on(RefreshProgressed)
    def refresh_progressed(self, message: RefreshProgressed) -> None:
        result = message.result
        name = next((feed_label(f, None) for f in self.feeds if f.url == result.feed), result.feed)
        self.status(f"Refreshing {message.done}/{message.total}: {name} {result.outcome}")

    @on(RefreshFinished)
    def refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        if message.summary is None:
            self.status(message.error)
        else:
            self.status(message.summary.line())
        self.load_store()

    def mark_all_read(self) -> None:
        ids = [r[0] for r in self.entry_list.rows if r[0] not in self.read]
        self.read.update(ids)
        if ids:
            self.write(self.store.set_read, ids, True)
        self.status(f"Marked {len(ids)} entries read.")
        self.after_flags_changed()

    # -- adding a feed ----------------------------------------------------------------------

    def action_add_feed(self) -> None:
        from tui_reader.ui.screens.add_feed import AddFeedScreen

        self.push_screen(AddFeedScreen(), callback=self._feed_url_given)

    def _feed_url_given(self, url: str | None) -> None:
        if url:
            self.status(f"Looking for feeds at {url}…")
            self.discover(url)

    @work(thread=True, exclusive=True, group="discover")
    def discover(self, url: str) -> None:
        from tui_reader.discover import DiscoveryError, discover_feeds

        try:
            candidates = discover_feeds(url, self.config.fetch)
        except DiscoveryError as exc:
            self.post_message(FeedsDiscovered(url, [], str(exc)))
            return
        except Exception as exc:
            self.post_message(FeedsDiscovered(url, [], f"discovery failed: {exc}"))
            return
        self.post_message(FeedsDiscovered(url, candidates))

    @on(FeedsDiscovered)
    def feeds_discovered(self, message: FeedsDiscovered) -> None:
        if message.error or not message.candidates:
            self.status(message.error or f"No feed found at {message.url}")
            return
        if len(message.candidates) == 1:
            self.subscribe(message.candidates[0])
            return
        from tui_reader.ui.screens.add_feed import PickFeedScreen

        self.status(f"{len(message.candidates)} feeds found: pick one.")
        self.push_screen(PickFeedScreen(message.url, message.candidates), callback=self.subscribe)

    def subscribe(self, candidate: FeedCandidate | None) -> None:
        if candidate is None:
            self.status("No feed added.")
            return
        if any(f.url == candidate.url for f in self.feeds):
            self.status(f"Already subscribed to {clean_line(candidate.title or candidate.url)}.")
            self.go_to_feed(candidate.url)
            return
        self.save_subscription(FeedConfig(url=candidate.url, title=candidate.title))

    @work(thread=True, group="subscribe")
    def save_subscription(self, feed: FeedConfig) -> None:
        try:
            subs = self.store.subscriptions()
            if not any(sub.get("url") == feed.url for sub in subs):
                self.store.set_subscriptions([*subs, feed_to_dict(feed)])
        except Exception as exc:
            self.post_message(FeedSubscribed(feed, str(exc)))
            return
        self.post_message(FeedSubscribed(feed))

    @on(FeedSubscribed)
    def feed_subscribed(self, message: FeedSubscribed) -> None:
        name = feed_label(message.feed, None)
        if message.error:
            self.status(f"Could not add {name}: {message.error}")
            return
        self._show_feed_after_load = message.feed.url
        self.load_store()
        if self.refreshing:
            self.status(f"Added {name}; fetch it with r once this refresh ends.")
            return
        self.start_refresh([message.feed])
        self.status(f"Added {name}; fetching it…")

    # -- panes and back ---------------------------------------------------------------------

    def action_next_pane(self) -> None:
        if self.prompt_mode:
            return
        self.set_pane(PANES[(PANES.index(self.pane) + 1) % len(PANES)])

    def action_go_back(self, may_quit: bool) -> None:
        if self.prompt_mode:
            if self.prompt_mode == "search":
                self.leave_search()
            self.close_prompt()
            return
        if self.pane == "article":
            self.set_pane("entries")
        elif self.pane == "entries":
            if self.search_rows is not None or self.search_query:
                self.leave_search()
                return
            self.set_pane("feeds")
        elif may_quit:
            self.exit(0)

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if len(self.screen_stack) > 1 and action in self._reader_actions:
            return False  # a dialog is open: its keys are its own, not the panes' below it
        if action in ("link_digit", "link_prompt"):
            return self._article_shown()
        return True

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

    async def on_unmount(self) -> None:
        self._writer.shutdown(wait=True)
        if self._index is not None:
            with contextlib.suppress(Exception):
                self._index.close()


def make_app(config: Config, store: Store) -> ReaderApp:
    """The one factory the CLI and the tests use."""
    return ReaderApp(config, store)
