"""The command palette's table: every id names an action the reader screen has, and running a
command from the palette runs that action."""

from __future__ import annotations

from helpers import WIDE, run_command, settle, status

from tui_reader.config import Config
from tui_reader.store import Store
from tui_reader.ui.app import make_app
from tui_reader.ui.commands import COMMANDS
from tui_reader.ui.screens.reader import ReaderScreen


def test_every_command_names_an_action_of_the_reader_screen() -> None:
    names = {command.action.split("(")[0] for command in COMMANDS.values()}
    names |= {"go_to_feed", "set_language"}  # the per-feed and per-language commands
    missing = sorted(n for n in names if not callable(getattr(ReaderScreen, f"action_{n}", None)))
    assert missing == []


async def test_a_palette_command_runs_its_action(config: Config, store: Store) -> None:
    app = make_app(config, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await run_command(pilot, "Toggle unread only")
        await settle(pilot)
        assert app.reader.state.unread_only
        assert "Showing unread entries only." in status(app)
