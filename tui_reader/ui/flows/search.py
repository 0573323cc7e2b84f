"""Full-text search from the prompt: the debounced search worker, and the title fallback for
entries the index does not hold. The screen shows the results (`SearchFinished`)."""

from __future__ import annotations

import re

from textual import on, work
from textual.timer import Timer

from tui_reader.models import EntryRow
from tui_reader.search import MIN_PREFIX, fold
from tui_reader.ui.flows.base import Flow, ReaderContext
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


class SearchFlow(Flow):
    """Results follow the prompt's text (`state.search.query`) once typing pauses; a result
    that a newer query made stale never reaches the screen."""

    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._token = 0
        self._timer: Timer | None = None
        self._title_words: dict[str, tuple[str, ...]] = {}

    def typed(self, value: str) -> bool:
        """The prompt's text changed; False: it is now empty (the screen leaves the search)."""
        search = self.state.search
        if value == search.query:
            return True
        search.query = value
        self._stop_timer()
        if value.strip():
            self._timer = self.set_timer(SEARCH_DELAY_S, self.start)
            return True
        self._token += 1
        return False

    def pending(self) -> bool:
        """Whether a search for the prompt's text is waiting for typing to pause."""
        return self._timer is not None

    def start(self) -> None:
        """Run the search for the prompt's text now (in a worker); stale results are dropped."""
        self._stop_timer()
        query = self.state.search.query.strip()
        self._token += 1
        if query:
            self.run_search(query, self._token)

    def drop(self) -> None:
        """Forget the query and its results (a pending search's too), without redrawing."""
        search = self.state.search
        search.query = search.shown = ""
        search.rows = None
        self._token += 1
        self._stop_timer()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, token: int) -> None:
        """Every stored article by title and extracted text (FTS5, ranked), then the titles of
        listed entries the index does not hold (fetched before it existed, or it is unusable)."""
        all_rows = self.state.all_rows
        forms = self.context.glossary.get().query_forms(query)  # repaired and as published
        found, error = self._indexed(forms, {row[0]: row for row in all_rows})
        if found is None:
            return
        seen = {row[0] for row in found}
        cache = self._title_words
        for words in (search_words(form) for form in forms):
            if not words:
                continue
            for row in all_rows:
                if row[0] in seen:
                    continue
                title_words = cache.get(row[0])
                if title_words is None:
                    title_words = cache[row[0]] = tuple(search_words(row[2]))
                if title_matches(words, title_words):
                    seen.add(row[0])
                    found.append(row)
        self.post_message(SearchFinished(query, found, token, error))

    def _indexed(self, forms: list[str], by_id: dict[str, Row]) -> tuple[list[Row] | None, str]:
        """(In the worker.) The index's hits as rows, best first, and why the index failed."""
        error = ""
        hits = []
        try:
            index = self.store.search_index()
            for form in forms:
                hits.extend(index.search(form, limit=SEARCH_LIMIT))
        except Exception as exc:  # a damaged or locked index: say so, still match titles
            error = f"search index: {exc}"
        found: list[Row] = []
        seen: set[str] = set()
        for hit in hits:
            row = by_id.get(hit.entry_id)
            if row is None:  # stored, but not in a subscribed feed's list any more
                try:
                    entry = self.store.entry(hit.entry_id)
                except Exception as exc:  # a damaged store is shown, not raised into the UI
                    self.post_message(StoreFailed(str(exc)))
                    return None, ""
                if entry is None:
                    continue
                row = EntryRow.of(entry, entry.feeds[0] if entry.feeds else "").as_tuple()
            if row[0] not in seen:
                seen.add(row[0])
                found.append(row)
        return found, error

    @on(SearchFinished)
    def finished(self, message: SearchFinished) -> None:
        if message.token != self._token:
            message.stop()  # a newer query is on its way: these results are not shown
