"""Page input: bytes decoded (BOM, UTF-8, declared charset, cp1252) and parsed once with lxml.

One parser per thread, with trafilatura's settings; a feed item's content is parsed as a
fragment inside an <article>.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from tui_reader import sanitize

MAX_INPUT_CHARS = 6_000_000  # pages beyond this are cut (a news article is far smaller)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)


def decode(data: str | bytes) -> str:
    """Bytes -> str: BOM, then UTF-8, then the page's declared charset, then cp1252."""
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data[: MAX_INPUT_CHARS * 2])
        if raw.startswith(b"\xef\xbb\xbf"):
            text = raw[3:].decode("utf-8", "replace")
        elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16", "replace")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                m = _META_CHARSET.search(raw[:4096])
                enc = m.group(1).decode("ascii", "replace") if m else "cp1252"
                try:
                    text = raw.decode(enc, "replace")
                except LookupError:
                    text = raw.decode("cp1252", "replace")
    if len(text) > MAX_INPUT_CHARS:
        text = text[:MAX_INPUT_CHARS]
    if "\x1b" in text or "\x9b" in text:
        text = sanitize.strip_escapes(text)
    # lxml drops the other C0 controls itself; output strings are sanitised again at the end
    return text


class _Parsers(threading.local):
    """One HTML parser per thread (lxml parsers must not be shared between threads).

    trafilatura's own parser settings, with the element classes chosen in C: lxml.html's
    lookup calls Python for each element a tree walk touches (about 1,400 a page), 5 % of an
    extraction, to pick form and input classes that neither we nor trafilatura's fast path use.
    """

    def __init__(self) -> None:
        self.html = lxml_html.HTMLParser(
            collect_ids=False,
            default_doctype=False,
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
        )
        self.html.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml_html.HtmlElement,
                comment=lxml_html.HtmlComment,
                pi=lxml_html.HtmlProcessingInstruction,
                entity=lxml_html.HtmlEntity,
            )
        )


_PARSERS = _Parsers()


def _load_html(text: str) -> Any:
    """`trafilatura.utils.load_html` for a decoded page, with our parser."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    parser = _PARSERS.html
    tree = None
    try:
        tree = lxml_html.fromstring(text, parser=parser)
    except Exception:  # an encoding declaration in a str, or libxml2 giving up
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml_html.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
        except Exception:
            tree = None
    if tree is not None and dubious and len(tree) < 2:
        return None  # not HTML at all
    return tree


def parse_page(text: str) -> Any:
    """The page's tree, without comments (our parser drops them; the last resort does not)."""
    tree = _load_html(text)
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(text or "<html></html>")
        except (etree.ParserError, ValueError):
            return None
        etree.strip_elements(tree, etree.Comment, with_tail=False)
    return tree


def empty_page() -> Any:
    """`<html><head/><body/></html>` made as `parse_page`'s trees are (lxml.html elements)."""
    root = _PARSERS.html.makeelement("html")
    etree.SubElement(root, "head")
    etree.SubElement(root, "body")
    return root


def parse_fragment(text: str) -> Any:
    try:
        body = lxml_html.fragment_fromstring(text, create_parent="article", parser=_PARSERS.html)
    except (etree.ParserError, ValueError):
        return None
    root = lxml_html.Element("html")
    b = etree.SubElement(root, "body")
    b.append(body)
    return root
