"""Waiting for the reader's workers and store writes in Pilot tests, and small accessors."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tui_reader.config import Config, FeedConfig
from tui_reader.demo.sample import sample_entries
from tui_reader.models import FetchSummary
from tui_reader.search import Document, SearchIndex
from tui_reader.sync.service import SyncOutcome
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.browser import SystemBrowser
from tui_reader.ui.updates import Progress, Select

WIDE = (120, 40)
NARROW = (80, 24)


class RecordingUpdater:
    """The `Updater` a test gives the reader: records the feeds each refresh asks for and
    runs `work` in place of the pipeline (a summary with no feeds if none)."""

    def __init__(self, work: Callable[[list[FeedConfig]], FetchSummary] | None = None) -> None:
        self.calls: list[list[str]] = []
        self._work = work

    def update(self, feeds: list[FeedConfig], progress: Progress) -> FetchSummary:
        self.calls.append([f.url for f in feeds])
        summary = self._work(feeds) if self._work is not None else FetchSummary(())
        for result in summary.results:
            progress(result)
        return summary

    def sync(self, select: Select, progress: Progress) -> SyncOutcome:
        raise AssertionError("no sync is configured in these tests")


class RecordingBrowser(SystemBrowser):
    """The browser a test gives the reader: records what it was asked to open instead of
    launching it; there (`available`), or not, or (None) as the real check finds it."""

    def __init__(self, *, available: bool | None = True) -> None:
        self.urls: list[str] = []
        self._available = available

    def available(self) -> bool:
        return super().available() if self._available is None else self._available

    def launch(self, url: str) -> bool:
        self.urls.append(url)
        return True


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish, their messages arrive and the writes thread drain."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await asyncio.to_thread(app.reader.writer.drain)


async def search_for(pilot: Pilot[int], words: str) -> None:
    """Search with `/` as a person would: the words, enter, and the results settled."""
    await pilot.press("slash", *words, "enter")
    await settle(pilot)


async def until(pilot: Pilot[int], condition: Callable[[], object], timeout: float = 30) -> None:
    """Until `condition()` holds, letting the app's workers, timers and messages run (the
    timeout is a safety net for a test that would otherwise hang, not a timing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the reader never got there"
        await settle(pilot, rounds=1)


async def run_command(pilot: Pilot[int], text: str) -> None:
    """Open the command palette, type `text`, wait for its matches, and run the first."""
    await pilot.press("ctrl+p")
    await choose_in_palette(pilot, text)


async def choose_in_palette(pilot: Pilot[int], text: str) -> None:
    """In the palette that is opening: type `text`, wait for its matches, run the first, and
    wait for the palette to close."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    await pilot.press(*text)
    await app.workers.wait_for_complete()  # the palette gathers its hits in a worker

    def matched() -> bool:
        commands = palette.query_one(CommandList)
        return commands.option_count > 0 and commands.highlighted is not None

    await until(pilot, matched)
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not palette)


def titles(app: ReaderApp) -> list[str]:
    return [row[2] for row in app.reader.entry_list.rows]


def ids(app: ReaderApp) -> list[str]:
    return [row[0] for row in app.reader.entry_list.rows]


def header(app: ReaderApp) -> str:
    return str(app.reader.query_one("#title").render())


def status(app: ReaderApp) -> str:
    return str(app.reader.query_one("#status").render())


def index_sample(config: Config, bodies: dict[str, str]) -> None:
    """Index the sample entries as a fetch would, with these article texts (by entry id)."""
    docs = [
        Document(e.id, e.title, bodies.get(e.id, e.summary), e.feeds, e.published.timestamp())
        for _feed, e, _article in sample_entries()
    ]
    with SearchIndex.for_data_dir(config.storage.data_dir) as index:
        index.add_many(docs)


def info_text(app: ReaderApp) -> str:
    """The open info view (`i`) as plain text, one row per line, spaces collapsed."""
    from rich.console import Console

    from tui_reader.ui.screens.info import InfoScreen, info_table

    screen = app.screen
    assert isinstance(screen, InfoScreen)
    console = Console(width=200, color_system=None, record=True, file=io.StringIO())
    console.print(info_table(screen.view))
    return "\n".join(" ".join(line.split()) for line in console.export_text().splitlines())
