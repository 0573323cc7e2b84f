"""The feeds pane: All and Starred, then feeds grouped by tag with unread counts and failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text

from tui_reader.ui.messages import FeedChosen, FeedHighlighted
from tui_reader.ui.widgets.virtual_list import VirtualList

ALL = "@all"
STARRED = "@starred"
TAG_PREFIX = "@tag:"

FeedKind = Literal["all", "starred", "tag", "feed"]
FAILED = Style(color="red", bold=True)
COUNT = Style(color="cyan")
TAG = Style(bold=True, dim=True)


@dataclass(frozen=True, slots=True)
class FeedItem:
    key: str
    label: str
    kind: FeedKind
    unread: int = 0
    failed: bool = False


class FeedList(VirtualList):
    """A short list (tens of feeds), drawn with the same Line API list as the entries."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--cursor"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.items: list[FeedItem] = [
            FeedItem(ALL, "All", "all"),
            FeedItem(STARRED, "Starred", "starred"),
        ]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def current_key(self) -> str:
        return self.items[self.cursor].key if 0 <= self.cursor < len(self.items) else ALL

    def set_items(self, items: list[FeedItem], keep_key: str | None = None) -> None:
        self.items = items
        keys = [item.key for item in items]
        cursor = keys.index(keep_key) if keep_key in keys else min(self.cursor, len(items) - 1)
        self.reset(cursor)

    def select_key(self, key: str) -> bool:
        """Put the cursor on `key` without posting FeedHighlighted: the caller acts on it."""
        for i, item in enumerate(self.items):
            if item.key == key:
                self.move_cursor(i, notify=False)
                return True
        return False

    def render_row(self, index: int, width: int) -> Text:
        item = self.items[index]
        line = Text(no_wrap=True, overflow="ellipsis")
        if item.kind == "tag":
            label = Text(item.label, style=TAG)
        elif item.kind == "feed":
            label = Text("  ")
            label.append("!" if item.failed else " ", FAILED)
            label.append(item.label, FAILED if item.failed else Style())
        else:
            label = Text(item.label, style=Style(bold=True))
        count = str(item.unread) if item.unread else ""
        label.truncate(max(1, width - len(count) - 1), overflow="ellipsis", pad=True)
        line.append_text(label)
        line.append(" " + count if count else " ", COUNT)
        return line

    def on_cursor_moved(self) -> None:
        self.post_message(FeedHighlighted(self.current_key))

    def on_row_selected(self) -> None:
        self.post_message(FeedChosen(self.current_key))
