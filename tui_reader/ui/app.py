"""The reader app. Lists: feeds | entries (one pane at a time below 100 columns). Reading: the
article gets up to `measure` columns, centred or left, and the panes it leaves no room for fold
away until `q` (see `apply_layout`).

`ReaderApp` is composed here (layout, key bindings, panes, the prompt, the title) from one
class per flow, each over the shared state of `ReaderBase` (ui/base.py):

- `LoadingMixin` (ui/loading.py): reading the store in a worker, the feeds pane, the rows shown
- `SearchMixin` (ui/search.py): the search worker and its results
- `LanguagesMixin` (ui/languages.py): entries' languages and the language filter
- `EntriesMixin` (ui/entries.py): opening entries, read/starred flags, next/previous unread
- `LinksMixin` (ui/links.py): opening and copying links
- `RefreshMixin` (ui/refresh.py): fetching feeds from the reader
- `SubscribeMixin` (ui/subscribe.py): adding a feed
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import Footer, Input, Static

from tui_reader.config import Config
from tui_reader.sanitize import clean_line
from tui_reader.store import Store
from tui_reader.ui.base import PANES, Pane
from tui_reader.ui.commands import ReaderCommands
from tui_reader.ui.entries import EntriesMixin
from tui_reader.ui.languages import LanguagesMixin
from tui_reader.ui.links import LinksMixin
from tui_reader.ui.loading import LoadingMixin
from tui_reader.ui.messages import FeedChosen, FeedHighlighted
from tui_reader.ui.refresh import RefreshMixin
from tui_reader.ui.search import SearchMixin
from tui_reader.ui.subscribe import SubscribeMixin
from tui_reader.ui.widgets.article_view import ArticleView
from tui_reader.ui.widgets.entry_list import EntryList
from tui_reader.ui.widgets.feed_list import FeedList

NARROW_BELOW = 100
ARTICLE_CHROME = 4  # the article pane's left border, padding (2) and scrollbar
READABLE_LIST = 40  # an entries list narrower than this beside the article folds away


class ReaderApp(
    LoadingMixin,
    SearchMixin,
    LanguagesMixin,
    EntriesMixin,
    LinksMixin,
    RefreshMixin,
    SubscribeMixin,
):
    """A keyboard-driven reader over a `Store`; every store call runs in a worker thread."""

    CSS_PATH = "app.tcss"
    TITLE = "tui-reader"
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "go_back(True)", "Back/quit", id="back"),
        Binding("escape", "go_back(False)", "Back", show=False, id="back_escape"),
        Binding("tab", "next_pane", "Pane", show=False, priority=True, id="next_pane"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("l", "link_prompt", "Link n", show=False, id="open_link"),
        *[
            Binding(
                str(d),
                f"link_digit({d})",
                "Link" if d == 1 else f"Link {d}",
                show=d == 1,
                key_display="1-9" if d == 1 else None,
                id=f"open_link_{d}",
            )
            for d in range(1, 10)
        ],
        Binding("n", "next_unread", "Next unread", show=False, id="next_unread"),
        Binding("p", "previous_unread", "Prev unread", show=False, id="previous_unread"),
        Binding("m", "toggle_read", "Read", show=False, id="toggle_read"),
        Binding("s", "toggle_star", "Star", id="toggle_star"),
        Binding("o", "open_in_browser", "Browser", id="open_in_browser"),
        Binding("y", "copy_url", "Copy URL", show=False, id="copy_url"),
        Binding("O", "open_original", "Open original", show=False, id="open_original"),
        Binding("Y", "copy_original", "Copy original", show=False, id="copy_original"),
        Binding("slash", "search", "Search", id="search"),
        Binding("u", "toggle_unread_only", "Unread only", show=False, id="unread_only"),
        Binding("L", "cycle_language", "Language filter", show=False, id="language"),
        Binding("r", "refresh(False)", "Refresh", id="refresh"),
        Binding("R", "refresh(True)", "Refresh all", show=False, id="refresh_all"),
    ]

    def __init__(self, config: Config, store: Store) -> None:
        super().__init__(config, store)
        self.animation_level = "none"
        self._reader_actions = {
            b.action.split("(")[0] for b in self.BINDINGS if isinstance(b, Binding)
        } - {"help"}
        if config.reader.keys:
            self.set_keymap(dict(config.reader.keys))

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.feed_list = FeedList(id="feeds")
        self.entry_list = EntryList(id="entries")
        reader = self.config.reader
        self.article_view = ArticleView(reader.measure, reader.align, id="article")
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
        self.entry_list.feed_name = self.feed_name
        self.entry_list.repair_title = self.repair_title
        self.article_view.clear("Press enter on an entry to read it.")
        self.feed_list.border_title = "Feeds"
        self.set_pane("entries")
        self.update_title()
        self.load_store(initial=True)
        self.set_interval(self.config.reader.poll_seconds, self.poll_store)

    def on_resize(self, event: Resize) -> None:
        self.apply_layout(event.size.width)

    def apply_layout(self, width: int | None = None) -> None:
        """Lists: feeds | entries (one at a time when narrow). Reading: the article gets up to
        `measure` columns (plus its border, padding and scrollbar); the entries list stays
        beside it only when that leaves it READABLE_LIST columns."""
        width = self.size.width if width is None else width
        self.narrow = width < NARROW_BELOW
        panes = self.query_one("#panes")
        reading = self.pane == "article"
        article_width = self.config.reader.measure + ARTICLE_CHROME
        beside = reading and width - article_width >= READABLE_LIST
        panes.set_class(self.narrow, "-narrow")
        panes.set_class(not self.narrow, "-wide")
        panes.set_class(reading, "-reading")
        panes.set_class(beside, "-beside")
        self.article_view.styles.width = article_width if beside else "1fr"

    def set_pane(self, pane: Pane) -> None:
        self.pane = pane
        panes = self.query_one("#panes")
        for name in PANES:
            panes.set_class(name == pane, f"-pane-{name}")
        self.apply_layout()
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

    # -- title ------------------------------------------------------------------------------

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
        self.entry_list.border_title = self.list_label()

    # -- choosing a feed --------------------------------------------------------------------

    def choose_feed(self, key: str) -> None:
        """List the feed `key`'s entries (leaving a search); nothing if it is already listed."""
        if not self.loaded:
            return
        if self.search_rows is not None or self.search_query:
            self.drop_search()
        elif key == self.feed_key:
            return
        self.feed_key = key
        self.entry_list.cursor = 0
        self.show_rows()
        self.save_position()
        state = self.states.get(key)
        if state is not None and state.status in ("error", "gone") and state.error:
            self.status(f"{self.feed_name(key)}: last fetch failed: {state.error}")

    @on(FeedHighlighted)
    def feed_highlighted(self, message: FeedHighlighted) -> None:
        self.choose_feed(message.key)

    @on(FeedChosen)
    def feed_chosen(self, message: FeedChosen) -> None:
        self.choose_feed(message.key)
        self.set_pane("entries")

    def go_to_feed(self, key: str) -> None:
        """Jump to a feed (from the command palette): the feeds pane's cursor moves without
        posting FeedHighlighted, so the feed is chosen once, here."""
        self.feed_list.select_key(key)
        self.choose_feed(key)
        self.set_pane("entries")

    # -- the prompt (search, link number) ---------------------------------------------------

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

    @on(Input.Submitted, "#prompt")
    def prompt_submitted(self, event: Input.Submitted) -> None:
        mode = self.prompt_mode
        self.close_prompt()
        if mode == "link":
            self.submit_link(event.value)
        elif mode == "search":
            self.submit_search()
            if self.pane != "entries":
                self.set_pane("entries")

    # -- panes and back ---------------------------------------------------------------------

    def action_next_pane(self) -> None:
        if self.prompt_mode:
            return
        panes = [p for p in PANES if p != "article" or self.article_view.entry_id is not None]
        index = panes.index(self.pane) if self.pane in panes else -1
        self.set_pane(panes[(index + 1) % len(panes)])

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

    def action_show_info(self) -> None:
        """`i`: what the header leaves out (full title and URL, via, feeds, where the text
        came from, the original, repaired names)."""
        from tui_reader.ui.screens.info import InfoScreen

        if self.article_view.entry_id is not None:
            self.push_screen(InfoScreen(self.article_view))

    def action_toggle_published(self) -> None:
        view = self.article_view
        if not view.toggle_published():
            self.status("Nothing repaired here: this is the text as published.")
        elif view.published:
            self.status("The text exactly as published (t: repaired names).")
        else:
            self.status("Brand names repaired where machine translation rendered them as words.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if len(self.screen_stack) > 1 and action in self._reader_actions:
            return False  # a dialog is open: its keys are its own, not the panes' below it
        if action in ("link_digit", "link_prompt", "open_original", "copy_original"):
            return self.article_shown()
        return True

    async def on_unmount(self) -> None:
        self._writer.shutdown(wait=True)
        self.close_search_index()


def make_app(config: Config, store: Store) -> ReaderApp:
    """The one factory the CLI and the tests use."""
    return ReaderApp(config, store)
