"""Reading feeds, rows and flags from the store in a worker; polling for a cron fetch's changes."""

from __future__ import annotations

from textual import on, work

from tui_reader.language import primary_code
from tui_reader.services import effective_feeds
from tui_reader.ui.flows.base import Flow, ReaderContext
from tui_reader.ui.listing import feed_label, merge_rows
from tui_reader.ui.messages import StoreFailed, StoreLoaded


class LoadingFlow(Flow):
    """Loads the store off the event loop; `StoreLoaded` goes on to the screen, which shows it."""

    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self.generation = -1  # the store generation the last load read (load workers only)

    @work(thread=True, exclusive=True, group="load")
    def load(self, initial: bool = False, *, if_changed: bool = False) -> None:
        """Read feeds, rows and flags off the event loop; the result arrives as StoreLoaded.
        `if_changed` (the poll timer): only if the store's generation moved since the last load,
        and a failure to read the generation is left for the next poll to retry."""
        try:
            generation = self.store.generation()
        except Exception as exc:
            if not if_changed:
                self.post_message(StoreFailed(str(exc)))
            return
        if if_changed and generation == self.generation:
            return
        self.generation = generation  # only load workers touch it
        try:
            glossary = self.context.glossary
            glossary.get()  # read once, off the event loop, before any row is drawn
            if glossary.error:
                self.say(glossary.error)
                glossary.error = ""
            feeds = effective_feeds(self.config, self.store)
            states = self.store.feed_states(f.url for f in feeds)
            rows_by_feed = {f.url: self.store.row_tuples(f.url) for f in feeds}
            all_rows = merge_rows(rows_by_feed.values())
            read = self.store.read_ids()
            starred = self.store.starred_ids()
            position = self.store.ui_position() if initial else {}
        except Exception as exc:  # a damaged store is shown, not raised into the UI
            self.post_message(StoreFailed(str(exc)))
            return
        self.post_message(
            StoreLoaded(feeds, states, rows_by_feed, all_rows, read, starred, position, initial)
        )

    @on(StoreLoaded)
    def loaded(self, message: StoreLoaded) -> None:
        """Into the state (before the screen, which the message bubbles on to, shows it)."""
        state = self.state
        state.feeds = message.feeds
        state.states = message.states
        state.feed_names = {f.url: feed_label(f, state.states.get(f.url)) for f in state.feeds}
        state.rows_by_feed = message.rows_by_feed
        state.all_rows = message.all_rows
        languages = state.languages
        for row in message.all_rows:
            languages.setdefault(row[0], primary_code(row[5]))
        state.read.clear()  # the same set objects: the entry list holds references to them
        state.read.update(message.read)
        state.starred.clear()
        state.starred.update(message.starred)
        if message.initial:
            state.language = primary_code(str(message.position.get("language", "")))
        state.loaded = True

    def poll(self) -> None:
        """Timer: a cron fetch bumps the store's generation; the load worker checks it and
        reloads only if it moved (no store read on the event loop)."""
        if self.state.refreshing or not self.state.loaded:
            return
        if any(w.group == "load" and not w.is_finished for w in self.workers):
            return  # one load at a time; the next tick checks again
        self.load(if_changed=True)
