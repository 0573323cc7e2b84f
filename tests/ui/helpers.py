"""Waiting for the reader's workers and store writes in Pilot tests, and small accessors."""

from __future__ import annotations

import asyncio
import io

from textual.pilot import Pilot

from tui_reader.config import Config
from tui_reader.demo.sample import sample_entries
from tui_reader.search import Document, SearchIndex
from tui_reader.ui.app import ReaderApp

WIDE = (120, 40)
NARROW = (80, 24)


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish, their messages arrive and the writes thread drain."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await asyncio.to_thread(app._writer.submit(lambda: None).result)


async def search_for(pilot: Pilot[int], words: str) -> None:
    """Search with `/` as a person would: the words, enter, and the results settled."""
    await pilot.press("slash", *words, "enter")
    await settle(pilot)


async def run_command(pilot: Pilot[int], text: str, wait: float = 0.5) -> None:
    """Open the command palette, type `text`, wait for its matches, and run the first."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await asyncio.sleep(wait)
    await pilot.pause()
    await pilot.press("enter")


def titles(app: ReaderApp) -> list[str]:
    return [row[2] for row in app.entry_list.rows]


def ids(app: ReaderApp) -> list[str]:
    return [row[0] for row in app.entry_list.rows]


def header(app: ReaderApp) -> str:
    return str(app.query_one("#title").render())


def status(app: ReaderApp) -> str:
    return str(app.query_one("#status").render())


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
