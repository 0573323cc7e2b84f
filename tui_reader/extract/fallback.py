"""When trafilatura's fast path got the page wrong: little text, mostly links, or navigation.

`fast=True` skips trafilatura's comparison with its fallback extractors (readability, jusText):
better and faster on most news pages, but on some it returns the navigation menu, or a couple of
paragraphs and a subscription box.  These tests say when the full path must be tried; the
pipeline keeps whichever result has more prose.
"""

from __future__ import annotations

from typing import Any

from tui_reader.extract.convert import RawBlock

MIN_PROSE_CHARS = 600  # less than this is not a news article: a teaser, a menu, an error page
MAX_LINK_SHARE = 0.5
NAV_SHORT_WORDS = 4
NAV_SHORT_SHARE = 0.6
NAV_MIN_BLOCKS = 6
MIN_PAGE_EXTRA = 300  # paragraph text the page must have beyond what the fast path kept


def page_paragraph_chars(root: Any) -> int:
    """Characters of the page's <p> elements, wherever they are: what the article could be."""
    return sum(len(t) for p in root.iter("p") for t in p.itertext())


def worth_the_full_path(blocks: list[RawBlock], root: Any) -> str:
    """Why to run the full path ("" not to): the fast path looks wrong, and the page has
    clearly more paragraph text than the fast path kept (else a short page stays short)."""
    why = thin_reason(blocks)
    if not why or not blocks:
        return why
    kept = prose_chars(blocks)
    if page_paragraph_chars(root) <= 1.5 * kept + MIN_PAGE_EXTRA:
        return ""
    return why


def prose_chars(blocks: list[RawBlock]) -> int:
    """Characters of text outside links, in the blocks that carry prose."""
    total = 0
    for b in blocks:
        if b.kind in ("paragraph", "quote", "list"):
            total += len(b.text) - sum(lk.end - lk.start for lk in b.links)
    return total


def thin_reason(blocks: list[RawBlock]) -> str:
    """Why the fast path's blocks look wrong ("" when they look like an article)."""
    if not blocks:
        return "nothing found"
    chars = sum(len(b.text) for b in blocks)
    links = sum(lk.end - lk.start for b in blocks for lk in b.links)
    if chars and links >= MAX_LINK_SHARE * chars:
        return f"{links * 100 // chars} % of its text is links"
    if prose_chars(blocks) < MIN_PROSE_CHARS:
        return f"only {prose_chars(blocks)} characters of prose"
    lines = [line for b in blocks for line in b.text.split("\n") if line.strip()]
    short = sum(1 for line in lines if len(line.split()) <= NAV_SHORT_WORDS)
    if len(lines) >= NAV_MIN_BLOCKS and short >= NAV_SHORT_SHARE * len(lines):
        return f"{short} of {len(lines)} lines are {NAV_SHORT_WORDS} words or less (navigation)"
    return ""
