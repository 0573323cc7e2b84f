"""Layout tables become plain containers before trafilatura.

A table used for layout (a cell that holds the article's headings or paragraphs, or other
tables) is not data: trafilatura reads it as a data table, flattens each cell and leaves the
tables nested in it to a later pass that never reaches them, so an article laid out in a table
loses every table inside it (a weekly edition's statistics, a sidebar of figures).  Turned into
`<div>`s, its cells are read as the containers they are; the data tables inside stay tables.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["unwrap_layout_tables"]

_OWN_PARTS = frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LAYOUT_PARAGRAPHS = 2  # paragraphs in one cell: prose, not a value
_TABLES = etree.XPath("/descendant::table[.//table]")


def _own_parts(table: Any) -> list[Any]:
    """The table's own sections, rows and cells (not those of tables nested in it)."""
    found: list[Any] = []
    stack = [table]
    while stack:
        el = stack.pop()
        for child in el:
            if isinstance(child.tag, str) and child.tag in _OWN_PARTS:
                found.append(child)
                stack.append(child)
    return found


def _is_layout(cells: list[Any]) -> bool:
    for cell in cells:
        paragraphs = 0
        for el in cell.iterdescendants():
            tag = el.tag
            if tag == "table" or tag in _HEADINGS:
                return True
            if tag == "p":
                paragraphs += 1
                if paragraphs >= LAYOUT_PARAGRAPHS:
                    return True
    return False


def unwrap_layout_tables(root: Any, html: str) -> int:
    """Turn every layout table of the page into `<div>`s, in place; how many were."""
    if "<table" not in html and "<TABLE" not in html:
        return 0
    done = 0
    for table in _TABLES(root):
        parts = _own_parts(table)
        if not _is_layout([p for p in parts if p.tag in ("td", "th")]):
            continue
        for el in (table, *parts):
            el.tag = "div"
            for name in ("colspan", "rowspan", "width", "valign", "align", "cellspacing"):
                el.attrib.pop(name, None)
        done += 1
    return done
