"""The article pane: the header and blocks as pre-wrapped Rich Text lines, drawn on the Line API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.glossary import RepairedArticle
from tui_reader.models import Article, Entry
from tui_reader.ui.render import article_lines
from tui_reader.ui.widgets.virtual_list import text_strip


class ArticleView(ScrollView, can_focus=True):
    """Re-wraps on resize to `min(measure, width)` columns; only visible lines become Strips."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "line_down", "Scroll", key_display="j/k", id="cursor_down"),
        Binding("k,up", "line_up", "Up", show=False, id="cursor_up"),
        Binding("g,home", "top", "Top", show=False, id="top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="bottom"),
        Binding("space,pagedown", "page_down", "Page", key_display="space", id="page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("i", "screen.show_info", "Info", id="info"),
        Binding("t", "screen.toggle_published", "Published", show=False, id="toggle_published"),
    ]

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        padding: 0 1;
    }
    """

    def __init__(self, measure: int = 80, align: str = "center", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measure = measure
        self.align = align
        self.entry: Entry | None = None
        self.article: Article | None = None
        self.repaired: RepairedArticle | None = None
        self.original = ""  # the article this one credits as its source, if any
        self.published = False  # `t`: the text exactly as published, brand names unrepaired
        self.entry_id: str | None = None
        self.sources: tuple[str, ...] = ()
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}
        self._wrapped_at = -1

    @property
    def text_width(self) -> int:
        return max(10, min(self.measure, self.scrollable_content_region.width))

    @property
    def margin(self) -> int:
        """Columns left of the text: half the spare room when centred."""
        spare = self.scrollable_content_region.width - self.text_width
        return max(0, spare // 2) if self.align == "center" else 0

    def show(
        self,
        entry_id: str | None,
        entry: Entry | None,
        article: Article | None,
        sources: Sequence[str] = (),
        *,
        repaired: RepairedArticle | None = None,
        original: str = "",
    ) -> None:
        """Show an entry; `sources` names every feed that carried it (for the info view),
        `repaired` its text with brand names repaired, `original` the article it credits."""
        same = entry_id == self.entry_id
        self.entry_id, self.entry, self.article = entry_id, entry, article
        self.repaired, self.original = repaired, original
        if not same:
            self.published = False
        self.sources = tuple(sources)
        self._rewrap(force=True)
        if not same:
            self.scroll_to(y=0, animate=False, immediate=True)

    def clear(self, message: str = "") -> None:
        self.entry_id, self.entry, self.article = None, None, None
        self.repaired, self.original = None, ""
        self.sources = ()
        self._lines = [Text(message, style="dim")] if message else []
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._lines))
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @property
    def plain_lines(self) -> list[str]:
        return [line.plain for line in self._lines]

    def _rewrap(self, force: bool = False) -> None:
        width = self.text_width
        if not force and width == self._wrapped_at:
            return
        self._wrapped_at = width
        if self.entry is not None or self.article is not None:
            self._lines = article_lines(
                self.entry,
                self.article,
                width,
                self.repaired,
                original=self.original,
                published=self.published,
            )
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._lines))
        self.refresh()

    def on_resize(self) -> None:
        self._rewrap()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(index)
        if strip is None or strip.cell_length != width:
            margin = min(self.margin, max(0, width - 1))
            line = Text(" " * margin) if margin else Text()
            line.append_text(self._lines[index])
            strip = text_strip(line, width)
            self._strips[index] = strip
        return strip.apply_style(self.rich_style)

    def toggle_published(self) -> bool:
        """Between the repaired text and the text exactly as published; False: nothing to do."""
        if self.repaired is None or not self.repaired.count:
            return False
        self.published = not self.published
        self._rewrap(force=True)
        return True

    def action_line_down(self) -> None:
        self.scroll_to(y=self.scroll_offset.y + 1, animate=False, immediate=True)

    def action_line_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_offset.y - 1), animate=False, immediate=True)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def action_page_down(self) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=self.scroll_offset.y + step, animate=False, immediate=True)

    def action_page_up(self) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self.scroll_to(y=max(0, self.scroll_offset.y - step), animate=False, immediate=True)
