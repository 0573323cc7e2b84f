"""The key hints on the bottom line: the keys of what has focus, whole pairs only, the palette
key at the right end where it fits."""

from __future__ import annotations

from helpers import NARROW, WIDE, settle
from rich.style import Style
from textual.binding import Binding

from tui_reader.config import Config
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.widgets.key_bar import KeyBar, hints_line, hints_of

PLAIN = Style()


def test_one_hint_per_action_only_for_shown_bindings() -> None:
    active = [
        (Binding("j", "down", "Move", key_display="j/k"), True),
        (Binding("down", "down", "Move"), True),  # a second key of the same action
        (Binding("n", "next", "Next", show=False), True),
        (Binding("s", "star", "Star"), False),
    ]
    display = {"j": "j/k", "down": "↓", "n": "n", "s": "s"}
    assert hints_of(active, display) == [("j/k", "Move", True), ("s", "Star", False)]


def test_pairs_that_do_not_fit_are_left_out_whole() -> None:
    hints = [("j/k", "Move", True), ("s", "Star", True), ("o", "Browser", True)]
    line = hints_line(hints, 20, PLAIN, PLAIN, PLAIN)
    assert line.plain == " j/k Move  s Star "  # " o Browser " would end past column 20
    assert hints_line(hints, 3, PLAIN, PLAIN, PLAIN).plain == ""


def test_a_disabled_action_is_dimmed() -> None:
    dim = Style(dim=True)
    line = hints_line([("s", "Star", False), ("o", "Browser", True)], 80, PLAIN, PLAIN, dim)
    dimmed = {line.plain[span.start : span.end] for span in line.spans if span.style == dim}
    assert dimmed == {" s ", "Star "}


async def test_the_bar_shows_the_keys_of_the_focused_pane(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        bar = app.query_one(KeyBar)
        listing = [description for _, description, _ in bar.hints]
        assert listing[:2] == ["Move", "Open"] and "Scroll" not in listing
        assert bar.palette is not None and bar.palette[0] == "^p"
        await pilot.press("enter")
        await settle(pilot)
        reading = [description for _, description, _ in bar.hints]
        assert reading[:2] == ["Scroll", "Page"] and "Link" in reading
        shown = "".join(s.text for s in bar.render_lines(bar.region.reset_offset)[0])
        assert " j/k Scroll " in shown and shown.rstrip().endswith("^p palette")


async def test_at_80_columns_the_palette_gives_way_to_the_keys(
    config: Config, store: Store
) -> None:
    app = make_app(config, store)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        bar = app.query_one(KeyBar)
        shown = "".join(s.text for s in bar.render_lines(bar.region.reset_offset)[0])
        assert len(shown) == 80
        assert "palette" not in shown and shown.rstrip().endswith("Star")  # no pair cut short
