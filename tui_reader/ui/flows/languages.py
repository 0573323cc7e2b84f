"""Entries' languages, read in a worker, and the language filter: cycling (`L`) and choosing one
from the palette."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from textual import on, work
from textual.timer import Timer
from textual.worker import get_current_worker

from tui_reader.language import primary_code
from tui_reader.ui.flows.base import Flow, ReaderContext
from tui_reader.ui.messages import LanguagesLoaded, ListChanged, PositionChanged

LANGUAGES_CHUNK = 500
LANGUAGES_DELAY_S = 1.0


def normalize_language(value: str) -> str:
    """One language for "es-ES", "ES_es" and "es" (`language.primary_code`)."""
    return primary_code(value)


class LanguagesFlow(Flow):
    """Knows each listed entry's language (`state.languages`) and filters by one
    (`state.language`)."""

    def __init__(self, context: ReaderContext) -> None:
        super().__init__(context)
        self._timer: Timer | None = None
        self._loading = False
        self._then: Callable[[], None] | None = None

    def pending(self) -> bool:
        """Whether languages are being read, or are about to be."""
        return self._loading or self._timer is not None

    def schedule(self, initial: bool) -> None:
        """After a load: read the new entries' languages, a moment later while the reader starts
        (the list comes first) unless a language filter needs them now."""
        if initial and not self.state.language:
            self._timer = self.set_timer(LANGUAGES_DELAY_S, self.fill)
        elif self._timer is None:
            self.fill()

    def fill(self) -> None:
        """Read the languages of the listed entries not seen yet (in a worker)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        state = self.state
        rows = state.all_rows + (state.search.rows or [])
        missing = list(dict.fromkeys(r[0] for r in rows if r[0] not in state.languages))
        if missing:
            self._loading = True
            self.load(missing)

    @work(thread=True, exclusive=True, group="languages")
    def load(self, entry_ids: list[str]) -> None:
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
    def loaded(self, message: LanguagesLoaded) -> None:
        """Into the state; the screen (the message goes on to it) redraws the list."""
        self.state.languages.update(message.languages)
        self._loading = False
        then, self._then = self._then, None
        if then is not None:
            self.call_after_refresh(then)

    def counts(self) -> Counter[str]:
        """How many listed entries are in each known language."""
        languages = self.state.languages
        counts = Counter(languages.get(r[0], "") for r in self.state.all_rows)
        counts.pop("", None)
        return counts

    def _known(self, then: Callable[[], None]) -> bool:
        """Whether every listed entry's language has been read; if not, read them now and call
        `then` once they are."""
        if self._timer is not None:
            self.fill()
        if self._loading:
            self._then = then
            self.say("Reading each entry's language…")
            return False
        return True

    def set_language(self, language: str) -> None:
        self.state.language = normalize_language(language)
        if self.state.language and self._timer is not None:
            self.fill()
        self.post_message(ListChanged())
        self.post_message(PositionChanged())
        self.say(f"Language: {self.state.language or 'all'}")

    def cycle(self) -> None:
        if not self._known(self.cycle):
            return
        choices = ["", *sorted(self.counts())]
        language = self.state.language
        index = choices.index(language) if language in choices else 0
        self.set_language(choices[(index + 1) % len(choices)])

    def choose(self) -> None:
        """The palette's "Filter by language…": all, then each language present."""
        if not self._known(self.choose):
            return
        counts = self.counts()
        run = self.app.run_action
        commands: list[tuple[str, Callable[[], object], str]] = [
            (
                "all",
                partial(run, "set_language('')", self.screen),
                f"{len(self.state.all_rows)} entries",
            )
        ]
        commands.extend(
            (language, partial(run, f"set_language({language!r})", self.screen), f"{n} entries")
            for language, n in sorted(counts.items())
        )
        self.app.search_commands(commands, placeholder="Filter by language…")
