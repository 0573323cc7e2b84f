"""Tree -> blocks: walks trafilatura's output tree (p, head, list/item, quote, code, ref, hi, lb,
table/row/cell) or a plain HTML tree (feed content), and builds raw blocks with link spans.

Link targets are kept as found here; resolving, filtering and numbering happen in `pipeline`.
"""

from __future__ import annotations

from typing import Any

from tui_reader.extract.clean import strip_controls
from tui_reader.extract.images import IMAGE_TAGS, image_block, images_within
from tui_reader.extract.textbuilder import (
    ATTRIBUTION,
    RawBlock,
    RawLink,
    TextBuilder,
    heading_level,
    inline,
    inline_link,
    role_of,
    tag_of,
)
from tui_reader.models import BlockKind

__all__ = ["BlockWalker", "RawBlock", "RawLink", "TextBuilder", "attach_attributions"]


class BlockWalker:
    """Turns a container element's children into RawBlocks, in reading order."""

    def __init__(self, max_blocks: int = 5000) -> None:
        self.blocks: list[RawBlock] = []
        self.max_blocks = max_blocks
        self.dropped = 0  # blocks past the cap: the article says they were cut (`_mark_cut`)
        self._pending: TextBuilder | None = None  # loose inline content between blocks
        self._pending_images: list[RawBlock] = []  # images inside that content, after it

    # -- helpers
    def _emit(self, kind: BlockKind, tb: TextBuilder, level: int = 0) -> None:
        text, links = tb.finish()
        if not text:
            return
        if len(self.blocks) >= self.max_blocks:
            self.dropped += 1
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
        if self._pending_images:
            self._add_images(self._pending_images)
            self._pending_images = []

    def _add_images(self, images: list[RawBlock]) -> None:
        room = max(0, self.max_blocks - len(self.blocks))
        self.dropped += max(0, len(images) - room)
        self.blocks.extend(images[:room])

    # -- walking
    def walk(self, container: Any) -> list[RawBlock]:
        self._children(container)
        self._flush()
        return self._mark_cut()

    def walk_element(self, el: Any) -> list[RawBlock]:
        """The blocks of `el` itself (not only of its children)."""
        self._block(el)
        self._flush()
        return self._mark_cut()

    def _mark_cut(self) -> list[RawBlock]:
        """The blocks, ending with a line that says so if the article was cut at the cap."""
        if self.dropped:
            note = (
                f"[The article goes on: {self.dropped:,} more blocks were not kept "
                f"(at most {self.max_blocks:,} are).]"
            )
            self.blocks.append(RawBlock(kind="paragraph", text=note, keep=True))
            self.dropped = 0
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
        role = role_of(el)
        if tag_of(el) in IMAGE_TAGS:
            self._flush()
            image = image_block(el)
            if image is not None:
                self._add_images([image])
            return
        if role == "skip":
            return
        if role in ("inline", "a", "br", "cell"):
            tb = self._loose()
            if role == "br":
                tb.newline()
                return
            if role == "a":
                inline_link(el, tb)
            else:
                inline(el, tb)
            self._pending_images.extend(images_within(el))
            return
        self._flush()
        if role == "box":
            self._children(el)
            self._flush()
        elif role == "p":
            tb = TextBuilder()
            inline(el, tb)
            self._emit("paragraph", tb)
            self._add_images(images_within(el))
        elif role == "h":
            tb = TextBuilder()
            inline(el, tb)
            self._emit("heading", tb, heading_level(el))
        elif role == "caption":
            tb = TextBuilder()
            inline(el, tb)
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
        if role_of(el) == "item":
            self._item(el, tb)
            return
        for child in el:
            role = role_of(child)
            if role == "item":
                self._item(child, tb)
            elif role == "list":
                self._list(child, tb)
            elif role != "skip":
                tb.newline()
                inline(child, tb)
                tb.newline()

    def _item(self, el: Any, tb: TextBuilder) -> None:
        tb.newline()
        tb.add(el.text)
        for i, child in enumerate(el):
            role = role_of(child)
            if role == "list":
                self._list(child, tb)
            elif role == "br":
                tb.newline()
            elif role == "a":
                if i and tb.last_char().isalnum():
                    tb.sep_pending = True
                inline_link(child, tb)
            elif role in ("p", "box"):
                tb.add(" ")
                inline(child, tb)
            elif role != "skip":
                inline(child, tb)
            tb.sep_pending = False
            if child.tail:
                tb.add(child.tail if child.tail.strip() else " ")
        tb.newline()

    def _table(self, el: Any, tb: TextBuilder) -> None:
        for row in el.iter():
            if row is el and role_of(el) != "row":
                continue
            if role_of(row) != "row":
                continue
            cells = [c for c in row if role_of(c) == "cell"]
            tb.newline()
            for i, cell in enumerate(cells):
                if i:
                    tb.add(" | ")
                inline(cell, tb)
            tb.newline()

    def _quote(self, el: Any) -> None:
        tb = TextBuilder()
        cite_parts: list[str] = []
        tb.add(el.text)
        cells = any(role_of(child) == "cell" for child in el)
        for child in el:
            role = role_of(child)
            tag = tag_of(child)
            if tag in ("cite", "footer") and _is_last_meaningful(child):
                sub = TextBuilder()
                inline(child, sub)
                cite_parts.append(sub.finish()[0])
            elif role in ("p", "list", "item", "h", "box", "quote", "caption", "code"):
                tb.newline()
                if role in ("list", "item"):
                    self._list(child, tb)
                else:
                    inline(child, tb)
                tb.newline()
            else:
                _quote_inline(child, role, tb, cells)
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
            text, attribution = _split_attribution(text, links)
        if not text and attribution:
            text, attribution = attribution, ""
        if text and len(self.blocks) >= self.max_blocks:
            self.dropped += 1
        elif text:
            self.blocks.append(
                RawBlock(
                    kind="quote", text=text, attribution=strip_controls(attribution), links=links
                )
            )


def _quote_inline(child: Any, role: str, tb: TextBuilder, cells: bool) -> None:
    """An inline child of a quote.  A table inside a quote comes out of trafilatura as bare
    cells without rows, and a cell holding only a link as the bare link: " | " between them."""
    if role == "br":
        tb.newline()
    elif role == "cell" or (role == "a" and cells):
        if tb.parts and tb.last_char() != "\n":
            tb.add(" | ")
        (inline_link if role == "a" else inline)(child, tb)
    elif role == "a":
        inline_link(child, tb)
    elif role != "skip":
        inline(child, tb)


def _split_attribution(text: str, links: list[RawLink]) -> tuple[str, str]:
    """(quote, attribution): a last line "— Name" without links is the quote's attribution."""
    lines = text.split("\n")
    if len(lines) > 1 and ATTRIBUTION.match(lines[-1]) and len(lines[-1]) <= 200:
        cut = len(text) - len(lines[-1])
        if not any(lk.end > cut for lk in links):
            return text[:cut].rstrip("\n "), lines[-1].strip()
    return text, ""


def _is_last_meaningful(el: Any) -> bool:
    """True when nothing but whitespace follows `el` inside its parent."""
    if el.tail and el.tail.strip():
        return False
    nxt = el.getnext()
    while nxt is not None:
        if role_of(nxt) != "skip" and ((nxt.text and nxt.text.strip()) or len(nxt)):
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
        if role_of(child) == "br":
            tb.add("\n")
        elif role_of(child) != "skip" or tag_of(child) == "code":
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
            and ATTRIBUTION.match(block.text)
            and len(block.text.split()) <= 20
        ):
            prev.attribution = block.text.strip()
            continue
        out.append(block)
    return out
