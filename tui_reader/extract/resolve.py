"""Link targets: the page's base URL, relative hrefs made absolute, and the final numbered links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from tui_reader.extract.clean import clean_href, clean_line, strip_controls
from tui_reader.extract.convert import RawBlock
from tui_reader.models import Block, Link, LinkRef


def base_url(bases: list[Any], url: str, canonical: str) -> str:
    """`bases`: the page's `<base href>` elements (`pageindex`)."""
    base = url or canonical
    for el in bases[:1]:
        href = (el.get("href") or "").strip()
        if href:
            base = urljoin(base, href) if base else href
    return base


_REBUILT = frozenset("?#;\t\r\n")  # what urljoin's parse and rebuild of a URL may change


def _join(base: str, href: str) -> str:
    """`urljoin(base, href)`, without its parse and rebuild of an absolute http(s) URL with a
    host, no query, fragment or parameters and no tab or newline: the rebuild gives it back."""
    rest = (
        href[8:] if href.startswith("https://") else href[7:] if href.startswith("http://") else ""
    )
    if rest and rest[0] != "/" and _REBUILT.isdisjoint(href):
        return href
    return urljoin(base, href)


def _resolve(href: str, base: str, page: str) -> str | None:
    href = clean_href(href)
    if not href or href.startswith("#"):
        return None
    try:
        absolute = _join(base, href) if base else href
        parts = urlsplit(absolute)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.netloc:
            return None
        if page and parts.fragment and absolute.split("#", 1)[0] == page.split("#", 1)[0]:
            return None  # an anchor inside this page
        return absolute
    if not scheme and not base and not href.startswith("//"):
        return href  # relative, with nothing to resolve it against
    return None


def absolutize(blocks: list[RawBlock], base: str) -> None:
    """Relative hrefs made absolute, so the block rules can compare hosts (same site or not)."""
    if not base:
        return
    cache: dict[str, str] = {}
    for block in blocks:
        for lk in block.links:
            href = lk.href
            if href.startswith(("http://", "https://")):
                continue
            got = cache.get(href)
            if got is None:
                try:
                    got = urljoin(base, clean_href(href))
                except ValueError:
                    got = href
                cache[href] = got
            lk.href = got


def finish_blocks(
    raw: list[RawBlock], base: str, page: str
) -> tuple[tuple[Block, ...], tuple[Link, ...]]:
    blocks: list[Block] = []
    links: list[Link] = []
    for rb in raw:
        refs: list[LinkRef] = []
        text = strip_controls(rb.text)
        spans = rb.links if text == rb.text else []  # TextBuilder cleans: always equal
        for lk in spans:
            href = _resolve(lk.href, base, page)
            if href is None:
                continue
            anchor = clean_line(text[lk.start : lk.end])
            if not anchor:
                continue
            number = len(links) + 1
            links.append(Link(number=number, text=anchor, href=href))
            refs.append(LinkRef(lk.start, lk.end, number))
        blocks.append(
            Block(
                kind=rb.kind,
                text=text,
                level=rb.level if rb.kind == "heading" else 0,
                attribution=clean_line(rb.attribution),
                links=tuple(refs),
            )
        )
    return tuple(blocks), tuple(links)
