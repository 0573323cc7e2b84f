"""A page's article images as image blocks, placed among the text blocks trafilatura gave.

trafilatura's `include_images` changes the extracted text (captions, credits, promos), so it stays
off and the images are found in the page itself instead: the extracted paragraphs are matched back
to the page's elements, the region that holds most of them is the article, and each `<img>` inside
it (between its first and last matched paragraph, not an icon, avatar, logo, share button or
tracking pixel) becomes an image block before the first text block that follows it in the page.
The text blocks are left exactly as they were.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from tui_reader.extract.clean import clean_href, clean_line
from tui_reader.extract.textbuilder import RawBlock, RawLink

__all__ = ["insert_page_images"]

# The elements whose text a paragraph, heading, quote or caption block starts with (lists and
# tables are left out: their items do not start a block, and menus are made of them).
_TEXT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption")
_MATCHED_KINDS = frozenset({"paragraph", "heading", "quote", "caption", "code"})
Event = tuple[Any, Any, int]  # (element, where it stands, matched block index or -1 for an image)
_KEY_CHARS = 48
_KEY_SAMPLE = 160  # characters of a long text normalised for its key
_HEAD_CHARS = 100  # enough text for a key of _KEY_CHARS letters
_MIN_KEY = 20  # shorter texts ("Share", "Read more") match chrome as well as the article
_REGION_SHARE = 0.75  # the region holds at least this share of the matched paragraphs
_ICON = 48  # a declared width or height this small is an icon, not a picture
_MAX_IMAGES = 60
_MAX_ALT = 300
# In src, class or id: what marks chrome rather than the article's pictures.
_CHROME = re.compile(
    r"avatar|gravatar|logo|icon|emoji|sprite|spacer|pixel|badge|share|sharing|social|"
    r"facebook|twitter|whatsapp|linkedin|pinterest|telegram|reddit|button|banner|advert|"
    r"placeholder|preloader|loading|missing-image|player",
    re.IGNORECASE,
)
_ANCESTOR_CHROME = re.compile(
    r"avatar|author|share|sharing|social|related|newsletter|promo|sponsor|advert|comment",
    re.IGNORECASE,
)
_SOCIAL_HOSTS = (
    "facebook.com",
    "twitter.com",
    "x.com",
    "t.co",
    "linkedin.com",
    "pinterest.com",
    "reddit.com",
    "whatsapp.com",
    "wa.me",
    "telegram.me",
    "t.me",
    "instagram.com",
    "tumblr.com",
    "threads.net",
    "bsky.app",
    "mastodon.social",
)


_LAZY = ("data-src", "data-lazy-src", "data-original", "data-srcset", "src", "srcset")


def _source(img: Any) -> str:
    """The picture's URL: a lazy loader's real source before its `src` placeholder."""
    for name in _LAZY:
        value = (img.get(name) or "").strip()
        if name.endswith("srcset") and value:
            value = value.split(",")[0].split()[0]
        if value and not value.startswith("data:"):
            return value
    return ""


def _key(text: str) -> str:
    """Its first letters without any whitespace: the page's inline pieces join with or without
    spaces, the block's text with them collapsed, so whitespace is left out of the comparison."""
    if len(text) > _KEY_SAMPLE:  # a long paragraph: its start, when that gives a whole key
        key = "".join(unicodedata.normalize("NFKC", text[:_KEY_SAMPLE]).casefold().split())
        if len(key) >= _KEY_CHARS + 8:  # the cut cannot change the first _KEY_CHARS letters
            return key[:_KEY_CHARS]
    key = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return key[:_KEY_CHARS] if len(key) >= _MIN_KEY else ""


def _head(el: Any) -> str:
    """The start of an element's text: its leading text when that is long enough for a key
    (most paragraphs), without joining the whole of it."""
    text = el.text or ""
    return text if len(text) >= _HEAD_CHARS else "".join(el.itertext())


def _number(value: str | None) -> int | None:
    value = (value or "").strip().removesuffix("px")
    return int(value) if value.isdigit() else None


def _social(href: str) -> bool:
    try:
        host = (urlsplit(href).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in _SOCIAL_HOSTS)


def _looks_like_chrome(img: Any) -> bool:
    """By its own attributes: no source, an icon's size, or an icon's, logo's... name."""
    src = _source(img)
    if not src:
        return True
    sizes = [_number(img.get("width")), _number(img.get("height"))]
    if any(s is not None and s <= _ICON for s in sizes):
        return True
    return bool(_CHROME.search(" ".join((img.get("class") or "", img.get("id") or "", src))))


def _is_chrome(img: Any, region: Any) -> bool:
    """By where it stands: in a link to a social network, a share bar, an author box..."""
    for anc in img.iterancestors():
        if anc is region:
            break
        if anc.tag == "a" and _social(anc.get("href") or ""):
            return True
        if _ANCESTOR_CHROME.search(" ".join((anc.get("class") or "", anc.get("id") or ""))):
            return True
    return False


def _caption(img: Any) -> str:
    for anc in img.iterancestors():
        if anc.tag == "figure":
            cap = anc.find(".//figcaption")
            return clean_line(" ".join(cap.itertext())) if cap is not None else ""
        if anc.tag in ("article", "main", "body"):
            break
    return ""


def _image_block(img: Any, base: str) -> RawBlock | None:
    """The block of one article image; None without an http(s) source."""
    src = clean_href(_source(img))
    if not src:
        return None
    try:
        url = urljoin(base, src) if base else src
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    text = clean_line(img.get("alt") or "") or _caption(img) or clean_line(img.get("title") or "")
    if not text:
        text = clean_line(unquote(parts.path.rsplit("/", 1)[-1])) or "image"
    text = text[:_MAX_ALT]
    return RawBlock(kind="image", text=text, links=[RawLink(0, len(text), url)])


def _region(matched: list[Any]) -> Any:
    """The deepest element holding at least `_REGION_SHARE` of the matched elements."""
    counts: Counter[Any] = Counter()
    depth: dict[Any, int] = {}
    for el in matched:
        chain = [el, *el.iterancestors()]
        for d, anc in enumerate(reversed(chain)):
            counts[anc] += 1
            depth[anc] = d
    need = max(1, int(len(matched) * _REGION_SHARE + 0.999))
    held = [anc for anc, n in counts.items() if n >= need]
    return max(held, key=depth.__getitem__)


def _inside_region(region: Any) -> Callable[[Any], bool]:
    """Whether an element is `region` or inside it, each ancestor looked at once per page (the
    events share most of their ancestors)."""
    known: dict[Any, bool] = {region: True}

    def inside(el: Any) -> bool:
        chain = []
        node = el
        verdict = False
        while node is not None:
            found = known.get(node)
            if found is not None:
                verdict = found
                break
            chain.append(node)
            node = node.getparent()
        for n in chain:
            known[n] = verdict
        return verdict

    return inside


def _matches(root: Any, keys: dict[str, int]) -> tuple[dict[Any, int], Any]:
    """In page order: the first element matching each block (by block index), and the element
    where every block was found (None when some never were): what follows it is no image of the
    article."""
    found: dict[Any, int] = {}
    seen: set[int] = set()
    for el in root.iter(*_TEXT_TAGS):
        i = keys.get(_key(_head(el)), -1)
        if i >= 0 and i not in seen:
            seen.add(i)
            found[el] = i
            if len(seen) == len(keys):
                return found, el
    return found, None


def _events(
    root: Any, found: dict[Any, int], last: Any, moved: dict[Any, list[Any]]
) -> list[Event]:
    """In page order: the matched elements and the images around them, up to `last`."""
    events: list[Event] = []
    for el in root.iter(*_TEXT_TAGS, "img"):
        if el.tag == "img":
            events.append((el, el, -1))
            continue
        if moved:
            events.extend((img, el, -1) for img in moved.get(el, ()))
        i = found.get(el, -1)
        if i >= 0:
            events.append((el, el, i))
            if el is last:
                break
    return events


def _candidates(region: Any) -> bool:
    """Whether the region holds an image that is not an icon, logo... by its own attributes
    (an image outside the region is never placed): on most pages without, no events to build."""
    return any(not _looks_like_chrome(img) for img in region.iter("img"))


def _placed(events: list[Event], region: Any, base: str) -> dict[int, list[RawBlock]]:
    """The image blocks by the index of the block they go before (the next matched one)."""
    before: dict[int, list[RawBlock]] = {}
    waiting: list[Any] = []
    urls: set[str] = set()
    count = 0
    _inside = _inside_region(region)
    for el, where, i in events:
        if i < 0:
            if _inside(where):
                waiting.append(el)
            continue
        if not _inside(el):
            continue
        for img in waiting:
            if count >= _MAX_IMAGES or _looks_like_chrome(img) or _is_chrome(img, region):
                continue
            block = _image_block(img, base)
            if block is None or block.links[0].href in urls:
                continue
            urls.add(block.links[0].href)
            before.setdefault(i, []).append(block)
            count += 1
        waiting = []  # images after the last matched element are left out (related, author)
    return before


def insert_page_images(
    root: Any, blocks: list[RawBlock], base: str, moved: dict[Any, list[Any]] | None = None
) -> list[RawBlock]:
    """`blocks` with the article's images inserted; the text blocks unchanged and in order.

    `moved`: images the pre-cleaning took out with their figure, by the caption paragraph that
    replaced it (they stood just before it).
    """
    moved = moved or {}
    if not any(
        not _looks_like_chrome(img) for img in itertools.chain(root.iter("img"), *moved.values())
    ):
        return blocks  # the common cheap case: nothing worth looking for
    if any(b.kind == "image" for b in blocks):
        return blocks  # already converted with its images (the container path)
    keys: dict[str, int] = {}
    for i, b in enumerate(blocks):
        if b.kind in _MATCHED_KINDS and (k := _key(b.text)):
            keys.setdefault(k, i)
    found, last = _matches(root, keys) if keys else ({}, None)
    if not found:
        return blocks
    region = _region(list(found))
    if not moved and not _candidates(region):
        return blocks
    before = _placed(_events(root, found, last, moved), region, base)
    if not before:
        return blocks
    out: list[RawBlock] = []
    for i, b in enumerate(blocks):
        out.extend(before.get(i, ()))
        out.append(b)
    return out
