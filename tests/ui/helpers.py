"""Waiting for the reader's workers and store writes in Pilot tests."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot

from tui_reader.ui.app import ReaderApp


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish, their messages arrive and the writes thread drain."""
    app = pilot.app
    assert isinstance(app, ReaderApp)
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await asyncio.to_thread(app._writer.submit(lambda: None).result)


def titles(app: ReaderApp) -> list[str]:
    return [row[2] for row in app.entry_list.rows]
