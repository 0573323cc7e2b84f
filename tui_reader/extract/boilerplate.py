"""Boilerplate removal on the converted blocks: the order of the block rules and their state.

`preclean` (layer a, re-exported here) works on the page tree before trafilatura.
`filter_blocks` works on the converted blocks: marker phrases, structural heuristics, site
chrome (tagline) and repetition (layer c).  Every removal is recorded with the id of its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tui_reader.extract.blockrules import (
    LINE_LABEL_WORDS,
    LIST_RULES,
    BlockContext,
    article_like,
    category_link,
    density,
    is_box_title,
    is_carousel,
    is_social,
    is_toc,
    label_link,
    marker_rule,
    mostly_links,
    word_count,
)
from tui_reader.extract.clean import fold
from tui_reader.extract.convert import RawBlock
from tui_reader.extract.preclean import PreInfo, SourceSection, drop_element, preclean
from tui_reader.extract.repetition import is_repeated, is_shape_repeated
from tui_reader.extract.runs import Verdict, filter_runs, join_runs
from tui_reader.extract.shapes import SHAPE_RULE, shape_label
from tui_reader.extract.sites import is_same_site, page_site, same_page
from tui_reader.extract.teasers import drop_teaser_cards
from tui_reader.models import Removal

__all__ = [
    "BlockContext",
    "PreInfo",
    "SourceSection",
    "dedupe_removed",
    "drop_element",
    "filter_blocks",
    "preclean",
]


@dataclass(slots=True)
class _Walk:
    """What the rules know about the page, and what one block tells about the next."""

    blocks: list[RawBlock]
    ctx: BlockContext
    site: str
    headings: set[str]
    title_key: str
    drop_next_links: bool = False  # after a bare "Related articles" label: its list of links
    last_label_rule: str = ""
    seen_texts: set[str] = field(default_factory=set)

    def next_block(self, i: int) -> RawBlock | None:
        return self.blocks[i + 1] if i + 1 < len(self.blocks) else None


@dataclass(slots=True)
class _Facts:
    """What every rule reads of a block, computed once."""

    folded: str
    words: int
    near_end: bool


def _links_follow(nxt: RawBlock | None) -> bool:
    return nxt is None or (bool(nxt.links) and mostly_links(nxt))


def _own_links(block: RawBlock, w: _Walk) -> bool:
    """Most links go into the site or to social networks: related posts, tags, share buttons
    (not a list of products or sources on other sites)."""
    own = sum(
        1 for lk in block.links if is_same_site(lk.href, w.site) or is_social(lk.href, w.ctx.comp)
    )
    return own * 2 >= len(block.links)


def _label_rules(w: _Walk, i: int, block: RawBlock) -> str | None:
    """A box title and the links under it: markers, "Label:" lines, and the list they announce."""
    if w.drop_next_links:
        w.drop_next_links = False
        announced = block.kind in ("list", "paragraph") and block.links and mostly_links(block)
        if announced and (w.last_label_rule != "structure:label" or _own_links(block, w)):
            return w.last_label_rule
    marker = marker_rule(block, w.ctx)
    if marker is not None:
        rule, label_only = marker
        if not label_only:
            return rule
        if block.kind != "heading" or _links_follow(w.next_block(i)):
            w.drop_next_links = True
            w.last_label_rule = rule
            return rule
        return None  # a heading that happens to be a marker word, followed by prose: keep it
    if (
        block.kind in ("paragraph", "heading")
        and not block.links
        and word_count(block.text) <= 3
        and block.text.rstrip().endswith((":", "："))
        and _links_follow(nxt := w.next_block(i))
        and (nxt is None or _own_links(nxt, w))
    ):
        w.drop_next_links = True
        w.last_label_rule = "structure:label"
        return "structure:label"
    return None


def _footer(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind not in ("paragraph", "caption") or f.words > 60 or not block.links:
        return None
    if not (f.near_end or w.ctx.source == "feed"):
        return None
    hit = w.ctx.comp.footers.search(f.folded)
    return f"footer:{hit[0]}:{hit[1]}" if hit is not None else None


def _self_link(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if not block.links or f.words > 40 or block.kind == "quote":
        return None
    for lk in block.links:
        if same_page(lk.href, w.ctx.url) and (
            f.near_end or (w.title_key and fold(block.text[lk.start : lk.end]) == w.title_key)
        ):
            return "structure:self-link"
    return None


def _follow(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind not in ("paragraph", "list", "caption") or f.words > 45:
        return None
    comp = w.ctx.comp
    social_links = sum(1 for lk in block.links if is_social(lk.href, comp))
    follow = comp.follow.search(f.folded)
    names = comp.social_names.search(f.folded) if comp.social_names else None
    if follow is not None and (names is not None or social_links):
        return f"follow:{follow[0]}:{follow[1]}"
    if len(block.links) >= 2 and social_links * 2 >= len(block.links):
        return "structure:share"
    return None


def _promo(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind not in ("paragraph", "list", "caption") or f.words > 30:
        return None
    if not (block.links or f.near_end):
        return None
    promo = w.ctx.comp.promos.search(f.folded)
    return f"promo:{promo[0]}:{promo[1]}" if promo is not None else None


def _links_box(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind == "quote":
        # a related-post box marked up as a quote (embeds): a label and a link into the site
        return label_link(block, w.site) if block.links else None
    if block.kind not in ("paragraph", "list"):
        return None
    rule = label_link(block, w.site)
    if rule is None and block.links:
        rule = density(block, w.site)
    return rule


def _site_shape(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    """A line whose shape ("Label <a>another article</a>") the site repeats (layer c)."""
    stats = w.ctx.stats
    if stats is None or not block.links or block.kind not in ("paragraph", "list"):
        return None
    label = shape_label(block.text, [(lk.start, lk.end, lk.href) for lk in block.links], w.site)
    if label is not None and is_shape_repeated(stats, label, w.ctx.rules.repetition):
        return SHAPE_RULE + label
    return None


def _category(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    """A category or tag link alone at the top of the article."""
    return category_link(block, w.site, w.ctx.url) if i <= 1 else None


def _toc(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if is_toc(block, w.headings):
        return "structure:toc"
    return "structure:carousel" if is_carousel(block) else None


def _site_chrome(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind != "quote" and f.words <= 30 and f.folded in w.ctx.pre.chrome:
        return "structure:site-chrome"
    return None


def _repeated(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    ctx = w.ctx
    if ctx.stats is None or block.kind in ("code", "quote"):
        return None
    if not is_repeated(ctx.stats, block.text, ctx.rules.repetition):
        return None
    if any(
        not is_same_site(lk.href, w.site) and not is_social(lk.href, ctx.comp) for lk in block.links
    ):
        return None  # a credit line to another site ("Fuente: EFE") is the article's, however often
    if block.kind == "heading" and _introduces_prose(w.blocks, i, ctx):
        return None
    return "repeated"


def _duplicate(w: _Walk, i: int, block: RawBlock, f: _Facts) -> str | None:
    if block.kind == "heading" or len(f.folded) < 20:
        return None
    if f.folded in w.seen_texts:
        return "structure:duplicate"
    w.seen_texts.add(f.folded)
    return None


_Rule = Callable[[_Walk, int, RawBlock, _Facts], str | None]

# Rules that judge a box by its look: never applied to article-like text (`article_like`).
_BOX_RULES: tuple[_Rule, ...] = (
    _footer,
    _self_link,
    _follow,
    _promo,
    _links_box,
    _site_shape,
    _category,
)
# Rules that compare the block with the page or the site: applied to every block.
_PAGE_RULES: tuple[_Rule, ...] = (_toc, _site_chrome, _repeated, _duplicate)
_RUN_RULES: tuple[_Rule, ...] = (_footer, _self_link, _follow, _promo, _links_box, _site_shape)


def _judge(w: _Walk, i: int, block: RawBlock) -> str | None:
    """The id of the first rule that calls `block` chrome, or None to keep it.

    In this order: the first rule that fires names the removal.
    """
    prose = article_like(block, w.site, w.ctx.comp)
    if prose:
        w.drop_next_links = False
    else:
        rule = _label_rules(w, i, block)
        if rule is not None:
            return rule
    facts = _Facts(fold(block.text), word_count(block.text), i >= len(w.blocks) - 3)
    for check in _PAGE_RULES if prose else _BOX_RULES + _PAGE_RULES:
        rule = check(w, i, block, facts)
        if rule is not None:
            return rule
    return None


def _run_judge(w: _Walk, i: int) -> Callable[[RawBlock, RawBlock | None], Verdict]:
    """How one run (line) of block `i` is judged: as a box of its own, with the line after it."""
    near_end = i >= len(w.blocks) - 3

    def judge(run: RawBlock, nxt: RawBlock | None) -> Verdict:
        if article_like(run, w.site, w.ctx.comp):
            return None
        marker = marker_rule(run, w.ctx)
        if marker is not None:
            rule, label_only = marker
            if not label_only:
                return rule, 1
            return (rule, 2) if nxt is not None and _links_follow(nxt) else (rule, 1)
        facts = _Facts(fold(run.text), word_count(run.text), near_end)
        for check in _RUN_RULES:
            found = check(w, i, run, facts)
            if found is not None:
                return found, 1
        if nxt is not None and not run.links and is_box_title(run, LINE_LABEL_WORDS):
            pair = join_runs(run, [run, nxt])  # "Label" / line break / <a>Title</a>
            found = label_link(pair, w.site)
            if found is not None:
                return found, 2
        return None

    return judge


def filter_blocks(
    blocks: list[RawBlock], ctx: BlockContext, removed: list[Removal]
) -> list[RawBlock]:
    """Drop boilerplate blocks, recording each removal with its rule."""
    w = _Walk(
        blocks=blocks,
        ctx=ctx,
        site=page_site(ctx.url),
        headings={fold(b.text).strip(" .0123456789") for b in blocks if b.kind == "heading"},
        title_key=fold(ctx.title) if ctx.title else "",
    )
    keep: list[RawBlock] = []
    kept_from: list[int] = []  # index in `blocks` of each block of `keep`
    repeated: list[tuple[int, RawBlock]] = []
    for i, block in enumerate(blocks):
        rule = None
        if block.keep:
            w.drop_next_links = False
        else:
            rule = _judge(w, i, block)
            if rule is None and block.kind == "paragraph" and "\n" in block.text:
                split = filter_runs(block, _run_judge(w, i), removed)
                if split is None:
                    continue  # every line was chrome (each one recorded)
                block = split
        if rule == "repeated":
            repeated.append((len(keep), block))
        elif rule is None:
            keep.append(block)
            kept_from.append(i)
        else:
            if block.links and rule in LIST_RULES and kept_from and kept_from[-1] == i - 1:
                _drop_box_title(keep, kept_from, removed)
            removed.append(Removal(rule, block.text[:2000]))
    _settle_repeated(keep, repeated, removed)
    keep = drop_teaser_cards(keep, w.site, ctx.url, removed)
    return _drop_empty_headings(keep, removed)


def _drop_empty_headings(keep: list[RawBlock], removed: list[Removal]) -> list[RawBlock]:
    """A heading with nothing under it (the next block is a heading of its level or above, or
    the end) titles a box trafilatura did not keep: "You Might Also Like", "Related Videos"."""
    out: list[RawBlock] = []
    for i, block in enumerate(keep):
        if block.kind == "heading" and not block.keep:
            nxt = keep[i + 1] if i + 1 < len(keep) else None
            if nxt is None or (nxt.kind == "heading" and nxt.level <= block.level):
                removed.append(Removal("structure:empty-heading", block.text))
                continue
        out.append(block)
    return out


def _drop_box_title(keep: list[RawBlock], kept_from: list[int], removed: list[Removal]) -> None:
    """The title of the box whose links were just removed ("Podes ler tamén") goes with them."""
    if is_box_title(keep[-1]):
        kept_from.pop()
        removed.append(Removal("structure:label", keep.pop().text))


def _settle_repeated(
    keep: list[RawBlock], repeated: list[tuple[int, RawBlock]], removed: list[Removal]
) -> None:
    """Repeated blocks go, unless they are most of the page: then they stay, in place."""
    if not repeated:
        return
    kept_chars = sum(len(b.text) for b in keep)
    if kept_chars >= sum(len(b.text) for _, b in repeated):
        removed.extend(Removal("repeated", b.text) for _, b in repeated)
    else:
        for pos, b in reversed(repeated):
            keep.insert(pos, b)


def _introduces_prose(blocks: list[RawBlock], i: int, ctx: BlockContext) -> bool:
    """Whether the heading at `i` is followed by this article's own text.

    A site's reviews all have "Conclusiones" or "Precio y disponibilidad": a heading repeated
    across its articles is chrome ("Artículos relacionados", "Newsletter") only when what follows
    it is links or more repeated text.
    """
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    return (
        nxt is not None
        and nxt.kind in ("paragraph", "list", "quote")
        and not (nxt.links and mostly_links(nxt))
        and not is_repeated(ctx.stats, nxt.text, ctx.rules.repetition)
    )


def dedupe_removed(removed: Iterable[Removal]) -> tuple[Removal, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[Removal] = []
    for r in removed:
        key = (r.rule, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)
