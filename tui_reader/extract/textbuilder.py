"""Inline text of a tree, with link spans: the element roles, `TextBuilder` and `RawBlock`.

Shared by the block walker (`convert`) and the rules; both vocabularies are known (trafilatura's
XML and plain HTML).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tui_reader.extract.clean import strip_controls
from tui_reader.models import BlockKind

# Element roles, for both vocabularies (trafilatura XML and HTML).
_ROLE: dict[str, str] = {
    "p": "p",
    "head": "h",
    "h1": "h",
    "h2": "h",
    "h3": "h",
    "h4": "h",
    "h5": "h",
    "h6": "h",
    "list": "list",
    "ul": "list",
    "ol": "list",
    "dl": "list",
    "menu": "list",
    "item": "item",
    "li": "item",
    "dt": "item",
    "dd": "item",
    "quote": "quote",
    "blockquote": "quote",
    "code": "code",
    "pre": "code",
    "table": "table",
    "row": "row",
    "tr": "row",
    "cell": "cell",
    "td": "cell",
    "th": "cell",
    "ref": "a",
    "a": "a",
    "lb": "br",
    "br": "br",
    "figcaption": "caption",
    "caption": "caption",
    "graphic": "skip",
    "img": "skip",
    "script": "skip",
    "style": "skip",
    "noscript": "skip",
    "template": "skip",
    "iframe": "skip",
    "object": "skip",
    "embed": "skip",
    "svg": "skip",
    "math": "skip",
    "form": "skip",
    "button": "skip",
    "input": "skip",
    "select": "skip",
    "textarea": "skip",
    "video": "skip",
    "audio": "skip",
    "picture": "skip",
    "source": "skip",
    "head_html": "skip",
    "title": "skip",
    "meta": "skip",
    "link": "skip",
    "div": "box",
    "section": "box",
    "article": "box",
    "main": "box",
    "body": "box",
    "html": "box",
    "figure": "box",
    "aside": "box",
    "header": "box",
    "footer": "box",
    "nav": "box",
    "center": "box",
    "details": "box",
    "summary": "p",
    "hr": "skip",
    "tbody": "box",
    "thead": "box",
    "tfoot": "box",
    "doc": "box",
    "hgroup": "box",
    "address": "p",
}

ATTRIBUTION = re.compile(r"^\s*[—–―~-]{1,2}\s*\S")


@dataclass(slots=True)
class RawLink:
    start: int
    end: int
    href: str


@dataclass(slots=True)
class RawBlock:
    kind: BlockKind
    text: str
    level: int = 0
    attribution: str = ""
    links: list[RawLink] = field(default_factory=list)
    keep: bool = False  # protected content (a sources list and its title): no rule removes it


class TextBuilder:
    """Accumulates inline text with collapsed whitespace, keeping link spans right."""

    __slots__ = ("_link_starts", "length", "links", "parts", "preserve", "sep_pending")

    def __init__(self, preserve: bool = False) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.links: list[RawLink] = []
        self.preserve = preserve
        self.sep_pending = False
        self._link_starts: list[tuple[int, str]] = []

    def last_char(self) -> str:
        return self.parts[-1][-1] if self.parts else ""

    def add(self, text: str | None) -> None:
        if not text:
            return
        text = strip_controls(text)  # here, so that link offsets stay right
        if not text:
            return
        if not self.preserve:
            if "  " in text or not text.isprintable():
                # else its only whitespace is single ASCII spaces: nothing to collapse
                text = _WS.sub(" ", text)
            last = self.last_char()
            if text[0] == " " and (not last or last in " \n"):
                text = text[1:]
                if not text:
                    return
            if self.sep_pending and last and (last.isalnum() and text[0].isalnum()):
                text = " " + text
        self.sep_pending = False
        self.parts.append(text)
        self.length += len(text)

    def newline(self) -> None:
        if self.parts and self.parts[-1].endswith(" ") and not self.preserve:
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
            if not self.parts[-1]:
                self.parts.pop()
        if (self.parts and self.last_char() != "\n") or (self.preserve and self.parts):
            self.parts.append("\n")
            self.length += 1
        self.sep_pending = False

    def open_link(self, href: str) -> None:
        self._link_starts.append((self.length, href))

    def close_link(self) -> None:
        if self._link_starts:
            start, href = self._link_starts.pop()
            self.links.append(RawLink(start, self.length, href))

    def finish(self) -> tuple[str, list[RawLink]]:
        raw = "".join(self.parts)
        if self.preserve:
            text = raw.strip("\n")
            lead = len(raw) - len(raw.lstrip("\n"))
        else:
            text = raw.strip()
            lead = len(raw) - len(raw.lstrip())
        links: list[RawLink] = []
        for lk in sorted(self.links, key=lambda r: r.start):
            start = max(0, lk.start - lead)
            end = min(len(text), lk.end - lead)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start and not (links and start < links[-1].end):
                links.append(RawLink(start, end, lk.href))
        return text, links


_WS = re.compile(r"\s+")


def tag_of(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def role_of(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return "skip"  # comments, processing instructions
    return _ROLE.get(tag.lower(), "inline")


def inline_link(el: Any, tb: TextBuilder) -> None:
    """A link's text into `tb`, as a link when it has a target (trafilatura's <ref target>)."""
    href = el.get("target") if el.tag == "ref" else el.get("href")
    if href is None:
        inline(el, tb)
        return
    tb.open_link(href)
    inline(el, tb)
    tb.close_link()


def inline(el: Any, tb: TextBuilder) -> None:
    """Text of `el`'s content (not its tail) into `tb`."""
    tb.add(el.text)
    prev_tail_empty = False
    prev_link = False
    for i, child in enumerate(el):
        role = role_of(child)
        if i and prev_tail_empty and (role == "a" or prev_link):
            # trafilatura drops the space between adjacent links; between two pieces of
            # formatting it keeps what the page had ("<b>a</b><b>nd</b>" is one word)
            tb.sep_pending = True
        if role == "br":
            tb.newline()
        elif role == "skip":
            pass
        elif role == "a":
            inline_link(child, tb)
        elif role in ("list", "item", "p", "quote", "h", "table", "row", "caption", "box"):
            # a block nested in inline context: keep its text on its own line
            if role in ("item", "p", "list", "row", "h", "caption"):
                tb.newline()
            inline(child, tb)
            if role in ("item", "p", "row", "h", "caption"):
                tb.newline()
        elif role == "cell":
            if tb.parts and tb.last_char() not in "\n":
                tb.add(" | ")
            inline(child, tb)
        else:
            inline(child, tb)
        tb.sep_pending = False
        tail = child.tail
        prev_tail_empty = not tail or not tail.strip()
        prev_link = role == "a"
        if tail and tail.strip():
            tb.add(tail)
        elif tail:
            tb.add(" ")


def heading_level(el: Any) -> int:
    tag = tag_of(el)
    if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
        return int(tag[1])
    rend = el.get("rend") or ""
    if len(rend) == 2 and rend[0] == "h" and rend[1].isdigit():
        return int(rend[1])
    return 2
