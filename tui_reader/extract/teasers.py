"""Teaser cards: a recirculation module that trafilatura keeps as headings and paragraphs.

A run of three or more cards, each a heading that is mostly a link to another article of the
same site with at most one short paragraph under it (its standfirst), is a "more stories" module
("Other Opinion Columns", "Most read"), not the article: an article's own sections are headings
without links, or headings over several paragraphs of text.  The run is judged by its shape, as
the TOC rule is, not block by block: a standfirst is a sentence of prose on its own, which the
evidence guard (`blockrules.article_like`) would keep.  The box title over the run is left to
`structure:empty-heading` (nothing is under it once the cards are gone).
"""

from __future__ import annotations

from tui_reader.extract.convert import RawBlock
from tui_reader.extract.sites import is_same_site, same_page
from tui_reader.models import Removal

__all__ = ["TEASER_RULE", "drop_teaser_cards"]

TEASER_RULE = "structure:teasers"
MIN_CARDS = 3
STANDFIRST_WORDS = 60  # a teaser's standfirst; an article's section runs longer
HEADING_LINK_SHARE = 0.5


def _card_heading(block: RawBlock, site: str, url: str) -> bool:
    if block.kind != "heading" or not block.links or block.keep:
        return False
    linked = sum(lk.end - lk.start for lk in block.links)
    return linked >= HEADING_LINK_SHARE * len(block.text.strip()) and all(
        is_same_site(lk.href, site) and not same_page(lk.href, url) for lk in block.links
    )


def _standfirst(block: RawBlock) -> bool:
    return (
        block.kind == "paragraph" and not block.keep and len(block.text.split()) <= STANDFIRST_WORDS
    )


def _card_at(blocks: list[RawBlock], i: int, site: str, url: str) -> int:
    """How many blocks the card starting at `i` spans (0: no card there)."""
    if not _card_heading(blocks[i], site, url):
        return 0
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is not None and _standfirst(nxt):
        after = blocks[i + 2] if i + 2 < len(blocks) else None
        if after is None or after.kind == "heading":
            return 2
        return 0  # more text under the heading than a standfirst: a section of the article
    return 1 if nxt is None or nxt.kind == "heading" else 0


def drop_teaser_cards(
    blocks: list[RawBlock], site: str, url: str, removed: list[Removal]
) -> list[RawBlock]:
    """`blocks` without the runs of `MIN_CARDS` or more teaser cards (each recorded)."""
    if not site or sum(1 for b in blocks if b.kind == "heading" and b.links) < MIN_CARDS:
        return blocks
    out: list[RawBlock] = []
    i = 0
    while i < len(blocks):
        spans: list[int] = []
        j = i
        while j < len(blocks) and (n := _card_at(blocks, j, site, url)):
            spans.append(n)
            j += n
        if len(spans) >= MIN_CARDS:
            removed.extend(Removal(TEASER_RULE, b.text[:2000]) for b in blocks[i:j])
            i = j
        else:
            out.append(blocks[i])
            i += 1
    return out
