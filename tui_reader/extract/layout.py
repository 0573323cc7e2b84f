"""Layout tables become plain containers before trafilatura.

A table whose cell holds another table is laying things out (an article in a page-wide table,
two statistics tables side by side), not data: trafilatura reads it as a data table, flattens
each cell and leaves the tables nested in it to a later pass, which puts them after the whole
layout table or, inside a quote, loses them.  Turned into `<div>`s, its cells are read as the
containers they are and the data tables inside stay tables, in their place.

Only that kind: a table of paragraphs and headings without a table in it stays a table
(trafilatura keeps its text, and as `<div>`s the loose text of a cell would be lost).

Containers named "caption" that hold the article: with images off, trafilatura drops every
`div`/`section`/`span`/`p` whose class or id *contains* "caption" (its image-caption filter), so
a list item of a listicle named `item_image no_caption` goes with its heading and text.  A
caption does not hold a heading or two paragraphs: such a container loses the class token or
id that says "caption" (`unmask_caption_wrappers`); real captions are left to the filter.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["unmask_caption_wrappers", "unwrap_layout_tables"]

_OWN_PARTS = frozenset({"thead", "tbody", "tfoot", "tr", "td", "th"})
_CELLS = ("td", "th")
_TABLES = etree.XPath("/descendant::table[.//table]")
_CAPTION_NAMED = etree.XPath(
    "/descendant::*[self::div or self::section or self::span or self::p]"
    "[contains(@class, 'caption') or contains(@id, 'caption')]"
)
_ARTICLE_PARTS = etree.XPath(
    "count(.//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6) > 0 or count(.//p) >= 2"
)
_LAYOUT_ATTRS = ("colspan", "rowspan", "width", "valign", "align", "cellspacing", "cellpadding")


def _own_parts(table: Any) -> list[Any]:
    """The table's own sections, rows and cells (not those of the tables nested in it)."""
    found: list[Any] = []
    stack = [table]
    while stack:
        for child in stack.pop():
            if isinstance(child.tag, str) and child.tag in _OWN_PARTS:
                found.append(child)
                stack.append(child)
    return found


def unwrap_layout_tables(root: Any, html: str) -> int:
    """Turn every table whose own cell holds a table into `<div>`s, in place; how many."""
    if html.count("<table") + html.count("<TABLE") < 2:
        return 0  # such a table holds another one
    done = 0
    for table in _TABLES(root):
        parts = _own_parts(table)
        if not any(p.tag in _CELLS and p.find(".//table") is not None for p in parts):
            continue  # the nested table is in its caption, not in a cell
        for el in (table, *parts):
            el.tag = "div"
            for name in _LAYOUT_ATTRS:
                el.attrib.pop(name, None)
        done += 1
    return done


def unmask_caption_wrappers(root: Any, html: str) -> int:
    """Take "caption" out of the class and id of containers holding a heading or two
    paragraphs, in place; how many."""
    if "caption" not in html:
        return 0
    done = 0
    for el in _CAPTION_NAMED(root):
        if not _ARTICLE_PARTS(el):
            continue
        cls = el.get("class")
        if cls is not None and "caption" in cls:
            el.set("class", " ".join(t for t in cls.split() if "caption" not in t))
        ident = el.get("id")
        if ident is not None and "caption" in ident:
            del el.attrib["id"]
        done += 1
    return done
