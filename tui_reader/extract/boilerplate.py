"""Boilerplate removal, layers (a) and (b), plus the hooks of layer (c).

`preclean` works on the lxml tree of the page before trafilatura sees it: selector rules, and
small repairs so trafilatura keeps what we want (captions, pull quotes, quote attributions).
`filter_blocks` works on the converted blocks: marker phrases, structural heuristics, site
chrome (tagline) and repetition.  Both record every removal with the id of the rule that fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, pairwise
from typing import Any

from lxml import etree

from tui_reader.extract.clean import clean_line, fold
from tui_reader.extract.compiled import Compiled
from tui_reader.extract.convert import BlockWalker, RawBlock
from tui_reader.extract.repetition import SiteStats, is_repeated
from tui_reader.extract.rules import Rules
from tui_reader.feeds.links import site_of
from tui_reader.models import Removal

MAX_BOX_CHARS = 4000  # a selector never removes more text than this (guards the article itself)
_ARROWS = "»›→⇒⟶➔➜➝➞➡▶►▸⮕"
_SEPARATOR = re.compile(rf"^\s*(?:[:：{_ARROWS}|>\-–—•·]+|\.{{3}}|…)\s*")
_LABEL_END = re.compile(rf"[:：{_ARROWS}|>\-–—•·]\s*$")
_TRAILING_PUNCT = re.compile(r"^[\s.!?»\"'”’)\]]*$")
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
_QUOTE_FIGURES = etree.XPath("/descendant::figure[.//blockquote]")
_QUOTE_CITES = etree.XPath(
    "/descendant::blockquote/cite | /descendant::blockquote/footer"
    " | /descendant::blockquote/p/cite[last()]"
)


def _text_of(el: Any) -> str:
    """Text of an element (style and script are gone by the time this runs)."""
    return clean_line(" ".join(el.itertext()))


def drop_element(el: Any) -> None:
    """Remove `el` from the tree, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
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


# A literal prefix keeps these regexes fast; one pass each for both quote styles.
_CLASS_ATTR = re.compile(r"""class\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ID_ATTR = re.compile(r""" id\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _present_tokens(html: str, attr: re.Pattern[str]) -> set[str]:
    """Every class (or id) token that occurs in the page source: a cheap prefilter."""
    return set(" ".join(a or b for a, b in attr.findall(html)).split())


# The elements with a class or an id, in document order: one cheap pass over the tree (libxml2
# runs this much faster than `//*[contains(@class, ...) or ...]`, whose cost grows with each
# token tested, and than `//*[...]`); the tokens are then checked in Python.
_WITH_CLASS_OR_ID = etree.XPath("/descendant::*[@class or @id]")


def _carriers(root: Any, classes: frozenset[str], ids: frozenset[str]) -> list[Any]:
    """Elements, in document order, with a class token in `classes` or an id in `ids`."""
    if not classes and not ids:
        return []
    return [
        el
        for el in _WITH_CLASS_OR_ID(root)
        if el.get("id") in ids or not classes.isdisjoint((el.get("class") or "").split())
    ]


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
    info = PreInfo(
        classes=_present_tokens(html, _CLASS_ATTR),
        ids=_present_tokens(html, _ID_ATTR),
    )
    classes = frozenset(t for t in info.classes if t in comp.class_selectors)
    ids = frozenset(t for t in info.ids if t in comp.id_selectors)
    hinted = frozenset(t for t in info.classes | info.ids if _CHROME_HINT.search(t))
    # one pass over the tree for both: neither the chrome nor the sources change it
    tagged = _carriers(root, classes | hinted, ids | hinted)
    _site_chrome(root, info, hinted, tagged)
    if comp.sources.pattern is not None:
        _find_sources(root, comp, info, url)
    dropped: set[Any] = set()
    for el, sel in _selector_hits(root, html, comp, classes, ids, tagged):
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
    if "blockquote" in html:
        _repair_quotes(root)
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
    host = _host(url)
    return _site_key(host) if host else ""


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
            if h.startswith(("http://", "https://", "//")) and _site_key(_host(h)) != page_site
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


_CHROME_HINT = re.compile("tagline|site-description|slogan|site-title|site-branding")


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


_DASH_START = re.compile(r"^\s*[—–―~-]")


def _repair_quotes(root: Any) -> None:
    """Keep pull quotes (trafilatura drops <figure>) and their <cite>/<footer> attributions."""
    for fig in _QUOTE_FIGURES(root):
        fig.tag = "div"
    for cite in _QUOTE_CITES(root):
        text = _text_of(cite)
        if not text:
            continue
        parent = cite.getparent()
        # <p><cite>Name</cite></p> as the last paragraph of the quote, or a cite inside prose
        if parent.tag == "p" and (clean_line(parent.text or "") or len(parent) > 1):
            continue
        cite.tag = "p"
        if not _DASH_START.match(text):
            cite.text = "— " + (cite.text or "").lstrip()
        if parent.tag == "p":
            parent.tag = "div"


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
            parent.replace(fig, para)
        else:
            para.tail = cap.tail
            parent = cap.getparent()
            if parent is None:
                continue
            parent.replace(cap, para)
        info.captions.add(fold(text))


# ------------------------------------------------------------------ block rules


def _host(url: str) -> str:
    """The URL's host without "www.", or "" (also for a malformed URL)."""
    try:
        return site_of(url)
    except ValueError:
        return ""


def _site_key(host: str) -> str:
    """A crude registrable domain: the last two labels (three for short second levels)."""
    parts = host.split(".")
    if len(parts) >= 3 and len(parts[-2]) <= 3 and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _same_page(a: str, b: str) -> bool:
    def norm(u: str) -> str:
        u = u.split("#", 1)[0]
        if u.startswith("https://"):
            u = "http://" + u[8:]
        return u.replace("://www.", "://").rstrip("/")

    return bool(a) and bool(b) and norm(a) == norm(b)


@dataclass(slots=True)
class BlockContext:
    url: str
    title: str
    rules: Rules
    comp: Compiled
    pre: PreInfo
    stats: SiteStats | None
    source: str


def _link_chars(block: RawBlock) -> int:
    return sum(lk.end - lk.start for lk in block.links)


def _words(text: str) -> int:
    return len(text.split())


_HAS_WORD = re.compile(r"[^\W_]")


def _label_words(text: str) -> int:
    """Words of a label, not counting lone symbols (" : ", "►", "👉", "|")."""
    return sum(1 for w in text.split() if _HAS_WORD.search(w))


def _is_social(href: str, comp: Compiled) -> bool:
    host = _host(href)
    if host in comp.social_hosts or host.endswith(comp.social_suffixes):
        return True
    low = href.lower()
    return any(p in low for p in comp.share_paths)


_LEADING_SYMBOLS = re.compile(r"^[\W_]+")


def _marker_rule(block: RawBlock, ctx: BlockContext) -> tuple[str, bool] | None:
    """(rule id, label only) when the block starts with a marker phrase and looks like a box."""
    if block.kind not in ("paragraph", "heading", "list", "caption"):
        return None
    text = block.text
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
        if block.kind == "list" and "\n" in text:
            return (rule, False) if _mostly_links(block) else None
        return rule, True
    if block.kind == "list":
        return (rule, False) if _mostly_links(block) else None
    after_sep = _SEPARATOR.match(rest)
    offset = skip + _phrase_end(first_line[skip:], phrase, end)
    total = len(text)
    link_chars = _link_chars(block)
    first_link = min((lk.start for lk in block.links), default=-1)
    starts_with_link = first_link >= offset and not text[offset:first_link].strip(
        " :：|>-–—•·…\u00a0" + _ARROWS
    )
    if after_sep and after_sep.group(0).strip():
        # "Marker: something" -- a short tail, or a tail that is mostly a link
        if starts_with_link and link_chars >= 0.5 * (total - offset):
            return rule, False
        if _words(text) <= 16 and not block.links and block.kind != "heading":
            return rule, False
        return None
    if starts_with_link and link_chars >= 0.6 * (total - offset) and _words(text) <= 40:
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


def _mostly_links(block: RawBlock) -> bool:
    chars = len(block.text.replace("\n", "").replace(" ", ""))
    if not chars:
        return False
    link = sum(len(block.text[lk.start : lk.end].replace(" ", "")) for lk in block.links)
    return link >= 0.6 * chars


def _is_toc(block: RawBlock, headings: set[str]) -> bool:
    if block.kind != "list" or len(headings) < 2:
        return False
    lines = [fold(x).strip(" .0123456789") for x in block.text.split("\n") if x.strip()]
    return len(lines) >= 2 and sum(1 for x in lines if x in headings) >= max(2, 0.8 * len(lines))


def filter_blocks(
    blocks: list[RawBlock], ctx: BlockContext, removed: list[Removal]
) -> list[RawBlock]:
    """Drop boilerplate blocks, recording each removal with its rule."""
    comp = ctx.comp
    page_host = _host(ctx.url)
    page_site = _site_key(page_host) if page_host else ""
    headings = {fold(b.text).strip(" .0123456789") for b in blocks if b.kind == "heading"}
    title_key = fold(ctx.title) if ctx.title else ""
    n = len(blocks)
    keep: list[RawBlock] = []
    drop_next_links = False  # after a bare "Related articles" label: its list of links
    last_label_rule = ""
    seen_texts: set[str] = set()
    repeated: list[tuple[int, RawBlock]] = []
    kept_from: list[int] = []  # index in `blocks` of each block of `keep`
    for i, block in enumerate(blocks):
        if block.keep:
            keep.append(block)
            kept_from.append(i)
            drop_next_links = False
            continue
        rule: str | None = None
        folded = fold(block.text)
        words = _words(block.text)
        near_end = i >= n - 3
        if drop_next_links:
            drop_next_links = False
            if block.kind in ("list", "paragraph") and block.links and _mostly_links(block):
                rule = last_label_rule
        if rule is None:
            marker = _marker_rule(block, ctx)
            if marker is not None:
                rule, label_only = marker
                if label_only:
                    nxt = blocks[i + 1] if i + 1 < n else None
                    if nxt is None or (nxt.links and _mostly_links(nxt)) or block.kind != "heading":
                        drop_next_links = True
                        last_label_rule = rule
                    else:
                        # a heading that happens to be a marker word, followed by prose: keep it
                        rule = None
                        drop_next_links = False
        if (
            rule is None
            and block.kind in ("paragraph", "heading")
            and not block.links
            and words <= 3
            and block.text.rstrip().endswith((":", "："))
        ):
            nxt = blocks[i + 1] if i + 1 < n else None
            if nxt is None or (nxt.links and _mostly_links(nxt)):
                rule = last_label_rule = "structure:label"
                drop_next_links = True
        if rule is None and block.kind in ("paragraph", "caption") and words <= 60:
            hit = comp.footers.search(folded)
            if hit is not None and block.links and (near_end or ctx.source == "feed"):
                rule = f"footer:{hit[0]}:{hit[1]}"
        if rule is None and block.links and words <= 40 and block.kind != "quote":
            for lk in block.links:
                if _same_page(lk.href, ctx.url) and (
                    near_end or (title_key and fold(block.text[lk.start : lk.end]) == title_key)
                ):
                    rule = "structure:self-link"
                    break
        if rule is None and block.kind in ("paragraph", "list", "caption") and words <= 45:
            social_links = sum(1 for lk in block.links if _is_social(lk.href, comp))
            follow = comp.follow.search(folded)
            names = comp.social_names.search(folded) if comp.social_names else None
            if follow is not None and (names is not None or social_links):
                rule = f"follow:{follow[0]}:{follow[1]}"
            elif len(block.links) >= 2 and social_links * 2 >= len(block.links):
                rule = "structure:share"
        if rule is None and block.kind in ("paragraph", "list", "caption") and words <= 30:
            promo = comp.promos.search(folded)
            if promo is not None and (block.links or near_end):
                rule = f"promo:{promo[0]}:{promo[1]}"
        if rule is None and block.kind in ("paragraph", "list"):
            rule = _label_link(block, page_site)
        if rule is None and block.links and block.kind in ("paragraph", "list"):
            rule = _density(block, page_site)
        if rule is None and _is_toc(block, headings):
            rule = "structure:toc"
        if rule is None and block.kind != "quote" and folded in ctx.pre.chrome and words <= 30:
            rule = "structure:site-chrome"
        if (
            rule is None
            and ctx.stats is not None
            and block.kind not in ("code", "quote")
            and is_repeated(ctx.stats, block.text, ctx.rules.repetition)
            and not (block.kind == "heading" and _introduces_prose(blocks, i, ctx))
        ):
            rule = "repeated"
        if rule is None and block.kind != "heading" and len(folded) >= 20:
            if folded in seen_texts:
                rule = "structure:duplicate"
            else:
                seen_texts.add(folded)
        if rule == "repeated":
            repeated.append((len(keep), block))
        elif rule is None:
            keep.append(block)
            kept_from.append(i)
        else:
            if (
                block.links
                and rule in _LIST_RULES
                and kept_from
                and kept_from[-1] == i - 1
                and _is_box_title(keep[-1])
            ):
                # the title of the box whose links were just removed ("Podes ler tamén")
                title = keep.pop()
                kept_from.pop()
                removed.append(Removal("structure:label", title.text))
            removed.append(
                Removal(rule, block.text if len(block.text) <= 2000 else block.text[:2000])
            )
    if repeated:
        kept_chars = sum(len(b.text) for b in keep)
        if kept_chars >= sum(len(b.text) for _, b in repeated):
            removed.extend(Removal("repeated", b.text) for _, b in repeated)
        else:  # the "repeated" blocks are most of the page: keep them, in place
            for pos, b in reversed(repeated):
                keep.insert(pos, b)
    return keep


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
        and not (nxt.links and _mostly_links(nxt))
        and not is_repeated(ctx.stats, nxt.text, ctx.rules.repetition)
    )


_LIST_RULES = frozenset({"density", "structure:label-link"})
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


def _is_box_title(block: RawBlock) -> bool:
    """A short line with no links and no sentence end: a box title such as "Más sobre esto"."""
    return (
        block.kind in ("paragraph", "heading")
        and not block.links
        and "\n" not in block.text
        and 1 <= _label_words(block.text) <= 5
        and not _SENTENCE_END.search(block.text)
    )


def _is_same_site(href: str, page_site: str) -> bool:
    host = _host(href)
    return bool(page_site) and bool(host) and _site_key(host) == page_site


def _label_link(block: RawBlock, page_site: str) -> str | None:
    """A short "Label: <a>Title</a>" (no marker word needed), or a bare same-site link line.

    Also: the label on a line of its own above the link, a label made of a symbol only
    ("🔥 <a>…</a>"), and a label followed by two to four links to the site ("A | B").
    """
    rule = "structure:label-link"
    links = block.links
    if not links or len(links) > 4 or _words(block.text) > 30:
        return None
    text = block.text
    first, last = links[0], links[-1]
    label = text[: first.start]
    after = text[last.end :]
    if not _TRAILING_PUNCT.match(after) or "\n" in text[first.start :]:
        return None
    link_words = _words(text[first.start : first.end])
    if len(links) > 1:
        # "► Related: <a>A</a> | <a>B</a>": every link to the site, nothing else but separators
        between = "".join(text[a.end : b.start] for a, b in pairwise(links))
        if (
            _HAS_WORD.search(between) is None
            and all(_is_same_site(lk.href, page_site) for lk in links)
            and (_HAS_WORD.search(label) is None or _is_label(label))
        ):
            return rule
        return None
    same_site = _is_same_site(first.href, page_site)
    if _HAS_WORD.search(label) is None:
        # the whole block is one link (maybe after an emoji): a related-post title on its own line
        return rule if same_site and link_words >= 4 else None
    if "\n" in label:
        # "LEIA MAIS" / line break / <a>Title</a>
        head, _, rest = label.rstrip("\n ").partition("\n")
        if rest or _SENTENCE_END.search(head) or not same_site:
            return None
        return rule if _label_words(head) <= 5 and link_words >= 2 else None
    if _is_label(label) and link_words >= 2:
        return rule
    return None


def _is_label(label: str) -> bool:
    return _label_words(label) <= 5 and _LABEL_END.search(label) is not None


def _density(block: RawBlock, page_site: str) -> str | None:
    """Blocks made mostly of link text: tag lists, link farms, related lists."""
    links = block.links
    if not _mostly_links(block):
        return None
    if block.kind == "list":
        lines = [x for x in block.text.split("\n") if x.strip()]
        if len(lines) < 2:
            return None
        same = sum(1 for lk in links if page_site and _site_key(_host(lk.href)) == page_site)
        return "density" if same * 2 >= len(links) else None
    if "\n" in block.text and _link_lines(block, page_site):
        return "density"
    if len(links) >= 3:
        avg_words = sum(_words(block.text[lk.start : lk.end]) for lk in links) / len(links)
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
        if _label_words(head) > 5 or _SENTENCE_END.search(head):
            return False
        skip = len(head) + 1
    if len({text.rfind("\n", 0, lk.start) for lk in links}) != len(links):
        return False  # two links on one line: not a list of titles
    covered = 0
    for lk in links:
        if not _is_same_site(lk.href, page_site):
            return False
        covered += lk.end - lk.start
    rest = text[skip:]
    return len(rest) - rest.count("\n") - covered <= 3 * len(links)


def dedupe_removed(removed: Iterable[Removal]) -> tuple[Removal, ...]:
    seen: set[tuple[str, str]] = set()
    out: list[Removal] = []
    for r in removed:
        key = (r.rule, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)
