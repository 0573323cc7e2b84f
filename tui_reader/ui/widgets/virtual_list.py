"""A cursor list on Textual's Line API: only the visible lines are ever rendered."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

NAV_BINDINGS: list[BindingType] = [
    Binding("j,down", "cursor_down", "Move", key_display="j/k", id="cursor_down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="cursor_up"),
    Binding("g,home", "top", "Top", show=False, id="top"),
    Binding("G,end", "bottom", "Bottom", show=False, id="bottom"),
    Binding("space,pagedown", "page_down", "Page", show=False, id="page_down"),
    Binding("b,pageup", "page_up", "Page up", show=False, id="page_up"),
    Binding("enter", "select", "Open", id="open"),
]

_CONSOLE = Console(width=400, color_system="truecolor", legacy_windows=False, force_terminal=True)


def text_strip(text: Text, width: int) -> Strip:
    """A Text cut or padded to exactly `width` cells (wide characters counted as two)."""
    text.truncate(width, overflow="ellipsis", pad=True)
    # Text.render leaves out the Text's own (base) style when it has no spans: a bold title
    # line would come out plain. Apply the base style underneath every segment ourselves.
    base = _CONSOLE.get_style(text.style) if text.style else None
    segments = [
        Segment(seg.text, seg.style)
        for seg in Segment.apply_style(text.render(_CONSOLE), base)
        if seg.text
    ]
    return Strip(segments).crop_extend(0, width, None)


class VirtualList(ScrollView, can_focus=True):
    """Rows are an indexable sequence; subclasses say how one row looks."""

    BINDINGS: ClassVar[list[BindingType]] = NAV_BINDINGS
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--cursor"}

    DEFAULT_CSS = """
    VirtualList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
    }
    VirtualList > .virtual-list--cursor {
        background: $primary 40%;
        text-style: bold;
    }
    VirtualList:focus > .virtual-list--cursor {
        background: $primary;
        color: $text;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self.lines_rendered = 0  # for tests: proves only visible lines are rendered

    # -- what subclasses provide ------------------------------------------------------------

    @property
    def count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, width: int) -> Text:
        raise NotImplementedError

    def on_cursor_moved(self) -> None:
        """Called after the cursor moved to another row."""

    def on_row_selected(self) -> None:
        """Called on enter."""

    # -- Line API ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= self.count or index < 0:
            return Strip.blank(width, self.rich_style)
        self.lines_rendered += 1
        text = self.render_row(index, width)
        style = self.rich_style
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-list--cursor")
        return text_strip(text, width).apply_style(style)

    def update_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.count)

    def on_resize(self) -> None:
        self.update_size()
        self.scroll_to_cursor()

    # -- cursor -----------------------------------------------------------------------------

    def move_cursor(self, index: int, *, center: bool = False, notify: bool = True) -> None:
        """Move the cursor to `index` and scroll to it; `notify`: call `on_cursor_moved`."""
        count = self.count
        index = max(0, min(index, count - 1)) if count else 0
        old = self.cursor
        self.cursor = index
        if old != index:
            self.refresh_line(old)
            self.refresh_line(index)
        self.scroll_to_cursor(center=center)
        if notify and old != index:
            self.on_cursor_moved()

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.scroll_offset.y
        if center:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def reset(self, cursor: int = 0) -> None:
        """The rows changed: resize, put the cursor at `cursor` and redraw what is visible."""
        self.update_size()
        count = self.count
        self.cursor = max(0, min(cursor, count - 1)) if count else 0
        self.refresh()
        self.scroll_to_cursor(center=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_top(self) -> None:
        self.move_cursor(0)

    def action_bottom(self) -> None:
        self.move_cursor(self.count - 1)

    def action_page_down(self) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + height, animate=False, immediate=True)
        self.move_cursor(self.cursor + height)

    def action_page_up(self) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, self.scroll_offset.y - height), animate=False, immediate=True)
        self.move_cursor(self.cursor - height)

    def action_select(self) -> None:
        if self.count:
            self.on_row_selected()
