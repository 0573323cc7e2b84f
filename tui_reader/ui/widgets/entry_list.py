"""The entries list: a virtual list over row tuples, one line per entry id."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar
from urllib.parse import urlsplit

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui_reader.sanitize import clean_line
from tui_reader.ui.messages import EntryChosen, Row
from tui_reader.ui.render import format_date
from tui_reader.ui.widgets.virtual_list import VirtualList, text_strip

UNREAD = Style(color="cyan", bold=True)
STAR = Style(color="yellow", bold=True)
SITE = Style(dim=True)
DATE = Style(dim=True)
READ_TITLE = Style(dim=True)
LANGUAGE = Style(color="magenta", dim=True)
LANGUAGE_WIDTH = 2
SITE_WIDTH = 18


class EntryList(VirtualList):
    """Rows are `(id, published, title, site, feed, language)`; nothing per entry is built up
    front."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--cursor"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.languages: dict[str, str] = {}  # id -> language, filled in after the rows
        self.mixed = True  # rows from several feeds: each says which site it is from
        self.feed_name: Callable[[str], str] = lambda url: urlsplit(url).netloc
        self.repair_title: Callable[[str, str], str] = lambda title, _language: title
        self.empty_message = "Loading…"

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def current_id(self) -> str | None:
        return self.rows[self.cursor][0] if 0 <= self.cursor < len(self.rows) else None

    def index_of(self, entry_id: str | None) -> int | None:
        if entry_id is None:
            return None
        for i, row in enumerate(self.rows):
            if row[0] == entry_id:
                return i
        return None

    def set_rows(self, rows: list[Row], keep_id: str | None = None) -> None:
        """New rows; the cursor stays on `keep_id` (or near its old place) and keeps its screen line."""
        old_cursor, old_top = self.cursor, self.scroll_offset.y
        self.rows = rows
        index = self.index_of(keep_id)
        if index is None:
            index = min(old_cursor, max(0, len(rows) - 1))
        self.update_size()
        self.cursor = index
        offset = max(0, min(old_cursor - old_top, self.scrollable_content_region.height - 1))
        self.scroll_to(y=max(0, index - offset), animate=False, immediate=True)
        self.scroll_to_cursor()
        self.refresh()
        self.on_cursor_moved()

    def render_row(self, index: int, width: int) -> Text:
        entry_id, published, title, site, feed, row_language = self.rows[index]
        unread = entry_id not in self.read
        starred = entry_id in self.starred
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("★" if starred else " ", STAR)
        line.append("●" if unread else " ", UNREAD)
        line.append(" ")
        if width >= 40:  # a fixed column: titles stay aligned while languages arrive
            language = self.languages.get(entry_id, "")
            line.append(language[:LANGUAGE_WIDTH].ljust(LANGUAGE_WIDTH) + " ", LANGUAGE)
        date = format_date(published, with_time=width >= 90) if width >= 40 else ""
        site = clean_line(site or self.feed_name(feed)) if self.mixed and width >= 40 else ""
        site = site[: SITE_WIDTH if width >= 60 else SITE_WIDTH // 2]
        tail = (len(site) + 2 if site else 0) + (len(date) + 1 if date else 0)
        lead = 3 + (LANGUAGE_WIDTH + 1 if width >= 40 else 0)
        title_width = max(1, width - lead - tail)
        title_text = Text(
            clean_line(self.repair_title(title, row_language or self.languages.get(entry_id, "")))
            or "(untitled)",
            style=Style() if unread else READ_TITLE,
        )
        title_text.truncate(title_width, overflow="ellipsis", pad=True)
        line.append_text(title_text)
        if site:
            line.append("  " + site, SITE)
        if date:
            line.append(" " + date, DATE)
        return line

    def render_line(self, y: int) -> Strip:
        if not self.rows and y == 0:
            width = self.scrollable_content_region.width
            return text_strip(Text(" " + self.empty_message, style=SITE), width).apply_style(
                self.rich_style
            )
        return super().render_line(y)

    def on_row_selected(self) -> None:
        entry_id = self.current_id
        if entry_id is not None:
            self.post_message(EntryChosen(entry_id))
