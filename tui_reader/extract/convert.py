"""Tree -> blocks: walks trafilatura's output tree (p, head, list/item, quote, code, ref, hi, lb,
table/row/cell) or a plain HTML tree (feed content), and builds raw blocks with link spans.

Link targets are kept as found here; resolving, filtering and numbering happen in `pipeline`.
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

_ATTRIBUTION = re.compile(r"^\s*[—–―~-]{1,2}\s*\S")


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


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _role(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return "skip"  # comments, processing instructions
    return _ROLE.get(tag.lower(), "inline")


def _inline_link(el: Any, tb: TextBuilder) -> None:
    """A link's text into `tb`, as a link when it has a target (trafilatura's <ref target>)."""
    href = el.get("target") if el.tag == "ref" else el.get("href")
    if href is None:
        _inline(el, tb)
        return
    tb.open_link(href)
    _inline(el, tb)
    tb.close_link()


def _inline(el: Any, tb: TextBuilder) -> None:
    """Text of `el`'s content (not its tail) into `tb`."""
    tb.add(el.text)
    prev_tail_empty = False
    for i, child in enumerate(el):
        role = _role(child)
        if i and prev_tail_empty and role != "br":
            tb.sep_pending = True
        if role == "br":
            tb.newline()
        elif role == "skip":
            pass
        elif role == "a":
            _inline_link(child, tb)
        elif role in ("list", "item", "p", "quote", "h", "table", "row", "caption", "box"):
            # a block nested in inline context: keep its text on its own line
            if role in ("item", "p", "list", "row", "h", "caption"):
                tb.newline()
            _inline(child, tb)
            if role in ("item", "p", "row", "h", "caption"):
                tb.newline()
        elif role == "cell":
            if tb.parts and tb.last_char() not in "\n":
                tb.add(" | ")
            _inline(child, tb)
        else:
            _inline(child, tb)
        tb.sep_pending = False
        tail = child.tail
        prev_tail_empty = not tail or not tail.strip()
        if tail and tail.strip():
            tb.add(tail)
        elif tail:
            tb.add(" ")


def _heading_level(el: Any) -> int:
    tag = _tag(el)
    if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
        return int(tag[1])
    rend = el.get("rend") or ""
    if len(rend) == 2 and rend[0] == "h" and rend[1].isdigit():
        return int(rend[1])
    return 2


class BlockWalker:
    """Turns a container element's children into RawBlocks, in reading order."""

    def __init__(self, max_blocks: int = 5000) -> None:
        self.blocks: list[RawBlock] = []
        self.max_blocks = max_blocks
        self._pending: TextBuilder | None = None  # loose inline content between blocks

    # -- helpers
    def _emit(self, kind: BlockKind, tb: TextBuilder, level: int = 0) -> None:
        text, links = tb.finish()
        if not text or len(self.blocks) >= self.max_blocks:
            return
        self.blocks.append(RawBlock(kind=kind, text=text, level=level, links=links))

    def _loose(self) -> TextBuilder:
        if self._pending is None:
            self._pending = TextBuilder()
        return self._pending

    def _flush(self) -> None:
        if self._pending is not None:
            self._emit("paragraph", self._pending)
            self._pending = None

    # -- walking
    def walk(self, container: Any) -> list[RawBlock]:
        self._children(container)
        self._flush()
        return self.blocks

    def walk_element(self, el: Any) -> list[RawBlock]:
        """The blocks of `el` itself (not only of its children)."""
        self._block(el)
        self._flush()
        return self.blocks

    def _children(self, el: Any) -> None:
        if el.text and el.text.strip():
            self._loose().add(el.text)
        for child in el:
            self._block(child)
            tail = child.tail
            if tail and tail.strip():
                self._loose().add(tail)

    def _block(self, el: Any) -> None:
        role = _role(el)
        if role == "skip":
            return
        if role in ("inline", "a", "br", "cell"):
            tb = self._loose()
            if role == "br":
                tb.newline()
                return
            if role == "a":
                _inline_link(el, tb)
            else:
                _inline(el, tb)
            return
        self._flush()
        if role == "box":
            self._children(el)
            self._flush()
        elif role == "p":
            tb = TextBuilder()
            _inline(el, tb)
            self._emit("paragraph", tb)
        elif role == "h":
            tb = TextBuilder()
            _inline(el, tb)
            self._emit("heading", tb, _heading_level(el))
        elif role == "caption":
            tb = TextBuilder()
            _inline(el, tb)
            self._emit("caption", tb)
        elif role in ("list", "item"):
            tb = TextBuilder()
            self._list(el, tb)
            self._emit("list", tb)
        elif role == "code":
            tb = TextBuilder(preserve=True)
            _code(el, tb)
            self._emit("code", tb)
        elif role == "quote":
            self._quote(el)
        elif role in ("table", "row"):
            tb = TextBuilder()
            self._table(el, tb)
            self._emit("paragraph", tb)

    def _list(self, el: Any, tb: TextBuilder) -> None:
        if _role(el) == "item":
            self._item(el, tb)
            return
        for child in el:
            role = _role(child)
            if role == "item":
                self._item(child, tb)
            elif role == "list":
                self._list(child, tb)
            elif role != "skip":
                tb.newline()
                _inline(child, tb)
                tb.newline()

    def _item(self, el: Any, tb: TextBuilder) -> None:
        tb.newline()
        tb.add(el.text)
        for i, child in enumerate(el):
            role = _role(child)
            if role == "list":
                self._list(child, tb)
            elif role == "br":
                tb.newline()
            elif role == "a":
                if i and tb.last_char().isalnum():
                    tb.sep_pending = True
                _inline_link(child, tb)
            elif role in ("p", "box"):
                tb.add(" ")
                _inline(child, tb)
            elif role != "skip":
                _inline(child, tb)
            tb.sep_pending = False
            if child.tail:
                tb.add(child.tail if child.tail.strip() else " ")
        tb.newline()

    def _table(self, el: Any, tb: TextBuilder) -> None:
        for row in el.iter():
            if row is el and _role(el) != "row":
                continue
            if _role(row) != "row":
                continue
            cells = [c for c in row if _role(c) == "cell"]
            tb.newline()
            for i, cell in enumerate(cells):
                if i:
                    tb.add(" | ")
                _inline(cell, tb)
            tb.newline()

    def _quote(self, el: Any) -> None:
        tb = TextBuilder()
        attribution = ""
        cite_parts: list[str] = []
        tb.add(el.text)
        for child in el:
            role = _role(child)
            tag = _tag(child)
            if tag in ("cite", "footer") and _is_last_meaningful(child):
                sub = TextBuilder()
                _inline(child, sub)
                cite_parts.append(sub.finish()[0])
            elif role in ("p", "list", "item", "h", "box", "quote", "caption", "code"):
                tb.newline()
                if role in ("list", "item"):
                    self._list(child, tb)
                else:
                    _inline(child, tb)
                tb.newline()
            elif role == "br":
                tb.newline()
            elif role == "a":
                _inline_link(child, tb)
            elif role != "skip":
                _inline(child, tb)
            tail = child.tail
            if tail and tail.strip():
                if role in ("p", "list", "item", "h", "box", "quote"):
                    tb.newline()
                tb.add(tail)
            elif tail:
                tb.add(" ")
        text, links = tb.finish()
        if cite_parts:
            attribution = " ".join(p for p in cite_parts if p)
        else:
            lines = text.split("\n")
            if len(lines) > 1 and _ATTRIBUTION.match(lines[-1]) and len(lines[-1]) <= 200:
                cut = len(text) - len(lines[-1])
                if not any(lk.end > cut for lk in links):
                    attribution = lines[-1].strip()
                    text = text[:cut].rstrip("\n ")
        if not text and attribution:
            text, attribution = attribution, ""
        if text and len(self.blocks) < self.max_blocks:
            self.blocks.append(
                RawBlock(
                    kind="quote", text=text, attribution=strip_controls(attribution), links=links
                )
            )


def _is_last_meaningful(el: Any) -> bool:
    """True when nothing but whitespace follows `el` inside its parent."""
    if el.tail and el.tail.strip():
        return False
    nxt = el.getnext()
    while nxt is not None:
        if _role(nxt) != "skip" and ((nxt.text and nxt.text.strip()) or len(nxt)):
            return False
        if nxt.tail and nxt.tail.strip():
            return False
        nxt = nxt.getnext()
    return True


def _code(el: Any, tb: TextBuilder) -> None:
    """Code keeps its whitespace; line breaks become newlines."""
    if el.text:
        tb.add(el.text)
    for child in el:
        if _role(child) == "br":
            tb.add("\n")
        elif _role(child) != "skip" or _tag(child) == "code":
            _code(child, tb)
        if child.tail:
            tb.add(child.tail)


def attach_attributions(blocks: list[RawBlock]) -> list[RawBlock]:
    """A short "— Name, role" paragraph right after a quote is that quote's attribution."""
    out: list[RawBlock] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "quote"
            and not prev.attribution
            and block.kind == "paragraph"
            and not block.links
            and "\n" not in block.text
            and _ATTRIBUTION.match(block.text)
            and len(block.text.split()) <= 20
        ):
            prev.attribution = block.text.strip()
            continue
        out.append(block)
    return out
