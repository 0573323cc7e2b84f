"""The reader's panes. Lists: feeds | entries (one pane at a time below 100 columns). Reading:
the article gets up to `measure` columns, centred or left, and the panes it leaves no room for
fold away until `q` (see `apply_layout`).

`ReaderPanes` owns the `ReaderState` (ui/state.py), the panes, the prompt and one of each flow
(ui/flows/), and shows the state: the lists, the title, the open article. `ReaderScreen`
(ui/screens/reader.py) adds the keys and the handlers of the flows' messages."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_reader.config import Config
from tui_reader.sanitize import clean_line
from tui_reader.store import Store
from tui_reader.ui import listing
from tui_reader.ui.bindings import ARTICLE_ACTIONS
from tui_reader.ui.browser import Browser
from tui_reader.ui.flows.article import ArticleFlow
from tui_reader.ui.flows.base import ReaderContext
from tui_reader.ui.flows.languages import LanguagesFlow
from tui_reader.ui.flows.links import LinksFlow
from tui_reader.ui.flows.loading import LoadingFlow
from tui_reader.ui.flows.refresh import RefreshFlow
from tui_reader.ui.flows.search import SearchFlow
from tui_reader.ui.flows.subscribe import SubscribeFlow
from tui_reader.ui.messages import ArticleLoaded, FeedChosen, FeedHighlighted, StoreFailed
from tui_reader.ui.state import PANES, Pane
from tui_reader.ui.updates import Updater
from tui_reader.ui.widgets.article_view import ArticleView
from tui_reader.ui.widgets.entry_list import EntryList
from tui_reader.ui.widgets.feed_list import FeedList
from tui_reader.ui.widgets.key_bar import KeyBar
from tui_reader.ui.writer import StoreWriter

NARROW_BELOW = 100
ARTICLE_CHROME = 4  # the article pane's left border, padding (2) and scrollbar
READABLE_LIST = 40  # an entries list narrower than this beside the article folds away


class ReaderPanes(Screen[None]):
    """The reader's state and panes, and the flows that fill them (every store call runs in a
    worker thread)."""

    AUTO_FOCUS = "#entries"  # where set_pane puts it: one focus change at start-up, not two

    def __init__(self, config: Config, store: Store, updater: Updater, browser: Browser) -> None:
        super().__init__()
        writer = StoreWriter(self._write_failed)
        self.context = ReaderContext(config, store, updater, browser, writer)
        self.config, self.store, self.writer = config, store, writer
        self.state = self.context.state
        self.state.unread_only = config.reader.unread_only
        self.loader = LoadingFlow(self.context)
        self.languages = LanguagesFlow(self.context)
        self.search = SearchFlow(self.context)
        self.refresher = RefreshFlow(self.context)
        self.links = LinksFlow(self.context)
        self.subscriber = SubscribeFlow(self.context)
        self.article = ArticleFlow(self.context)
        self._show_feed_after_load: str | None = None
        self.feed_list = FeedList(id="feeds")
        self.entry_list = EntryList(id="entries")
        self.article_view = ArticleView(config.reader.measure, config.reader.align, id="article")
        self.prompt = Input(id="prompt", classes="-hidden")

    def _write_failed(self, error: str) -> None:
        self.post_message(StoreFailed(error))

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with Horizontal(id="panes"):
            yield self.feed_list
            yield self.entry_list
            yield self.article_view
        yield self.prompt
        yield Static("", id="status")
        yield KeyBar(id="keys")
        yield from (self.loader, self.languages, self.search, self.refresher)
        yield from (self.links, self.subscriber, self.article)

    def on_mount(self) -> None:
        state, entry_list = self.state, self.entry_list
        entry_list.read, entry_list.starred = state.read, state.starred
        entry_list.languages = state.languages
        entry_list.feed_name = lambda url: listing.feed_name(state, url)
        entry_list.repair_title = self.context.glossary.repair_title
        self.article_view.clear("Press enter on an entry to read it.")
        self.feed_list.border_title = "Feeds"
        self.set_pane("entries")
        self.update_title()
        self.loader.load(initial=True)
        self.set_interval(self.config.reader.poll_seconds, self.loader.poll)

    def on_resize(self, event: Resize) -> None:
        self.apply_layout(event.size.width)

    def apply_layout(self, width: int | None = None) -> None:
        """Lists: feeds | entries (one at a time when narrow). Reading: the article gets up to
        `measure` columns (plus its border, padding and scrollbar); the entries list stays
        beside it only when that leaves it READABLE_LIST columns."""
        width = self.app.size.width if width is None else width
        narrow = self.state.narrow = width < NARROW_BELOW
        panes = self.query_one("#panes")
        reading = self.state.pane == "article"
        article_width = self.config.reader.measure + ARTICLE_CHROME
        beside = reading and width - article_width >= READABLE_LIST
        panes.set_class(narrow, "-narrow")
        panes.set_class(not narrow, "-wide")
        panes.set_class(reading, "-reading")
        panes.set_class(beside, "-beside")
        self.article_view.styles.width = article_width if beside else "1fr"

    def set_pane(self, pane: Pane) -> None:
        self.state.pane = pane
        panes = self.query_one("#panes")
        for name in PANES:
            panes.set_class(name == pane, f"-pane-{name}")
        self.apply_layout()
        widget = self.pane_widget(pane)
        if not self.state.prompt_mode and self.focused is not widget:
            widget.focus()  # the focus change refreshes the footer's keys (once, not twice)
        else:
            self.refresh_bindings()  # the pane decides which keys mean something

    def pane_widget(self, pane: Pane) -> Widget:
        panes: dict[Pane, Widget] = {
            "feeds": self.feed_list,
            "entries": self.entry_list,
            "article": self.article_view,
        }
        return panes[pane]

    def on_descendant_focus(self) -> None:
        focused = self.focused
        for name in PANES:
            if focused is self.pane_widget(name) and self.state.pane != name:
                self.set_pane(name)

    def say(self, message: str) -> None:
        self.query_one("#status", Static).update(Text(clean_line(message)))

    def update_title(self) -> None:
        label = listing.list_label(self.state, self.feed_list.items)
        text = listing.title_text(self.state, label, self.entry_list.rows)
        self.query_one("#title", Static).update(text)
        self.entry_list.border_title = label

    # -- what the lists show ----------------------------------------------------------------

    def show_rows(self, keep_id: str | None = None) -> None:
        """Put the current feed's rows (or the search results) in the entries list, filtered by
        language and unread; the cursor stays on keep_id."""
        state = self.state
        waiting = state.language and self.languages.pending()
        empty = "Reading languages…" if waiting else listing.empty_message(state)
        self.entry_list.empty_message = empty
        self.entry_list.mixed = listing.mixed_feeds(state)
        self.entry_list.set_rows(listing.shown_rows(state, keep_id), keep_id=keep_id)
        self.update_title()

    def rebuild_feed_list(self) -> None:
        self.feed_list.items = listing.feed_items(self.state)
        self.feed_list.update_size()
        self.feed_list.refresh()

    def after_flags_changed(self) -> None:
        self.entry_list.refresh()
        self.rebuild_feed_list()
        self.update_title()

    def save_position(self) -> None:
        position = {
            "feed": self.state.feed_key,
            "entry": self.entry_list.current_id or "",
            "language": self.state.language,
        }
        self.writer.write(self.store.set_ui_position, position)

    # -- choosing a feed --------------------------------------------------------------------

    def choose_feed(self, key: str) -> None:
        """List the feed `key`'s entries (leaving a search); nothing if it is already listed."""
        state = self.state
        if not state.loaded:
            return
        if state.search.active:
            self.search.drop()
        elif key == state.feed_key:
            return
        state.feed_key = key
        self.entry_list.cursor = 0
        self.show_rows()
        self.save_position()
        error = listing.failure(state, key)
        if error:
            self.say(f"{listing.feed_name(state, key)}: last fetch failed: {error}")

    @on(FeedHighlighted)
    def feed_highlighted(self, message: FeedHighlighted) -> None:
        self.choose_feed(message.key)

    @on(FeedChosen)
    def feed_chosen(self, message: FeedChosen) -> None:
        self.choose_feed(message.key)
        self.set_pane("entries")

    def go_to_feed(self, key: str) -> None:
        """Jump to a feed (the palette, `n`): the feeds pane's cursor moves without posting
        FeedHighlighted, so the feed is chosen once, here."""
        self.feed_list.select_key(key)
        self.choose_feed(key)
        self.set_pane("entries")

    # -- the prompt (search, link number) ---------------------------------------------------

    def open_prompt(self, mode: Literal["search", "link"], value: str = "") -> None:
        self.state.prompt_mode = mode
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
        self.state.prompt_mode = ""
        self.prompt.add_class("-hidden")
        self.set_pane(self.state.pane)

    @on(Input.Changed, "#prompt")
    def prompt_changed(self, event: Input.Changed) -> None:
        """Search results follow the typing, once it pauses."""
        if self.state.prompt_mode != "search":
            return
        if not self.search.typed(event.value) and self.state.search.rows is not None:
            self.leave_search()

    @on(Input.Submitted, "#prompt")
    def prompt_submitted(self, event: Input.Submitted) -> None:
        mode = self.state.prompt_mode
        self.close_prompt()
        if mode == "link":
            self.submit_link(event.value)
        elif mode == "search":
            search = self.state.search
            if not search.query.strip():
                self.leave_search()
            elif self.search.pending() or search.query != search.shown:
                self.search.start()
            if self.state.pane != "entries":
                self.set_pane("entries")

    def leave_search(self) -> None:
        """Back from the results to the feed they were searched from, at the entry it was on."""
        search = self.state.search
        keep_id = search.before if search.rows is not None else None
        self.search.drop()
        self.show_rows(keep_id=keep_id or self.entry_list.current_id)
        self.say("")

    # -- panes, back, the overlays ----------------------------------------------------------

    def action_next_pane(self) -> None:
        if self.state.prompt_mode:
            return
        panes = [p for p in PANES if p != "article" or self.article_view.entry_id is not None]
        pane = self.state.pane
        index = panes.index(pane) if pane in panes else -1
        self.set_pane(panes[(index + 1) % len(panes)])

    def action_go_back(self, may_quit: bool) -> None:
        state = self.state
        if state.prompt_mode:
            if state.prompt_mode == "search":
                self.leave_search()
            self.close_prompt()
        elif state.pane == "article":
            self.set_pane("entries")
        elif state.pane == "entries":
            if state.search.active:
                self.leave_search()
            else:
                self.set_pane("feeds")
        elif may_quit:
            self.app.exit(0)

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_show_info(self) -> None:
        """`i`: what the header leaves out (full title and URL, via, feeds, where the text
        came from, the original, repaired names)."""
        from tui_reader.ui.screens.info import InfoScreen

        if self.article_view.entry_id is not None:
            self.app.push_screen(InfoScreen(self.article_view))

    def action_toggle_published(self) -> None:
        view = self.article_view
        if not view.toggle_published():
            self.say("Nothing repaired here: this is the text as published.")
        elif view.published:
            self.say("The text exactly as published (t: repaired names).")
        else:
            self.say("Brand names repaired where machine translation rendered them as words.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.app.screen is not self and action != "help":
            return False  # a dialog is open: its keys are its own, not the panes' below it
        if action in ARTICLE_ACTIONS:
            return self.article_shown()
        return True

    # -- the article ------------------------------------------------------------------------

    def open_entry(self, entry_id: str, *, focus: bool = True) -> None:
        """Read the entry's article (in the article flow's worker), mark it read, show it."""
        self.article.load(entry_id)
        if entry_id not in self.state.read:
            self.set_read(entry_id, True)
        if focus:
            self.set_pane("article")
        self.save_position()

    def set_read(self, entry_id: str, read: bool) -> None:
        if read:
            self.state.read.add(entry_id)
        else:
            self.state.read.discard(entry_id)
        self.writer.write(self.store.set_read, [entry_id], read)
        self.after_flags_changed()

    def show_article(self, message: ArticleLoaded) -> None:
        if message.entry is None and message.article is None:
            self.article_view.clear("This entry is no longer in the store.")
            return
        sources: list[str] = []
        for url in message.entry.feeds if message.entry else ():
            name = listing.feed_name(self.state, url)  # every feed that carried the story
            if name and name not in sources:
                sources.append(name)
        self.article_view.show(
            message.entry_id,
            message.entry,
            message.article,
            sources,
            repaired=message.repaired,
            original=message.original,
        )
        self.refresh_bindings()  # the link keys and `O` mean something now

    def target_id(self) -> str | None:
        """The entry a key acts on: the open article in the article pane, else the cursor's."""
        if self.state.pane == "article" and self.article_view.entry_id:
            return self.article_view.entry_id
        return self.entry_list.current_id

    def article_shown(self) -> bool:
        """Whether an article is on screen, so its link numbers mean something."""
        return self.article_view.entry_id is not None and self.state.pane == "article"

    def submit_link(self, value: str) -> None:
        """Enter in the link prompt."""
        value = value.strip()
        if value.isdigit():
            self.links.open_link(self.article_view.article, int(value))
        elif value:
            self.say(f"Not a link number: {value}")

    async def on_unmount(self) -> None:
        self.writer.shutdown()
        self.store.close_search_index()
