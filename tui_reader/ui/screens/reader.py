"""The reader screen: the panes (ui/screens/panes.py), its keys, and what it does with the
messages its flows post. A key acts on the state and the panes, or calls the flow that does the
work; a flow answers with a message, handled here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui_reader.models import Entry
from tui_reader.ui import listing
from tui_reader.ui.bindings import READER_BINDINGS
from tui_reader.ui.commands import ReaderCommands
from tui_reader.ui.messages import (
    ArticleLoaded,
    EntryChosen,
    FeedRequested,
    FlagsChanged,
    LanguagesLoaded,
    ListChanged,
    LoadRequested,
    PositionChanged,
    RefreshFinished,
    RefreshRequested,
    Said,
    SearchFinished,
    StoreFailed,
    StoreLoaded,
)
from tui_reader.ui.screens.panes import ReaderPanes
from tui_reader.ui.widgets.feed_list import ALL


class ReaderScreen(ReaderPanes, inherit_bindings=False):
    """A keyboard-driven reader over a `Store`: the panes, their keys, the palette's commands."""

    # The reader's keys first (the help screen lists them in this order), then Screen's own but
    # `tab`, which moves between the panes here.
    BINDINGS: ClassVar[list[BindingType]] = [
        *READER_BINDINGS,
        *(b for b in Screen.BINDINGS if not (isinstance(b, Binding) and b.key == "tab")),
    ]
    COMMANDS: ClassVar[set[Any]] = {ReaderCommands}

    # -- keys the flows carry out -----------------------------------------------------------

    def action_search(self) -> None:
        self.open_prompt("search", self.state.search.query)

    def action_cycle_language(self) -> None:
        self.languages.cycle()

    def action_choose_language(self) -> None:
        self.languages.choose()

    def action_set_language(self, language: str) -> None:
        self.languages.set_language(language)

    def action_refresh(self, everything: bool) -> None:
        state = self.state
        feeds = list(state.feeds) if everything else listing.feeds_for_key(state, state.feed_key)
        self.refresher.start(feeds)

    def action_add_feed(self) -> None:
        self.subscriber.ask()

    def action_go_to_feed(self, key: str) -> None:
        self.go_to_feed(key)

    # -- acting on entries ------------------------------------------------------------------

    def action_mark_all_read(self) -> None:
        read = self.state.read
        ids = [r[0] for r in self.entry_list.rows if r[0] not in read]
        read.update(ids)
        if ids:
            self.writer.write(self.store.set_read, ids, True)
        self.say(f"Marked {len(ids)} entries read.")
        self.after_flags_changed()

    def action_toggle_read(self) -> None:
        entry_id = self.target_id()
        if entry_id is not None:
            self.set_read(entry_id, entry_id not in self.state.read)

    def action_toggle_star(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        starred = entry_id not in self.state.starred
        if starred:
            self.state.starred.add(entry_id)
        else:
            self.state.starred.discard(entry_id)
        self.writer.write(self.store.set_starred, entry_id, starred)
        self.say("Starred." if starred else "Unstarred.")
        self.after_flags_changed()

    def action_next_unread(self) -> None:
        self._move_to_unread(1)

    def action_previous_unread(self) -> None:
        self._move_to_unread(-1)

    def _move_to_unread(self, step: int) -> None:
        read = self.state.read
        index = listing.find_unread(self.entry_list.rows, read, self.entry_list.cursor + step, step)
        if index is None and self._next_feed_with_unread(step):
            rows = self.entry_list.rows
            index = listing.find_unread(rows, read, 0 if step > 0 else len(rows) - 1, step)
        if index is None:
            self.say("No more unread entries.")
            return
        self.entry_list.move_cursor(index)
        if self.state.pane == "article":
            entry_id = self.entry_list.current_id
            if entry_id is not None:
                self.open_entry(entry_id)

    def _next_feed_with_unread(self, step: int) -> bool:
        """Past a feed's last unread entry, on to the next feed with unread entries (not from
        All, a tag or a search)."""
        if self.state.search.rows is not None:
            return False
        target = listing.next_feed_with_unread(self.feed_list.items, self.state.feed_key, step)
        if target is None:
            return False
        pane = self.state.pane
        self.go_to_feed(target.key)
        self.set_pane(pane if pane == "article" else "entries")
        self.say(f"Next feed with unread entries: {target.label}")
        return True

    def action_toggle_unread_only(self) -> None:
        self.state.unread_only = not self.state.unread_only
        self.show_rows(keep_id=self.entry_list.current_id)
        only = self.state.unread_only
        self.say("Showing unread entries only." if only else "Showing all entries.")

    # -- links ------------------------------------------------------------------------------

    def _with_target(self, act: Callable[[str, Entry | None], None]) -> None:
        """`act` on the target entry, with the open article's entry if it is that one."""
        entry_id = self.target_id()
        if entry_id is not None:
            view = self.article_view
            act(entry_id, view.entry if view.entry_id == entry_id else None)

    def action_open_in_browser(self) -> None:
        self._with_target(self.links.open_entry)

    def action_copy_url(self) -> None:
        self._with_target(self.links.copy_entry)

    def action_open_original(self) -> None:
        self.links.open_original(self.article_view.original)

    def action_copy_original(self) -> None:
        self.links.copy_original(self.article_view.original)

    def action_link_prompt(self) -> None:
        if self.article_shown():
            self.open_prompt("link")

    def action_link_digit(self, digit: int) -> None:
        if not self.article_shown():
            return
        article = self.article_view.article
        count = len(article.links) if article else 0
        if digit * 10 > count:  # no second digit can make a valid number: open now
            self.links.open_link(article, digit)
        else:
            self.open_prompt("link", str(digit))

    # -- what the flows and the panes tell the screen ---------------------------------------

    @on(Said)
    def said(self, message: Said) -> None:
        self.say(message.text)

    @on(StoreFailed)
    def store_failed(self, message: StoreFailed) -> None:
        self.entry_list.empty_message = "The store could not be read."
        self.entry_list.refresh()
        self.say(message.error)

    @on(StoreLoaded)
    def store_loaded(self, message: StoreLoaded) -> None:
        """The loading flow put it in the state: show it, where the user was."""
        state = self.state
        keep_id = self.entry_list.current_id
        if message.initial:
            state.feed_key = str(message.position.get("feed", ALL))
            keep_id = message.position.get("entry") or None
        self.rebuild_feed_list()
        if not any(item.key == state.feed_key for item in self.feed_list.items):
            state.feed_key = ALL
        self.feed_list.set_items(self.feed_list.items, keep_key=state.feed_key)
        self.show_rows(keep_id=keep_id)
        self.languages.schedule(message.initial)
        added, self._show_feed_after_load = self._show_feed_after_load, None
        if added is not None and any(item.key == added for item in self.feed_list.items):
            self.go_to_feed(added)
        if message.initial and self.config.sync is not None:
            self.refresher.show_sync_state()  # the server's feeds come with the first sync
        elif message.initial and not state.feeds:
            self.say("No feeds yet: add one with `tui-reader add URL`, or try `tui-reader demo`.")

    @on(ListChanged)
    def list_changed(self, message: ListChanged) -> None:
        current = self.entry_list.current_id if message.keep_current else None
        self.show_rows(keep_id=message.keep_id or current)

    @on(FlagsChanged)
    def flags_changed(self) -> None:
        self.after_flags_changed()

    @on(PositionChanged)
    def position_changed(self) -> None:
        self.save_position()

    @on(LanguagesLoaded)
    def languages_loaded(self) -> None:
        if self.state.language:
            self.show_rows(keep_id=self.entry_list.current_id)
        else:
            self.entry_list.refresh()

    @on(SearchFinished)
    def search_finished(self, message: SearchFinished) -> None:
        search = self.state.search
        if search.rows is None:
            search.before = self.entry_list.current_id
        search.rows, search.shown = message.rows, message.query
        self.show_rows(keep_id=message.rows[0][0] if message.rows else None)
        count = len(message.rows)
        summary = f"{count} result{'s' if count != 1 else ''} for “{message.query}”"
        if message.error:
            self.say(f"{summary}, by title only: {message.error}")
        else:
            self.say(f"{summary}; escape leaves the search.")
        if not self.languages.pending():
            self.languages.fill()  # results from feeds no longer listed

    @on(FeedRequested)
    def feed_requested(self, message: FeedRequested) -> None:
        self.go_to_feed(message.key)

    @on(LoadRequested)
    def load_requested(self, message: LoadRequested) -> None:
        if message.show_feed is not None:
            self._show_feed_after_load = message.show_feed
        self.loader.load()

    @on(RefreshRequested)
    def refresh_requested(self, message: RefreshRequested) -> None:
        self.refresher.start(message.feeds)
        if message.note:
            self.post_message(Said(message.note))  # after the refresh's own first line

    @on(RefreshFinished)
    def refresh_finished(self) -> None:
        self.loader.load()

    @on(EntryChosen)
    def entry_chosen(self, message: EntryChosen) -> None:
        self.open_entry(message.entry_id)

    @on(ArticleLoaded)
    def article_loaded(self, message: ArticleLoaded) -> None:
        self.show_article(message)
