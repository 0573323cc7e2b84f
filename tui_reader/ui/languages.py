"""Language normalisation and the language filter: reading entries' languages in a worker,
cycling and choosing the language shown."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from textual import on, work
from textual.timer import Timer
from textual.worker import get_current_worker

from tui_reader.config import Config
from tui_reader.language import primary_code
from tui_reader.store import Store
from tui_reader.ui.base import ReaderBase
from tui_reader.ui.messages import LanguagesLoaded

LANGUAGES_CHUNK = 500
LANGUAGES_DELAY_S = 1.0


def normalize_language(value: str) -> str:
    """One language for "es-ES", "ES_es" and "es" (`language.primary_code`)."""
    return primary_code(value)


class LanguagesMixin(ReaderBase):
    """Knows each listed entry's language (`self.languages`) and filters by one (`self.language`)."""

    def __init__(self, config: Config, store: Store) -> None:
        super().__init__(config, store)
        self._languages_timer: Timer | None = None
        self._languages_loading = False
        self._after_languages: Callable[[], None] | None = None

    def languages_pending(self) -> bool:
        """Whether languages are being read, or are about to be."""
        return self._languages_loading or self._languages_timer is not None

    def schedule_languages(self, initial: bool) -> None:
        """After a load: read the new entries' languages, a moment later while the reader starts
        (the list comes first) unless a language filter needs them now."""
        if initial and not self.language:
            self._languages_timer = self.set_timer(LANGUAGES_DELAY_S, self.fill_languages)
        elif self._languages_timer is None:
            self.fill_languages()

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
