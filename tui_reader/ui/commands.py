"""Command palette: jump to a feed, add one, filter by language, mark all read, refresh.

Each command is an id in `COMMANDS`, naming the reader screen's action it runs (Textual's action
strings, as the key bindings use): the palette never holds a method of the screen, and this
module imports nothing of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tui_reader.ui.widgets.feed_list import FeedList


@dataclass(frozen=True, slots=True)
class Command:
    title: str
    action: str  # the screen's action, with its arguments: "refresh(True)"
    help: str


COMMANDS: dict[str, Command] = {
    "mark_all_read": Command(
        "Mark all read", "mark_all_read", "Mark every entry in the list as read"
    ),
    "refresh": Command("Refresh this feed", "refresh(False)", "Fetch the current feed"),
    "refresh_all": Command("Refresh all feeds", "refresh(True)", "Fetch every feed"),
    "unread_only": Command("Toggle unread only", "toggle_unread_only", "Show only unread entries"),
    "add_feed": Command("Add feed…", "add_feed", "Subscribe to a feed, or to one a site offers"),
    "language": Command(
        "Filter by language…", "choose_language", "Show entries in one language, or all"
    ),
}


def _plain(text: str, offsets: tuple[int, ...] | list[int] = ()) -> Content:
    """Feed titles are data: build Content from plain text, never from markup."""
    content = Content(text)
    for offset in offsets:
        if 0 <= offset < len(text) and not text[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content


class ReaderCommands(Provider):
    """The reader's commands, then one "Go to" per feed in the feeds pane."""

    def _commands(self) -> list[Command]:
        commands = list(COMMANDS.values())
        for feed_list in self.screen.query(FeedList):
            commands.extend(
                Command(f"Go to {item.label}", f"go_to_feed({item.key!r})", f"{item.unread} unread")
                for item in feed_list.items
            )
        return commands

    def _run(self, command: Command) -> Callable[[], Awaitable[bool]]:
        return partial(self.app.run_action, command.action, self.screen)

    async def discover(self) -> Hits:
        for command in self._commands():
            title = command.title
            yield DiscoveryHit(_plain(title), self._run(command), text=title, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            title = command.title
            score = matcher.match(title)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(query, title)
                yield Hit(
                    score, _plain(title, list(offsets)), self._run(command), text=title,
                    help=command.help,
                )  # fmt: skip
