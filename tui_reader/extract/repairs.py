"""Two repairs of the page tree before trafilatura, found in one walk of the page.

Inline elements displayed as blocks inside a paragraph (a `style` attribute, or a class one of
the page's own style sheets displays as a block) get a line break before and after: such a box
becomes a line of its own, judged alone by the block rules (`runs`).  Pull quotes inside a
`<figure>` (which trafilatura drops) become plain containers, and a quote's `<cite>`/`<footer>`
attribution becomes a "— Name" line.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from tui_reader.extract.clean import clean_line

__all__ = ["repair_boxes_and_quotes"]

_BLOCK_DISPLAY = r"display\s*:\s*(?:block|flex|grid|table|list-item)"
_BLOCK_STYLE = re.compile(_BLOCK_DISPLAY, re.I)
_STYLE_SHEETS = re.compile(r"<style[^>]*>(.*?)</style>", re.I | re.S)
_BLOCK_CLASS_RULE = re.compile(r"\.(-?[_A-Za-z][\w-]*)\s*\{[^}]*?" + _BLOCK_DISPLAY, re.I)
_INLINE = ("span", "a", "small", "em", "i", "b", "strong", "ins", "mark", "cite", "label")
_INLINE_TAGS = frozenset(_INLINE)
# The attribute test before the names: libxml2 then skips most descendants before the eleven
# name tests (a third of the cost on real pages; the same nodes).
_BOXES = "/descendant::p//*[@style or @class][" + " or ".join(f"self::{t}" for t in _INLINE) + "]"
_QUOTES = (
    "/descendant::figure[.//blockquote] | /descendant::blockquote/cite"
    " | /descendant::blockquote/footer | /descendant::blockquote/p/cite[last()]"
)
# Each XPath walks the whole page (0.15-0.2 ms however little it finds): one union for both.
_FIND = {
    (True, False): etree.XPath(_BOXES),
    (False, True): etree.XPath(_QUOTES),
    (True, True): etree.XPath(_BOXES + " | " + _QUOTES),
}
_DASH_START = re.compile(r"^\s*[—–―~-]")


def repair_boxes_and_quotes(root: Any, html: str) -> None:
    """Both repairs, in place (the inline boxes first)."""
    key = ("display" in html, "blockquote" in html)
    find = _FIND.get(key)
    if find is None:
        return
    found = find(root)
    boxes, quotes = _split(found) if key == (True, True) else (found, []) if key[0] else ([], found)
    if boxes:
        _break_inline_boxes(boxes, html)
    if quotes:
        _repair_quotes(quotes)


def _split(found: list[Any]) -> tuple[list[Any], list[Any]]:
    """The union's nodes as (inline box candidates, quote figures and attributions), each in
    document order; a `<cite>` can be both."""
    boxes: list[Any] = []
    quotes: list[Any] = []
    for el in found:
        if el.tag == "cite":
            if _quote_cite(el):
                quotes.append(el)
            if _box_candidate(el):
                boxes.append(el)
        elif el.tag in _INLINE_TAGS:
            boxes.append(el)
        else:
            quotes.append(el)  # a figure or a footer
    return boxes, quotes


def _quote_cite(cite: Any) -> bool:
    """blockquote/cite, or the last cite of a blockquote/p."""
    parent = cite.getparent()
    if parent is None:
        return False
    if parent.tag == "blockquote":
        return True
    grand = parent.getparent()
    return (
        parent.tag == "p"
        and grand is not None
        and grand.tag == "blockquote"
        and parent.findall("cite")[-1] is cite
    )


def _box_candidate(el: Any) -> bool:
    """Under a <p>, with a style or a class."""
    if el.get("style") is None and el.get("class") is None:
        return False
    return any(anc.tag == "p" for anc in el.iterancestors())


def _block_classes(html: str, wanted: set[str]) -> frozenset[str]:
    """Of the classes `wanted`, those the page's own style sheets display as blocks
    (".box{display:block}")."""
    if not any("." + c in html for c in wanted):
        return frozenset()
    found: set[str] = set()
    for sheet in _STYLE_SHEETS.findall(html[:400_000]):
        if "display" in sheet:
            found.update(_BLOCK_CLASS_RULE.findall(sheet))
    return frozenset(found & wanted)


def _break_inline_boxes(candidates: list[Any], html: str) -> None:
    """Line breaks around the inline elements (of `candidates`) displayed as blocks.  The style
    sheets are read only when such an element has a class (most pages have none)."""
    styled = [bool((st := el.get("style")) and _BLOCK_STYLE.search(st)) for el in candidates]
    wanted = {
        c
        for el, block in zip(candidates, styled, strict=True)
        if not block
        for c in (el.get("class") or "").split()
    }
    classes = _block_classes(html, wanted) if wanted else frozenset()
    boxes = [
        el
        for el, block in zip(candidates, styled, strict=True)
        if block or not classes.isdisjoint((el.get("class") or "").split())
    ]
    for el in boxes:
        if el.getparent() is None:
            continue
        el.addprevious(el.makeelement("br", {}))
        after = el.makeelement("br", {})
        after.tail, el.tail = el.tail, None
        el.addnext(after)


def _repair_quotes(found: list[Any]) -> None:
    """Keep pull quotes (trafilatura drops <figure>) and their <cite>/<footer> attributions."""
    for fig in found:
        if fig.tag == "figure":
            fig.tag = "div"
    for cite in found:
        if cite.tag == "div":
            continue  # a figure just renamed
        text = clean_line(" ".join(cite.itertext()))
        if not text:
            continue
        parent = cite.getparent()
        # <p><cite>Name</cite></p> as the last paragraph of the quote, or a cite inside prose
        if parent.tag == "p" and (clean_line(parent.text or "") or len(parent) > 1):
            continue
        cite.tag = "p"
        if not _DASH_START.match(text):
            cite.text = "— " + (cite.text or "").lstrip()
        if parent.tag == "p":
            parent.tag = "div"
