"""Start-up and cursor cost with 50,000 entries, against a minimal Textual app."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui_reader.config import Config
from tui_reader.demo.sample import add_many
from tui_reader.store import Store
from tui_reader.ui.app import make_app

pytestmark = pytest.mark.slow


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")


async def _minimal() -> float:
    start = time.perf_counter()
    async with Minimal().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    return time.perf_counter() - start


async def _reader(config: Config, store: Store) -> float:
    start = time.perf_counter()
    app = make_app(config, store)
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.loaded:
            await asyncio.sleep(0.005)
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert len(app.entry_list.rows) == 50_008
    return elapsed


async def test_start_with_50000_entries_is_within_half_a_second_of_a_minimal_app(
    config: Config, store: Store
) -> None:
    add_many(store, "https://elbyte.example/feed.xml", 50_000)
    minimal = min([await _minimal() for _ in range(3)])
    reader = min([await _reader(config, store) for _ in range(3)])
    assert reader - minimal < 0.5, f"reader {reader:.3f}s, minimal {minimal:.3f}s"
