"""The extraction pipeline: decode -> parse once -> pre-clean -> trafilatura -> blocks -> rules.

Imported lazily by `tui_reader.extract.extract_article` (it pulls in trafilatura).
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

from lxml import etree

from tui_reader.credits import foreign_canonical
from tui_reader.extract import metadata, page_images
from tui_reader.extract.boilerplate import (
    BlockContext,
    PreInfo,
    dedupe_removed,
    drop_element,
    filter_blocks,
    preclean,
)
from tui_reader.extract.clean import clean_byline, clean_href, clean_line, fold
from tui_reader.extract.compiled import compile_rules
from tui_reader.extract.convert import BlockWalker, RawBlock, attach_attributions
from tui_reader.extract.crop import SiteCrop
from tui_reader.extract.fallback import prose_chars, worth_the_full_path
from tui_reader.extract.pageindex import index_page
from tui_reader.extract.parse import decode, parse_fragment, parse_page
from tui_reader.extract.repetition import SiteStats
from tui_reader.extract.resolve import absolutize, base_url, finish_blocks
from tui_reader.extract.rules import Rules, load_rules
from tui_reader.models import Article, Removal

LOG = logging.getLogger(__name__)

__all__ = ["Trace", "decode", "run"]

_CONTAINERS = (
    etree.XPath("/descendant::article"),
    etree.XPath("/descendant::main"),
    etree.XPath("/descendant::*[@role='main']"),
)


_SHRUNK = ("style", "noscript", "svg", "template")


def _shrink(root: Any) -> None:
    """Drop what no stage reads (keeps JSON-LD for the metadata): less to copy and walk.

    One walk for both kinds: `style`, `noscript`, `svg` and `template` go with their tail text
    kept as it is, blank or not (as `etree.strip_elements(..., with_tail=False)` does), other
    scripts as `drop_element` drops any element."""
    for el in list(root.iter("script", *_SHRUNK)):
        if el.tag != "script" or el.get("type") != "application/ld+json":
            drop_element(el, keep_blank_tail=el.tag != "script")


def _container(root: Any) -> Any:
    for path in _CONTAINERS:
        found = path(root)
        if len(found) == 1:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


_OPTIONS: dict[bool, Any] = {}  # trafilatura's options for fast / full, built once


def _options(fast: bool) -> Any:
    from trafilatura.settings import Extractor

    opts = _OPTIONS.get(fast)
    if opts is None:
        opts = _OPTIONS[fast] = Extractor(
            output_format="xml",
            fast=fast,
            comments=False,
            formatting=True,
            links=True,
            images=False,
            tables=True,
            with_metadata=False,
        )
    return opts


@lru_cache(maxsize=1)
def _sequence() -> Any:
    """trafilatura's `trafilatura_sequence(tree, options, url=None)` when the installed version
    has it with that signature (an internal helper: other versions take other arguments)."""
    try:
        from trafilatura.core import trafilatura_sequence
    except ImportError:
        return None
    try:
        names = list(inspect.signature(trafilatura_sequence).parameters)
    except (TypeError, ValueError):
        return None
    return trafilatura_sequence if names[:2] == ["tree", "options"] else None


def _trafilatura(root: Any, fast: bool = True) -> Any:
    """The article body as trafilatura's XML tree (None when it finds nothing).

    No URL is given: trafilatura would resolve every link of the page (kept or not) with
    courlan; `_resolve` does it for the kept ones, honouring `<base>`.  No metadata either:
    `metadata.read_metadata` does the part we use.

    The fast path calls trafilatura's extraction sequence on `root` itself: `bare_extraction`
    would first copy the whole page (it never changes its input); the sequence prunes the
    page's comment sections and infinite-scroll containers in place, then works on its own
    copies, and what is pruned is nothing the later stages (title, date, images) look for.  `bare_extraction` (same options, same checks) is
    used for the full path and whenever the sequence is not there as expected.
    """
    sequence = _sequence() if fast else None
    if sequence is not None:
        opts = _options(True)
        try:
            body, text, _, comments = sequence(root, opts)
        except (TypeError, ValueError):  # what bare_extraction turns into None
            return None
        if len(text) < opts.min_output_size and len(comments) < opts.min_output_comm_size:
            return None
        return body
    from trafilatura import bare_extraction

    doc = bare_extraction(root, options=_options(fast))
    return getattr(doc, "body", None)


def _mark_captions(blocks: list[RawBlock], pre: PreInfo) -> None:
    if not pre.captions:
        return
    for b in blocks:
        if b.kind == "paragraph" and fold(b.text) in pre.captions:
            b.kind = "caption"


def _protect_sources(blocks: list[RawBlock], pre: PreInfo) -> None:
    """Mark "Sources" sections (title and list) as content; put back what trafilatura dropped.

    A section is put back only after its title, or after one of the blocks that preceded it in
    the page: one outside the extracted article stays out.
    """
    for sec in pre.sources:
        keys = [fold(b.text) for b in blocks]
        at = next(
            (
                i
                for i, (b, k) in enumerate(zip(blocks, keys, strict=True))
                if b.kind in ("heading", "paragraph") and k.rstrip(" :：.") == sec.key
            ),
            None,
        )
        if at is not None:
            blocks[at].keep = True
        else:
            anchor = next((a for a in sec.anchors if a in keys), None)
            if anchor is None:
                continue  # the section is not part of the article
            at = keys.index(anchor) + 1
            blocks.insert(at, sec.title)
            keys.insert(at, fold(sec.title.text))
        items_key = fold(sec.items.text)
        later = zip(blocks[at + 1 :], keys[at + 1 :], strict=True)
        found = next((b for b, k in later if k == items_key), None)
        if found is not None:
            found.keep = True
        else:
            blocks.insert(at + 1, sec.items)


@dataclass(slots=True)
class Trace:
    """How an article was obtained, for `extract --explain`."""

    how: str = "empty input"
    blocks_before_rules: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Meta:
    title: str = ""
    author: str = ""
    site_name: str = ""
    canonical: str = ""
    day: str | None = None


def _page_meta(root: Any, url: str) -> _Meta:
    try:
        meta = metadata.read_metadata(root, url)
    except Exception as err:  # trafilatura bugs must not break a whole fetch
        LOG.debug("metadata failed on %s: %s", url, err)
        return _Meta()
    return _Meta(
        title=clean_line(meta.title or ""),
        author=clean_byline(meta.author or ""),
        site_name=clean_line(meta.sitename or ""),
        canonical=clean_href(meta.url or ""),
        day=meta.date,
    )


def _page_blocks(root: Any, url: str, trace: Trace, crop: SiteCrop | None) -> list[RawBlock]:
    """trafilatura on the site's learnt container (`crop`) when it holds the article, else
    on the whole page: its fast path, its full path (with its fallbacks) when that looks wrong."""
    to_check = None
    cut = crop.cut(root) if crop is not None else None
    if crop is not None and cut is not None:
        cropped = _walk_trafilatura(cut, url, fast=True)
        if crop.used(cropped):
            if not crop.check_due():
                trace.notes.append(f"site crop: trafilatura given {crop.path} only")
                return cropped
            to_check = cropped
    raw = _walk_trafilatura(root, url, fast=True)
    if crop is not None and to_check is not None:
        crop.checked(raw == to_check)
        trace.notes.append(f"site crop: {crop.path or 'forgotten'} after a check on the page")
    why = worth_the_full_path(raw, root)
    if why:
        full = _walk_trafilatura(root, url, fast=False)
        used = prose_chars(full) > 1.25 * prose_chars(raw)
        trace.notes.append(f"fast path: {why}; full path {'used' if used else 'no better'}")
        if used:
            return full
    elif crop is not None and crop.learning:
        crop.learn(root, raw, lambda page: _walk_trafilatura(page, url, fast=True))
    return raw


def _walk_trafilatura(root: Any, url: str, fast: bool) -> list[RawBlock]:
    try:
        body = _trafilatura(root, fast)
    except Exception as err:
        LOG.debug("trafilatura failed on %s: %s", url, err)
        return []
    return BlockWalker().walk(body) if body is not None else []


def _drop_headline(raw: list[RawBlock], title: str, removed: list[Removal]) -> None:
    """trafilatura sometimes keeps the headline as a first block."""
    key = fold(title)
    for i in range(min(3, len(raw))):
        if raw[i].kind in ("heading", "paragraph") and fold(raw[i].text) == key:
            removed.append(Removal("structure:title", raw.pop(i).text))
            return


_HOW_PAGE = "trafilatura (comments off, links and formatting kept) on the pre-cleaned page"
_HOW_FEED = "feed content converted directly (no trafilatura)"
_HOW_CONTAINER = "trafilatura found nothing: the page's main container converted directly"


def run(
    data: str | bytes,
    url: str,
    rules: Rules | None,
    site_stats: SiteStats | None,
    source: Literal["feed", "page"],
    trace: Trace | None = None,
    language: str = "",
    crop: SiteCrop | None = None,
) -> Article:
    """`language`: the feed's or item's declared language, taken when the page states none
    and the text does not plainly contradict it (no detection model loaded in the worker).
    `crop`: what this site's earlier pages taught about where its article sits (learnt here)."""
    trace = trace if trace is not None else Trace()
    url = clean_href(url or "")
    text = decode(data)
    rules = rules if rules is not None else load_rules()
    if not text.strip():
        return Article(url=url, source=source)
    root = parse_fragment(text) if source == "feed" else parse_page(text)
    if root is None:
        trace.how = "unparsable input"
        return Article(url=url, source=source)
    host = urlsplit(url).hostname or "" if url else ""
    comp = compile_rules(rules, rules.site(host))
    removed: list[Removal] = []
    _shrink(root)
    pre = preclean(root, text, comp, removed, url=url)
    is_page = source == "page"
    idx = index_page(root)
    declared = metadata.declared_language(root, idx) if is_page else ""
    meta = _page_meta(root, url) if is_page else _Meta()
    raw = _page_blocks(root, url, trace, crop) if is_page else []
    trace.how = _HOW_PAGE
    if not raw:
        trace.how = _HOW_FEED if source == "feed" else _HOW_CONTAINER
        raw = BlockWalker().walk(_container(root))
    raw = attach_attributions(raw)
    _mark_captions(raw, pre)
    if pre.sources:
        _protect_sources(raw, pre)
    title = metadata.better_title(idx, meta.title, meta.site_name) if is_page else meta.title
    if title:
        _drop_headline(raw, title, removed)
    page_url = url or meta.canonical
    ctx = BlockContext(page_url, title, rules, comp, pre, site_stats, source)
    base = base_url(idx.bases, url, meta.canonical)
    absolutize(raw, base)
    trace.blocks_before_rules = len(raw)
    kept = filter_blocks(raw, ctx, removed)
    if trace.how == _HOW_PAGE and rules.page_images:
        kept = page_images.insert_page_images(root, kept, base, pre.figure_images)
    blocks, links = finish_blocks(kept, base, page_url)
    body_text = "\n".join(b.text for b in blocks)
    if site_stats is not None:
        trace.notes.append(f"site stats: {site_stats.articles} articles seen")
    return Article(
        url=page_url,
        title=title,
        author=meta.author,
        published=metadata.published(idx, meta.day) if is_page else None,
        site_name=meta.site_name,
        language=metadata.checked_language(declared or metadata.lang_code(language), body_text),
        blocks=blocks,
        links=links,
        source=source,
        removed=dedupe_removed(r for r in removed if r.text),
        canonical=foreign_canonical(meta.canonical, page_url),
    )
