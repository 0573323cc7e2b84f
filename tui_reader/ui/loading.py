"""Reading feeds, rows and flags from the store in a worker, and turning them into the feeds
pane and the entries list."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from textual import on, work

from tui_reader.config import FeedConfig
from tui_reader.models import FeedState
from tui_reader.sanitize import clean_line
from tui_reader.services import effective_feeds
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.languages import normalize_language
from tui_reader.ui.messages import Row, StoreFailed, StoreLoaded
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


class LoadingMixin(ReaderBase):
    """Loads the store off the event loop, reloads when a cron fetch changed it, and shows rows."""

    @work(thread=True, exclusive=True, group="load")
    def load_store(self, initial: bool = False, *, if_changed: bool = False) -> None:
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
            self.glossary()  # read once, off the event loop, before any row is drawn
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
            StoreLoaded(feeds, states, rows_by_feed, all_rows, read, starred, position, initial)
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
        self.feed_names = {f.url: feed_label(f, self.states.get(f.url)) for f in self.feeds}
        self.rows_by_feed = message.rows_by_feed
        self.all_rows = message.all_rows
        for row in message.all_rows:
            self.languages.setdefault(row[0], normalize_language(row[5]))
        # keep the same set objects: the entry list holds references to them
        self.read.clear()
        self.read.update(message.read)
        self.starred.clear()
        self.starred.update(message.starred)
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
        self.schedule_languages(message.initial)
        added, self._show_feed_after_load = self._show_feed_after_load, None
        if added is not None and any(item.key == added for item in self.feed_list.items):
            self.go_to_feed(added)
        if message.initial and self.config.sync is not None:
            self.show_sync_state()  # the server's feeds come with the first sync
        elif message.initial and not self.feeds:
            self.status(
                "No feeds yet: add one with `tui-reader add URL`, or try `tui-reader demo`."
            )

    def poll_store(self) -> None:
        """Timer: a cron fetch bumps the store's generation; the load worker checks it and
        reloads only if it moved (no store read on the event loop)."""
        if self.refreshing or not self.loaded:
            return
        if any(w.group == "load" and not w.is_finished for w in self.workers):
            return  # one load at a time; the next tick checks again
        self.load_store(if_changed=True)

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
                        self.feed_name(feed.url),
                        "feed",
                        counts.get(feed.url, 0),
                        failed=state is not None and state.status in ("error", "gone"),
                    )
                )
        self.feed_list.items = items
        self.feed_list.update_size()
        self.feed_list.refresh()

    def feed_name(self, url: str) -> str:
        """A feed's name as the feeds pane shows it; a URL not subscribed: its host."""
        name = self.feed_names.get(url)
        return name if name is not None else feed_label(FeedConfig(url=url), None)

    def feeds_for_key(self, key: str) -> list[FeedConfig]:
        if key.startswith(TAG_PREFIX):
            tag = key[len(TAG_PREFIX) :]
            return [f for f in self.feeds if tag in (f.tags or (UNTAGGED,))]
        if key in (ALL, STARRED):
            return list(self.feeds)
        return [f for f in self.feeds if f.url == key]

    # -- entries list -----------------------------------------------------------------------

    def base_rows(self, key: str) -> list[Row]:
        if key == ALL:
            return self.all_rows
        if key == STARRED:
            return [r for r in self.all_rows if r[0] in self.starred]
        if key.startswith(TAG_PREFIX):
            return merge_rows(self.rows_by_feed.get(f.url, []) for f in self.feeds_for_key(key))
        return self.rows_by_feed.get(key, [])

    def empty_message(self) -> str:
        """What an empty list says: why it is empty, and what to do about it."""
        if not self.loaded:
            return "Loading…"
        if not self.all_rows and self.search_rows is None:
            return "Nothing fetched yet: press R to fetch every feed (or run `tui-reader fetch`)."
        state = self.states.get(self.feed_key)
        if state is not None and state.status in ("error", "gone") and state.error:
            return f"Its last fetch failed: {state.error}. Press r to try again."
        return "No entries here."

    def show_rows(self, keep_id: str | None = None) -> None:
        """Put the current feed's rows (or the search results) in the entries list, filtered by
        language and unread; the cursor stays on keep_id."""
        rows = self.search_rows if self.search_rows is not None else self.base_rows(self.feed_key)
        if self.language:
            languages, wanted = self.languages, self.language
            rows = [r for r in rows if languages.get(r[0]) == wanted]
        waiting = self.language and self.languages_pending()
        self.entry_list.empty_message = "Reading languages…" if waiting else self.empty_message()
        if self.unread_only:
            rows = [r for r in rows if r[0] not in self.read or r[0] == keep_id]
        # a list that mixes feeds (All, a tag, Starred, a search) says which site each row is from
        key = self.feed_key
        self.entry_list.mixed = self.search_rows is not None or not any(
            f.url == key for f in self.feeds
        )
        self.entry_list.set_rows(rows, keep_id=keep_id)
        self.update_title()
