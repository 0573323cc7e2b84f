"""Full-text search from the prompt: the debounced search worker, its results, and the title
fallback for entries the index does not hold."""

from __future__ import annotations

import re

from textual import on, work
from textual.timer import Timer
from textual.widgets import Input

from tui_reader.config import Config
from tui_reader.models import EntryRow
from tui_reader.search import MIN_PREFIX, SearchIndex, fold
from tui_reader.store import Store
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.messages import Row, SearchFinished, StoreFailed

SEARCH_LIMIT = 500
SEARCH_DELAY_S = 0.25
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


class SearchMixin(ReaderBase):
    """Results follow the prompt's text (`self.search_query`) once typing pauses; the entries
    list shows `self.search_rows` until the search is left."""

    def __init__(self, config: Config, store: Store) -> None:
        super().__init__(config, store)
        self._search_token = 0
        self._search_timer: Timer | None = None
        self._before_search: str | None = None
        self._title_words: dict[str, tuple[str, ...]] = {}

    def _search_index(self) -> SearchIndex:
        """The store's full-text index (opened on first use, from a worker thread)."""
        return self.store.search_index()

    def close_search_index(self) -> None:
        self.store.close_search_index()

    def action_search(self) -> None:
        self.open_prompt("search", self.search_query)

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

    def submit_search(self) -> None:
        """Enter in the search prompt: run the search now unless its results are shown."""
        if not self.search_query.strip():
            self.leave_search()
        elif self._search_timer is not None or self.search_query != self.search_shown:
            self.start_search()

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
        forms = self.glossary().query_forms(query)  # brand names: repaired and as published
        hits = []
        try:
            for form in forms:
                hits.extend(self._search_index().search(form, limit=SEARCH_LIMIT))
        except Exception as exc:  # a damaged or locked index: say so, still match titles
            error = f"search index: {exc}"
        for hit in hits:
            row = by_id.get(hit.entry_id)
            if row is None:  # stored, but not in a subscribed feed's list any more
                try:
                    entry = self.store.entry(hit.entry_id)
                except Exception as exc:  # a damaged store is shown, not raised into the UI
                    self.post_message(StoreFailed(str(exc)))
                    return
                if entry is None:
                    continue
                feed = entry.feeds[0] if entry.feeds else ""
                row = EntryRow.of(entry, feed).as_tuple()
            if row[0] not in seen:
                seen.add(row[0])
                found.append(row)
        for words in (search_words(form) for form in forms):
            if not words:
                continue
            cache = self._title_words
            for row in self.all_rows:
                if row[0] in seen:
                    continue
                title_words = cache.get(row[0])
                if title_words is None:
                    title_words = cache[row[0]] = tuple(search_words(row[2]))
                if title_matches(words, title_words):
                    seen.add(row[0])
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
        if not self.languages_pending():
            self.fill_languages()  # results from feeds no longer listed

    def drop_search(self) -> None:
        """Forget the query and its results (a pending search's too), without redrawing."""
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
        self.drop_search()
        self.show_rows(keep_id=keep_id or self.entry_list.current_id)
        self.status("")
