"""Block rules: what a converted block of the article looks like when it is chrome.

Each rule looks at one block (and the page's site) and names itself when it fires; the order
in which `boilerplate.filter_blocks` tries them, and the state between blocks, live there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from tui_reader.extract.clean import fold
from tui_reader.extract.compiled import Compiled
from tui_reader.extract.convert import RawBlock, RawLink
from tui_reader.extract.preclean import PreInfo
from tui_reader.extract.repetition import SiteStats
from tui_reader.extract.rules import Rules
from tui_reader.extract.sites import host_of, is_same_site, site_key

_ARROWS = "»›→⇒⟶➔➜➝➞➡▶►▸⮕"
_SEPARATOR = re.compile(rf"^\s*(?:[:：{_ARROWS}|>\-–—•·]+|\.{{3}}|…)\s*")
_LABEL_END = re.compile(rf"[:：{_ARROWS}|>\-–—•·]\s*$")
_TRAILING_PUNCT = re.compile(r"^[\s.!?»\"'”’)\]]*$")


@dataclass(slots=True)
class BlockContext:
    url: str
    title: str
    rules: Rules
    comp: Compiled
    pre: PreInfo
    stats: SiteStats | None
    source: str


def link_char_count(block: RawBlock) -> int:
    return sum(lk.end - lk.start for lk in block.links)


def word_count(text: str) -> int:
    return len(text.split())


HAS_WORD = re.compile(r"[^\W_]")


def label_words(text: str) -> int:
    """Words of a label, not counting lone symbols (" : ", "►", "👉", "|")."""
    return sum(1 for w in text.split() if HAS_WORD.search(w))


def is_social(href: str, comp: Compiled) -> bool:
    host = host_of(href)
    if host in comp.social_hosts or host.endswith(comp.social_suffixes):
        return True
    low = href.lower()
    return any(p in low for p in comp.share_paths)


_LEADING_SYMBOLS = re.compile(r"^[\W_]+")


def marker_rule(block: RawBlock, ctx: BlockContext) -> tuple[str, bool] | None:
    """(rule id, label only) when the block starts with a marker phrase and looks like a box."""
    if block.kind not in ("paragraph", "heading", "list", "caption", "quote"):
        return None
    text = block.text
    if block.kind == "quote" and (block.links or "\n" in text.strip()):
        return None  # a quote is judged here only as a label standing alone
    if len(text) > 400 and block.kind != "list":
        return None
    first_line = text.split("\n", 1)[0]
    lead = _LEADING_SYMBOLS.match(first_line)
    skip = lead.end() if lead else 0
    folded = fold(first_line[skip:])
    hit = ctx.comp.markers.match_start(folded)
    if hit is None:
        return None
    lang, phrase, end = hit
    rule = f"marker:{lang}:{phrase}"
    rest = folded[end:]
    if not rest.strip(" :：.|>-–—•·…!?" + _ARROWS):
        # the phrase alone: a box title ("Artículos relacionados"), or a bare label line
        if block.kind == "quote":
            # a quote-box whose link trafilatura dropped: a quote of a label says nothing
            return rule, False
        if block.kind == "list" and "\n" in text:
            return (rule, False) if mostly_links(block) else None
        return rule, True
    if block.kind == "quote":
        return None  # more than the label: the quote's own words
    if block.kind == "list":
        return (rule, False) if mostly_links(block) else None
    after_sep = _SEPARATOR.match(rest)
    offset = skip + _phrase_end(first_line[skip:], phrase, end)
    total = len(text)
    link_chars = link_char_count(block)
    first_link = min((lk.start for lk in block.links), default=-1)
    starts_with_link = first_link >= offset and not text[offset:first_link].strip(
        " :：|>-–—•·…\u00a0" + _ARROWS
    )
    if after_sep and after_sep.group(0).strip():
        # "Marker: something" -- a short tail, or a tail that is mostly a link
        if starts_with_link and link_chars >= 0.5 * (total - offset):
            return rule, False
        if word_count(text) <= 16 and not block.links and block.kind != "heading":
            return rule, False
        return None
    if starts_with_link and link_chars >= 0.6 * (total - offset) and word_count(text) <= 40:
        return rule, False
    return None


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """`phrase` matched case-insensitively, with any whitespace between its words."""
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"\s*".join(words), re.IGNORECASE) if words else None


def _phrase_end(line: str, phrase: str, folded_end: int) -> int:
    """Where `phrase` (matched case-insensitively at the start of `line`) ends in `line`."""
    pattern = _phrase_pattern(phrase)
    m = pattern.match(line) if pattern is not None else None
    return m.end() if m else min(folded_end, len(line))


def mostly_links(block: RawBlock) -> bool:
    chars = len(block.text.replace("\n", "").replace(" ", ""))
    if not chars:
        return False
    link = sum(len(block.text[lk.start : lk.end].replace(" ", "")) for lk in block.links)
    return link >= 0.6 * chars


def is_toc(block: RawBlock, headings: set[str]) -> bool:
    if block.kind != "list" or len(headings) < 2:
        return False
    lines = [fold(x).strip(" .0123456789") for x in block.text.split("\n") if x.strip()]
    return len(lines) >= 2 and sum(1 for x in lines if x in headings) >= max(2, 0.8 * len(lines))


CAROUSEL_MIN_ITEMS = 6


def is_carousel(block: RawBlock) -> bool:
    """A list of which a third or more of the items (3 at least) repeat its own earlier items: a
    slide show's controls ("Previous", "Next") and cloned slides, one set per slide.  A list
    written for the article rarely says the same item twice."""
    if block.kind != "list":
        return False
    items = [fold(x) for x in block.text.split("\n") if x.strip()]
    repeats = len(items) - len(set(items))
    return len(items) >= CAROUSEL_MIN_ITEMS and repeats >= 3 and 3 * repeats >= len(items)


LIST_RULES = frozenset({"density", "structure:label-link"})
SENTENCE_END = re.compile(r"[.!?…]\s*$")


# A box title on a line of its own, right above the line that is the link (and nothing after
# it): the line break does what a separator does, so it may be longer than an inline label of
# 5 words.  The lexicon's longest box title has 6 words ("Otras noticias que te pueden
# interesar"), and machine translation makes such titles longer still.
LINE_LABEL_WORDS = 8


def is_box_title(block: RawBlock, max_words: int = 5) -> bool:
    """A short line with no links and no sentence end: a box title such as "Más sobre esto"."""
    return (
        block.kind in ("paragraph", "heading")
        and not block.links
        and "\n" not in block.text
        and 1 <= label_words(block.text) <= max_words
        and not SENTENCE_END.search(block.text)
    )


def label_link(block: RawBlock, page_site: str) -> str | None:
    """A short "Label: <a>Title</a>" (no marker word needed), or a bare same-site link line.

    Also: the label on a line of its own above the link, a label made of a symbol only
    ("🔥 <a>…</a>"), and a label followed by two to four links to the site ("A | B").
    """
    rule = "structure:label-link"
    links = block.links
    if not links or len(links) > 4 or word_count(block.text) > 30:
        return None
    text = block.text
    first, last = links[0], links[-1]
    label = text[: first.start]
    after = text[last.end :]
    link_words = word_count(text[first.start : first.end])
    if not _TRAILING_PUNCT.match(after):
        return _label_after(block, page_site, label, after, link_words)
    if "\n" in text[first.start :]:
        return None
    if len(links) > 1:
        # "► Related: <a>A</a> | <a>B</a>": every link to the site, nothing else but separators
        between = "".join(text[a.end : b.start] for a, b in pairwise(links))
        if (
            HAS_WORD.search(between) is None
            and all(is_same_site(lk.href, page_site) for lk in links)
            and (HAS_WORD.search(label) is None or is_label(label))
        ):
            return rule
        return None
    same_site = is_same_site(first.href, page_site)
    if HAS_WORD.search(label) is None:
        # the whole block is one link (maybe after an emoji): a related-post title on its own line
        return rule if same_site and link_words >= 4 else None
    if "\n" in label:
        # "LEIA MAIS" / line break / <a>Title</a>
        head, _, rest = label.rstrip("\n ").partition("\n")
        if rest or SENTENCE_END.search(head) or not same_site:
            return None
        return rule if label_words(head) <= LINE_LABEL_WORDS and link_words >= 2 else None
    if is_label(label) and link_words >= 2 and same_site:
        return rule
    return None


_AFTER_LABEL = re.compile(r"^\s*(?:[(\[]([^()\[\]\n]*)[)\]]|[|–—•·:-]\s*([^\n]*))[\s.!?]*$")


def _label_after(block: RawBlock, page_site: str, label: str, after: str, words: int) -> str | None:
    """ "<a>Title of another article</a> (label)": the label after the link, in parentheses or
    after a separator, and nothing before the link."""
    if len(block.links) != 1 or HAS_WORD.search(label) or words < 4:
        return None
    m = _AFTER_LABEL.match(after)
    if m is None or not is_same_site(block.links[0].href, page_site):
        return None
    tail = m.group(1) if m.group(1) is not None else m.group(2)
    return "structure:label-link" if 1 <= label_words(tail or "") <= 5 else None


def is_label(label: str) -> bool:
    return label_words(label) <= 5 and _LABEL_END.search(label) is not None


def density(block: RawBlock, page_site: str) -> str | None:
    """Blocks made mostly of link text: tag lists, link farms, related lists."""
    links = block.links
    if not mostly_links(block):
        return None
    if block.kind == "list":
        lines = [x for x in block.text.split("\n") if x.strip()]
        if len(lines) < 2:
            return None
        same = sum(1 for lk in links if page_site and site_key(host_of(lk.href)) == page_site)
        return "density" if same * 2 >= len(links) else None
    if "\n" in block.text and _link_lines(block, page_site):
        return "density"
    if len(links) >= 3:
        avg_words = sum(word_count(block.text[lk.start : lk.end]) for lk in links) / len(links)
        link_chars = sum(lk.end - lk.start for lk in links)
        if avg_words <= 4 and link_chars >= 0.8 * len(block.text.replace(" ", "")):
            return "density"
    return None


def _link_lines(block: RawBlock, page_site: str) -> bool:
    """A paragraph of 2+ lines that are each one link to the site (titles separated by <br>),
    maybe under a title line ("Más sobre esto")."""
    text = block.text
    links = block.links
    if len(links) < 2:
        return False
    head = text.split("\n", 1)[0]
    skip = 0
    if links[0].start > len(head):  # a first line without a link: the box title
        if label_words(head) > 5 or SENTENCE_END.search(head):
            return False
        skip = len(head) + 1
    if len({text.rfind("\n", 0, lk.start) for lk in links}) != len(links):
        return False  # two links on one line: not a list of titles
    covered = 0
    for lk in links:
        if not is_same_site(lk.href, page_site):
            return False
        covered += lk.end - lk.start
    rest = text[skip:]
    return len(rest) - rest.count("\n") - covered <= 3 * len(links)


def article_like(block: RawBlock, site: str, comp: Compiled) -> bool:
    """Evidence of the article's own text: no rule that removes chrome may remove this.

    Long, few links, or links into other sites (sources cited in a sentence): a 40-word
    paragraph linking to a social network's blog is prose, not a share bar.
    """
    text = block.text
    words = word_count(text)
    if words < 20 or link_char_count(block) >= 0.3 * len(text):
        return False
    if words >= 40:
        return True
    return any(
        not is_same_site(lk.href, site) and not is_social(lk.href, comp) for lk in block.links
    ) or (not block.links and SENTENCE_END.search(text) is not None)


def category_link(block: RawBlock, site: str, page_url: str) -> str | None:
    """A category or tag link alone on a line: 1-2 short links into the site and nothing else."""
    links = block.links
    if block.kind != "paragraph" or not links or len(links) > 2 or "\n" in block.text:
        return None
    text = block.text
    covered = sum(lk.end - lk.start for lk in links)
    if HAS_WORD.search(_outside_links(text, links)) or covered < 0.8 * len(text.strip()):
        return None
    if any(word_count(text[lk.start : lk.end]) > 3 for lk in links):
        return None
    if all(
        is_same_site(lk.href, site) and lk.href.rstrip("/") != page_url.rstrip("/") for lk in links
    ):
        return "structure:category"
    return None


def _outside_links(text: str, links: list[RawLink]) -> str:
    parts: list[str] = []
    pos = 0
    for lk in links:
        parts.append(text[pos : lk.start])
        pos = lk.end
    parts.append(text[pos:])
    return "".join(parts)
