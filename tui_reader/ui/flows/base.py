"""What every flow is given (`ReaderContext`) and the widget a flow is (`Flow`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.widget import Widget

from tui_reader.config import Config
from tui_reader.glossary import Glossary, GlossaryError, default_glossary, repair_text
from tui_reader.store import Store
from tui_reader.ui.browser import Browser
from tui_reader.ui.messages import Said
from tui_reader.ui.state import ReaderState
from tui_reader.ui.updates import Updater
from tui_reader.ui.writer import StoreWriter


@dataclass
class GlossaryCache:
    """The brand-name glossary, read once, in the first load's worker (not on the event loop)."""

    glossary: Glossary | None = None
    error: str = ""

    def get(self) -> Glossary:
        if self.glossary is None:
            try:
                self.glossary = default_glossary()
            except GlossaryError as exc:
                self.error = str(exc)
                self.glossary = Glossary()
        return self.glossary

    def repair_title(self, title: str, language: str) -> str:
        """An entry title with its language's brand names repaired (lists; nothing stored)."""
        glossary = self.glossary
        if glossary is None or not title:
            return title
        terms = glossary.for_language(language)
        return repair_text(title, terms)[0] if terms else title


@dataclass
class ReaderContext:
    """The parts the reader is given, and its state: one of each, shared by the flows."""

    config: Config
    store: Store
    updater: Updater
    browser: Browser
    writer: StoreWriter
    state: ReaderState = field(default_factory=ReaderState)
    glossary: GlossaryCache = field(default_factory=GlossaryCache)


class Flow(Widget):
    """A flow of the reader: its workers, timers and handlers; it draws nothing."""

    def __init__(self, context: ReaderContext) -> None:
        super().__init__()
        self.display = False
        self.context = context
        self.config = context.config
        self.store = context.store
        self.state = context.state

    def say(self, text: str) -> None:
        """A status line: posted to the screen itself, so lines arrive in the order said
        (safe from a worker thread: messages are)."""
        self.screen.post_message(Said(text))
