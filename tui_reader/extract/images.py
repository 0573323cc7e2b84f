"""Images kept as blocks, not dropped in silence: `<img>` (feed content, pages) and trafilatura's
`<graphic>` become an "image" block whose text is the alt text (or the file's name) and whose one
link is the image's URL, so the reader numbers it and opens it like any link."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from tui_reader.extract.clean import clean_line
from tui_reader.extract.textbuilder import RawBlock, RawLink

IMAGE_TAGS = frozenset({"img", "graphic"})
_PIXEL = 2  # a width or height this small is a tracking pixel, not a picture
_MAX_ALT = 300


def _source(el: Any) -> str:
    for name in ("src", "data-src", "data-lazy-src", "data-original"):
        value = (el.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    srcset = (el.get("srcset") or el.get("data-srcset") or "").strip()
    return srcset.split(",")[0].split()[0] if srcset else ""


def _is_pixel(el: Any) -> bool:
    for name in ("width", "height"):
        value = (el.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= _PIXEL:
            return True
    return False


def image_block(el: Any) -> RawBlock | None:
    """The image block of an `<img>`/`<graphic>`; None for a tracking pixel or no source."""
    src = _source(el)
    if not src or _is_pixel(el):
        return None
    text = clean_line(el.get("alt") or el.get("title") or "")[:_MAX_ALT]
    if not text:
        try:
            path = urlsplit(src).path
        except ValueError:
            path = ""
        text = clean_line(unquote(path.rsplit("/", 1)[-1])) or "image"
    return RawBlock(kind="image", text=text, links=[RawLink(0, len(text), src)])


def images_within(el: Any) -> list[RawBlock]:
    """The image blocks of every image inside `el` (a paragraph or a link), in order."""
    blocks: list[RawBlock] = []
    for child in el.iter():
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in IMAGE_TAGS and child is not el:
            block = image_block(child)
            if block is not None:
                blocks.append(block)
    return blocks
