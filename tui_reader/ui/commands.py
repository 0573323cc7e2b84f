"""Command palette: jump to a feed, add one, filter by language, mark all read, refresh."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui_reader.ui.app import ReaderApp


def _plain(text: str, offsets: tuple[int, ...] | list[int] = ()) -> Content:
    """Feed titles are data: build Content from plain text, never from markup."""
    content = Content(text)
    for offset in offsets:
        if 0 <= offset < len(text) and not text[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content


class ReaderCommands(Provider):
    """The reader's own commands, built from its live state."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app: ReaderApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Mark all read", app.mark_all_read, "Mark every entry in the list as read"),
            ("Refresh this feed", partial(app.action_refresh, False), "Fetch the current feed"),
            ("Refresh all feeds", partial(app.action_refresh, True), "Fetch every feed"),
            ("Toggle unread only", app.action_toggle_unread_only, "Show only unread entries"),
            ("Add feed…", app.action_add_feed, "Subscribe to a feed, or to one a site offers"),
            ("Filter by language…", app.choose_language, "Show entries in one language, or all"),
        ]
        for item in app.feed_list.items:
            commands.append(
                (f"Go to {item.label}", partial(app.go_to_feed, item.key), f"{item.unread} unread")
            )
        return commands

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(_plain(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(query, title)
                yield Hit(score, _plain(title, list(offsets)), callback, text=title, help=help_text)
