"""The `i` view: what the three-row header leaves out (whole title and URL, the original, the
aggregator links, the feeds, where the text came from and which names were repaired)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.sanitize import clean_line
from tui_reader.ui.render import META, SOURCE_LABELS, TITLE, format_date, link_style
from tui_reader.ui.widgets.article_view import ArticleView

SCROLL_BINDINGS: list[BindingType] = [
    Binding("j,down", "scroll_by(1)", "Down", show=False),
    Binding("k,up", "scroll_by(-1)", "Up", show=False),
    Binding("space,pagedown", "page(1)", "Page", show=False),
    Binding("b,pageup", "page(-1)", "Page up", show=False),
    Binding("g,home", "edge(0)", "Top", show=False),
    Binding("G,end", "edge(1)", "Bottom", show=False),
]


class ScrollingModal(ModalScreen[None]):
    """A modal over one VerticalScroll: vi keys, space and G/End scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = SCROLL_BINDINGS

    def action_scroll_by(self, lines: int) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroll = self.query_one(VerticalScroll)
        step = max(1, scroll.scrollable_content_region.height - 1)
        scroll.scroll_to(y=scroll.scroll_y + pages * step, animate=False)

    def action_edge(self, bottom: int) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_to(y=scroll.max_scroll_y if bottom else 0, animate=False)


def _url(url: str) -> Text:
    url = clean_line(url)
    return Text(url, style=link_style(url))


def info_table(view: ArticleView) -> Table:
    """Label | value rows for the article `view` shows."""
    entry, article = view.entry, view.article
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    title = (view.repaired.title if view.repaired else "") or (article.title if article else "")
    title = clean_line(title or (entry.title if entry else ""))
    table.add_row(Text("title"), Text(title, style=TITLE))
    url = (entry.url if entry else "") or (article.url if article else "")
    table.add_row(Text("url"), _url(url))
    if view.original:
        table.add_row(Text("original"), _url(view.original))
        table.add_row(Text(""), Text("O opens it, Y copies it", style=META))
    for via in entry.via if entry else ():
        table.add_row(Text("via"), _url(via))
    if view.sources:
        label = "feed" if len(view.sources) == 1 else f"{len(view.sources)} feeds"
        table.add_row(Text(label), Text(" · ".join(clean_line(n) for n in view.sources)))
    site = (article.site_name if article else "") or (entry.site if entry else "")
    author = (article.author if article else "") or (entry.author if entry else "")
    when = (article.published if article else None) or (entry.published if entry else None)
    language = (article.language if article else "") or (entry.language if entry else "")
    for label, value in (
        ("site", site),
        ("author", author),
        ("published", format_date(when)),
        ("language", language),
    ):
        if value:
            table.add_row(Text(label), Text(clean_line(value)))
    source = SOURCE_LABELS.get(article.source, article.source) if article else ""
    table.add_row(Text("text"), Text(source or "summary from the feed"))
    if view.repaired is not None and view.repaired.count:
        names = ", ".join(f"{clean_line(p)} → {clean_line(b)}" for p, b in view.repaired.names())
        shown = "as published" if view.published else "repaired"
        table.add_row(Text("names"), Text(f"{names} ({shown}; t toggles)"))
    images = sum(1 for b in article.blocks if b.kind == "image") if article else 0
    if images:
        table.add_row(Text("images"), Text(f"{images}, shown as [image n] placeholders"))
    return table


class InfoScreen(ScrollingModal):
    BINDINGS: ClassVar[list[BindingType]] = [
        *SCROLL_BINDINGS,
        Binding("escape,q,i", "dismiss", "Close", id="close_info"),
    ]

    DEFAULT_CSS = """
    InfoScreen { align: center middle; }
    InfoScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, view: ArticleView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = "About this article (i or esc closes)"
        with scroll:
            yield Static(info_table(self.view))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
