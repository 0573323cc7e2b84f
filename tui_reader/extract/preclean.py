"""Layer (a) and the page repairs: the lxml tree of the page, changed in place before trafilatura.

Selector rules remove plugin and theme boxes; small repairs make trafilatura keep what we want
(captions, pull quotes, quote attributions); "Sources" sections and the site's own chrome
(tagline, site name) are noted for the block rules.  Every removal is recorded with its rule id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from lxml import etree

from tui_reader.extract.clean import clean_line, fold
from tui_reader.extract.compiled import Compiled
from tui_reader.extract.convert import BlockWalker, RawBlock
from tui_reader.extract.layout import unmask_caption_wrappers, unwrap_layout_tables
from tui_reader.extract.repairs import repair_boxes_and_quotes
from tui_reader.extract.sites import host_of, site_key
from tui_reader.models import Removal

MAX_BOX_CHARS = 4000  # a selector never removes more text than this (guards the article itself)
_PROTECTED = frozenset({"html", "body", "main", "article"})

# Compiled once: `root.xpath(str)` builds a new evaluator on every call (about 0.13 ms), and
# "/descendant::x" selects the same nodes as "//x" with a cheaper walk in libxml2.
# Captions are kept for WordPress markup only (wp-caption, wp-block-image, wp-element-caption):
# there they are the author's text; elsewhere figcaptions are mostly agency photo credits.
_WP_FIGCAPTIONS = (
    "/descendant::figcaption[contains(@class, 'wp-') or ancestor::figure[contains(@class, 'wp-')]]"
)
_FIGCAPTIONS = etree.XPath(_WP_FIGCAPTIONS)
_CAPTIONS = etree.XPath(
    _WP_FIGCAPTIONS
    + " | /descendant::*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"
)
_CANONICAL_LINKS = etree.XPath(
    "/descendant::link[@rel='canonical'][@href] | /descendant::meta[@property='og:url']"
)


def _text_of(el: Any) -> str:
    """Text of an element (style and script are gone by the time this runs)."""
    return clean_line(" ".join(el.itertext()))


def drop_element(el: Any, keep_blank_tail: bool = False) -> None:
    """Remove `el` from the tree, keeping its tail text in place (a blank tail only if asked:
    the shrink step keeps the page's whitespace exactly as it was)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and (keep_blank_tail or tail.strip()):
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


@dataclass(slots=True)
class SourceSection:
    """A "Sources" title and its list of links, found in the page before trafilatura."""

    key: str  # folded title, without a final ":"
    title: RawBlock
    items: RawBlock
    anchors: list[str]  # folded texts of the blocks just before it, nearest first


@dataclass(slots=True)
class PreInfo:
    """What the pre-cleaning learnt about the page, for the block rules."""

    captions: set[str] = field(default_factory=set)
    chrome: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)  # class tokens present in the source
    ids: set[str] = field(default_factory=set)
    # "Sources" sections, protected from the block rules
    sources: list[SourceSection] = field(default_factory=list)
    # a caption paragraph -> the images of the figure it replaced (for extract/page_images.py)
    figure_images: dict[Any, list[Any]] = field(default_factory=dict)


# The class and id attributes of the page, in document order, as strings that know their
# element: one pass in libxml2, and an element proxy is made only for the few that carry a token
# of interest (a proxy per element with a class, as `//*[@class or @id]` gives, costs more than
# the test).  `//*[contains(@class, ...) or ...]` is slower still: its cost grows per token.
_CLASS_AND_ID = etree.XPath("/descendant::*/@class | /descendant::*/@id")


@dataclass(slots=True)
class _Tokens:
    """The class and id tokens of the page's elements, from one XPath over their attributes
    (the values also give the elements: no second pass, no scan of the page source)."""

    values: list[Any]  # the attribute values, in document order, each knowing its element
    classes: set[str]
    ids: set[str]


def _class_and_id(root: Any) -> _Tokens:
    values = _CLASS_AND_ID(root)
    class_values = [v for v in values if v.attrname == "class"]
    classes = set(" ".join(class_values).split())
    ids = (
        set(" ".join(v for v in values if v.attrname != "class").split())
        if len(class_values) < len(values)
        else set()
    )
    return _Tokens(values, classes, ids)


def _carriers(values: list[Any], classes: frozenset[str], ids: frozenset[str]) -> list[Any]:
    """Elements, in document order, with a class token in `classes` or an id in `ids`."""
    if not classes and not ids:
        return []
    found: list[Any] = []
    last = None
    for value in values:
        if value.attrname == "class":
            if classes.isdisjoint(value.split()):
                continue
        elif value not in ids:
            continue
        el = value.getparent()
        if el is not last:  # an element with both a class and an id of interest
            found.append(el)
            last = el
    return found


def _selector_hits(
    root: Any,
    html: str,
    comp: Compiled,
    classes: frozenset[str],
    ids: frozenset[str],
    tagged: list[Any],
) -> list[tuple[Any, str]]:
    """`classes`/`ids`: the selector tokens present in the page; `tagged`: the elements that
    carry one of them (or another token of interest), in document order."""
    hits: list[tuple[Any, str]] = []
    seen: set[Any] = set()
    if classes or ids:
        for el in tagged:
            sel = None
            ident = el.get("id")
            if ident in ids:
                sel = comp.id_selectors[ident]
            else:
                for token in (el.get("class") or "").split():
                    if token in classes:
                        sel = comp.class_selectors[token]
                        break
            if sel is not None:
                hits.append((el, sel))
                seen.add(el)
    for sel, xp, needles in comp.xpaths:
        if needles and not any(n in html for n in needles):
            continue
        try:
            matched = xp(root)
        except Exception:
            continue
        for el in matched if isinstance(matched, list) else ():
            if hasattr(el, "tag") and el not in seen:
                hits.append((el, sel))
                seen.add(el)
    return hits


def preclean(
    root: Any,
    html: str,
    comp: Compiled,
    removed: list[Removal],
    *,
    url: str = "",
) -> PreInfo:
    """Apply selector rules and repairs to the page tree, in place."""
    tokens = _class_and_id(root)
    info = PreInfo(classes=tokens.classes, ids=tokens.ids)
    classes = frozenset(comp.class_selectors.keys() & info.classes)
    ids = frozenset(comp.id_selectors.keys() & info.ids)
    hinted = frozenset(_hinted(info.classes | info.ids))
    # one pass over the tree for both: neither the chrome nor the sources change it
    parts = _part_boxes(info.classes | info.ids)
    tagged = _carriers(tokens.values, classes | hinted | parts.keys(), ids | hinted | parts.keys())
    _site_chrome(root, info, hinted, tagged)
    if comp.sources.pattern is not None:
        _find_sources(root, comp, info, url)
    dropped: set[Any] = set()
    hits = _selector_hits(root, html, comp, classes, ids, tagged)
    if parts:
        hits += _part_hits(tagged, parts)
    for el, sel in hits:
        if el.getparent() is None or not isinstance(el.tag, str) or el.tag.lower() in _PROTECTED:
            continue
        if dropped and any(anc in dropped for anc in el.iterancestors()):
            continue  # inside a box already removed
        text = _text_of(el)
        if len(text) > MAX_BOX_CHARS:
            continue
        drop_element(el)
        dropped.add(el)
        if text:
            removed.append(Removal(f"selector:{sel}", text[:300]))
    repair_boxes_and_quotes(root, html)
    unwrap_layout_tables(root, html)
    unmask_caption_wrappers(root, html)
    if "figcaption" in html or "wp-caption-text" in info.classes:
        _captions_to_paragraphs(root, info)
    return info


_SOURCE_LABEL_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "div", "span"})


def _page_site(root: Any, url: str) -> str:
    """The site of the page: from its URL, else from its canonical link or og:url."""
    if not url:
        for el in _CANONICAL_LINKS(root)[:2]:
            url = el.get("href") or el.get("content") or ""
            if url:
                break
    host = host_of(url)
    return site_key(host) if host else ""


def _find_sources(root: Any, comp: Compiled, info: PreInfo, url: str) -> None:
    """Lists of links to other sites under a "Sources"/"Fuentes"/"Quellen" title: content."""
    page_site = ""
    for lst in root.iter("ul", "ol"):
        label_el = lst.getprevious()
        if label_el is None or not isinstance(label_el.tag, str):
            continue
        if label_el.tag.lower() not in _SOURCE_LABEL_TAGS or len(label_el) > 2:
            continue
        label = fold(_text_of(label_el)).rstrip(" :：.")
        hit = comp.sources.match_start(label) if label else None
        if hit is None or hit[2] != len(label):
            continue
        hrefs = [a.get("href") or "" for a in lst.iter("a")]
        if not hrefs:
            continue
        if not page_site:
            page_site = _page_site(root, url) or "-"
        external = sum(
            1
            for h in hrefs
            if h.startswith(("http://", "https://", "//")) and site_key(host_of(h)) != page_site
        )
        if external * 2 < len(hrefs):
            continue  # links to the site itself: a related-posts box under another name
        items = BlockWalker().walk_element(lst)
        title = BlockWalker().walk_element(label_el)
        if len(items) != 1 or len(title) != 1:
            continue
        items[0].keep = title[0].keep = True
        anchors: list[str] = []
        for prev in label_el.itersiblings(preceding=True):
            text = _text_of(prev) if isinstance(prev.tag, str) else ""
            if text:
                anchors.append(fold(text))
            if len(anchors) >= 4:
                break
        info.sources.append(SourceSection(label, title[0], items[0], anchors))


# Boxes known by a part of their class or id, whatever a theme calls the rest: comment
# sections ("sf_comment_list", "post-comments-form"; trafilatura's own filter knows only names
# that start with "comment") and recirculation modules ("inline-article-recirc",
# "RecircMostPopular": the news industry's word for its more-to-read boxes).
_BOX_PARTS = (
    ("*comments*", re.compile(r"(?:^|[-_])comments?(?:[-_]|$)", re.I)),
    ("*recirc*", re.compile("recirc", re.I)),
)
_BOX_PART_ANY = re.compile("comment|recirc", re.I)
_BOX_PART_TAGS = frozenset({"div", "section", "aside", "ul", "ol", "form"})


def _part_boxes(tokens: set[str]) -> dict[str, str]:
    """The page's class/id tokens that name a box by a part, each with its rule."""
    if not _BOX_PART_ANY.search(" ".join(tokens)):
        return {}
    found: dict[str, str] = {}
    for token in tokens:
        for rule, part in _BOX_PARTS:
            if part.search(token):
                found[token] = rule
                break
    return found


def _holds_article(el: Any) -> bool:
    """`el` holds the headline, an `<article>` or the marked article body (an opinion piece's
    wrapper "content-type--comment", a post's "comments-open")."""
    paths = (".//h1", ".//article", ".//*[@itemprop='articleBody']")
    return el.get("itemprop") == "articleBody" or any(el.find(p) is not None for p in paths)


def _part_hits(tagged: list[Any], parts: dict[str, str]) -> list[tuple[Any, str]]:
    """Containers carrying a token of `parts`, unless they hold the article (`_holds_article`)."""
    hits: list[tuple[Any, str]] = []
    for el in tagged:
        if not isinstance(el.tag, str) or el.tag.lower() not in _BOX_PART_TAGS:
            continue
        ident = el.get("id")
        rule = parts.get(ident) if ident else None
        if rule is None:
            rule = next((parts[t] for t in (el.get("class") or "").split() if t in parts), None)
        if rule is None or _holds_article(el):
            continue
        hits.append((el, rule))
    return hits


_CHROME_HINT = re.compile("tagline|site-description|slogan|site-title|site-branding")


def _hinted(tokens: set[str]) -> set[str]:
    """The tokens that look like site chrome (one regex over all of them first: mostly none)."""
    if not _CHROME_HINT.search(" ".join(tokens)):
        return set()
    return {t for t in tokens if _CHROME_HINT.search(t)}


def _site_chrome(root: Any, info: PreInfo, hinted: frozenset[str], tagged: list[Any]) -> None:
    """Texts of the site header/branding (tagline, site name) outside the article.

    `hinted`: the class/id tokens of the page that look like chrome; `tagged`: the elements
    that carry a token of `hinted` (or of the selectors), in document order."""
    if hinted:
        found = (el for el in tagged if _carries_chrome(el, hinted))
        for el in islice(found, 20):
            text = _text_of(el)
            if 3 <= len(text) <= 200:
                info.chrome.add(fold(text))
    head = root.find("head")
    if head is not None:
        for meta in head.iterchildren("meta"):
            key = meta.get("property") or meta.get("name") or ""
            if key in ("og:site_name", "application-name", "apple-mobile-web-app-title"):
                content = clean_line(meta.get("content") or "")
                if content:
                    info.chrome.add(fold(content))


def _carries_chrome(el: Any, hinted: frozenset[str]) -> bool:
    """`el` has an id or a class token in `hinted`."""
    ident = el.get("id")
    cls = el.get("class") or ""
    if ident not in hinted and hinted.isdisjoint(cls.split()):
        return False
    if any("'" in t for t in hinted):
        # the former XPath prefilter could not test tokens with a quote: same result as it
        return any(t in cls for t in hinted if "'" not in t) or (
            ident is not None and "'" not in ident and ident in hinted
        )
    return True


def _captions_to_paragraphs(root: Any, info: PreInfo) -> None:
    """Image captions become paragraphs (trafilatura drops figures) remembered as captions."""
    for cap in (_CAPTIONS if "wp-caption-text" in info.classes else _FIGCAPTIONS)(root):
        text = _text_of(cap)
        if not text or len(text) > 600:
            continue
        fig = None
        for anc in cap.iterancestors():
            if anc.tag == "figure" or "wp-caption" in (anc.get("class") or "").split():
                fig = anc
                break
            if anc.tag in ("article", "main", "body"):
                break
        para = cap.makeelement("p", {})
        para.text = cap.text
        for child in list(cap):
            para.append(child)
        if fig is not None and fig.find(".//blockquote") is None and fig.find(".//table") is None:
            para.tail = fig.tail
            parent = fig.getparent()
            if parent is None:
                continue
            if imgs := list(fig.iter("img")):
                info.figure_images[para] = imgs
            parent.replace(fig, para)
        else:
            para.tail = cap.tail
            parent = cap.getparent()
            if parent is None:
                continue
            parent.replace(cap, para)
        info.captions.add(fold(text))
