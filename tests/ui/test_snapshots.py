"""SVG snapshots at 80x24 and 120x40: accented, emoji and right-to-left titles, fixed dates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from helpers import settle
from textual.pilot import Pilot

from tui_reader.config import Config
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp, make_app

SnapCompare = Callable[..., bool]


def keys(*presses: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, ReaderApp)
        app.reader.languages.fill()  # not left to the start-up timer: the column is in the shot
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_entries_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    assert snap_compare(make_app(config, store), terminal_size=(80, 24), run_before=keys())


def test_feeds_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    assert snap_compare(make_app(config, store), terminal_size=(80, 24), run_before=keys("q"))


def test_article_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("j", "enter"))


def test_article_scrolled_to_links_at_80x24(
    snap_compare: SnapCompare, config: Config, store: Store
) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter", "G"))


def test_entries_at_120x40(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    """No article open: the entries list takes the room beside the feeds, site in each row."""
    assert snap_compare(make_app(config, store), terminal_size=(120, 40), run_before=keys())


def test_article_at_120x40(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    """Reading: the other panes fold away, the text is `measure` wide and centred."""
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys("j", "s", "enter"))


def test_article_beside_the_list_at_160x40(
    snap_compare: SnapCompare, config: Config, store: Store
) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(160, 40), run_before=keys("enter"))


def test_info_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter", "i"))


def test_info_at_120x40(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys("enter", "i"))


def test_help_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("question_mark"))


def test_help_at_120x40(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys("question_mark"))


def test_search_results_at_80x24(snap_compare: SnapCompare, config: Config, store: Store) -> None:
    from helpers import index_sample

    index_sample(config, {"e6": "Un repaso a la informática portátil.", "e0": "Informática."})
    app = make_app(config, store)
    presses = ("slash", *"informatica", "enter")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*presses))


def test_article_no_color_at_80x24(
    snap_compare: SnapCompare, config: Config, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: greys only; bold title, bold underlined heading, italic quote, the rule."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(config, store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter"))
