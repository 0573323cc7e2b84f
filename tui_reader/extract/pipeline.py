"""The extraction pipeline: decode -> parse once -> pre-clean -> trafilatura -> blocks -> rules.

Imported lazily by `tui_reader.extract.extract_article` (it pulls in trafilatura).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from tui_reader import sanitize
from tui_reader.extract.author import find_author
from tui_reader.extract.boilerplate import (
    BlockContext,
    PreInfo,
    dedupe_removed,
    drop_element,
    filter_blocks,
    preclean,
)
from tui_reader.extract.clean import (
    clean_byline,
    clean_href,
    clean_line,
    fold,
    strip_controls,
)
from tui_reader.extract.compiled import compile_rules
from tui_reader.extract.convert import BlockWalker, RawBlock, attach_attributions
from tui_reader.extract.repetition import SiteStats
from tui_reader.extract.rules import Rules, load_rules
from tui_reader.models import Article, Block, Link, LinkRef, Removal

LOG = logging.getLogger(__name__)

MAX_INPUT_CHARS = 6_000_000  # pages beyond this are cut (a news article is far smaller)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)


# ------------------------------------------------------------------ input


def decode(data: str | bytes) -> str:
    """Bytes -> str: BOM, then UTF-8, then the page's declared charset, then cp1252."""
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data[: MAX_INPUT_CHARS * 2])
        if raw.startswith(b"\xef\xbb\xbf"):
            text = raw[3:].decode("utf-8", "replace")
        elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = raw.decode("utf-16", "replace")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                m = _META_CHARSET.search(raw[:4096])
                enc = m.group(1).decode("ascii", "replace") if m else "cp1252"
                try:
                    text = raw.decode(enc, "replace")
                except LookupError:
                    text = raw.decode("cp1252", "replace")
    if len(text) > MAX_INPUT_CHARS:
        text = text[:MAX_INPUT_CHARS]
    if "\x1b" in text or "\x9b" in text:
        text = sanitize.strip_escapes(text)
    # lxml drops the other C0 controls itself; output strings are sanitised again at the end
    return text


class _Parsers(threading.local):
    """One HTML parser per thread (lxml parsers must not be shared between threads).

    trafilatura's own parser settings, with the element classes chosen in C: lxml.html's
    lookup calls Python for each element a tree walk touches (about 1,400 a page), 5 % of an
    extraction, to pick form and input classes that neither we nor trafilatura's fast path use.
    """

    def __init__(self) -> None:
        self.html = lxml_html.HTMLParser(
            collect_ids=False,
            default_doctype=False,
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
        )
        self.html.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=lxml_html.HtmlElement,
                comment=lxml_html.HtmlComment,
                pi=lxml_html.HtmlProcessingInstruction,
                entity=lxml_html.HtmlEntity,
            )
        )


_PARSERS = _Parsers()


def _load_html(text: str) -> Any:
    """`trafilatura.utils.load_html` for a decoded page, with our parser."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    parser = _PARSERS.html
    tree = None
    try:
        tree = lxml_html.fromstring(text, parser=parser)
    except Exception:  # an encoding declaration in a str, or libxml2 giving up
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml_html.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
        except Exception:
            tree = None
    if tree is not None and dubious and len(tree) < 2:
        return None  # not HTML at all
    return tree


def _parse_page(text: str) -> Any:
    tree = _load_html(text)
    if tree is None:
        try:
            tree = lxml_html.document_fromstring(text or "<html></html>")
        except (etree.ParserError, ValueError):
            tree = None
    return tree


def _parse_fragment(text: str) -> Any:
    try:
        body = lxml_html.fragment_fromstring(text, create_parent="article", parser=_PARSERS.html)
    except (etree.ParserError, ValueError):
        return None
    root = lxml_html.Element("html")
    b = etree.SubElement(root, "body")
    b.append(body)
    return root


# ------------------------------------------------------------------ metadata


def _lang_code(value: str) -> str:
    value = value.strip().lower().replace("_", "-")
    code = value.split("-", 1)[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 else ""


# Compiled once: `root.xpath(str)` builds a new evaluator on every call (about 0.13 ms), and
# "/descendant::x" selects the same nodes as "//x" with a cheaper walk in libxml2.
_LANGUAGE_METAS = etree.XPath(
    "/descendant::meta[@http-equiv='content-language' or @http-equiv='Content-Language'"
    " or @property='og:locale' or @name='language']"
)
_NAMED_METAS = etree.XPath("/descendant::meta[@property or @name or @itemprop]")
_JSON_LD = etree.XPath("/descendant::script[@type='application/ld+json']")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')
_TIMES = etree.XPath("/descendant::time[@datetime]")
_BASES = etree.XPath("/descendant::base[@href]")
_H1S = etree.XPath("/descendant::h1")
_CONTAINERS = (
    etree.XPath("/descendant::article"),
    etree.XPath("/descendant::main"),
    etree.XPath("/descendant::*[@role='main']"),
)


def _declared_language(root: Any) -> str:
    lang = _lang_code(root.get("lang") or root.get("xml:lang") or "")
    if lang:
        return lang
    for meta in _LANGUAGE_METAS(root)[:3]:
        lang = _lang_code(meta.get("content") or "")
        if lang:
            return lang
    return ""


# Detection reads this much of the text: the language is clear long before, and the classifier's
# cost grows with the length.
LANGUAGE_SAMPLE = 1500


def _detect_language(text: str) -> str:
    if len(text) < 20:
        return ""
    try:
        import py3langid

        lang, _ = py3langid.classify(text[:LANGUAGE_SAMPLE])
        return str(lang)
    except Exception:
        return ""


def _parse_dt(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _precise_date(root: Any) -> datetime | None:
    for meta in _NAMED_METAS(root)[:200]:
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key in _DATE_META or key.lower() in _DATE_META:
            dt = _parse_dt(meta.get("content") or "")
            if dt is not None:
                return dt
    for script in _JSON_LD(root)[:5]:
        m = _JSON_LD_DATE.search(script.text or "")
        if m:
            dt = _parse_dt(m.group(1))
            if dt is not None:
                return dt
    for t in _TIMES(root)[:3]:
        dt = _parse_dt(t.get("datetime") or "")
        if dt is not None:
            return dt
    return None


def _published(root: Any, day: str | None) -> datetime | None:
    precise = _precise_date(root)
    if day:
        try:
            coarse = datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            coarse = None
        if coarse is not None:
            if precise is not None and abs((precise - coarse).total_seconds()) < 2 * 86400:
                return precise
            return coarse
    return precise


# ------------------------------------------------------------------ links


def _base_url(root: Any, url: str, canonical: str) -> str:
    base = url or canonical
    for el in _BASES(root)[:1]:
        href = (el.get("href") or "").strip()
        if href:
            base = urljoin(base, href) if base else href
    return base


def _resolve(href: str, base: str, page: str) -> str | None:
    href = clean_href(href)
    if not href or href.startswith("#"):
        return None
    try:
        absolute = urljoin(base, href) if base else href
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


def _absolutize(blocks: list[RawBlock], base: str) -> None:
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


def _finish_blocks(
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


# ------------------------------------------------------------------ main


def _shrink(root: Any) -> None:
    """Drop what no stage reads (keeps JSON-LD for the metadata): less to copy and walk."""
    etree.strip_elements(root, "style", "noscript", "svg", "template", with_tail=False)
    for script in list(root.iter("script")):
        if script.get("type") != "application/ld+json":
            drop_element(script)


def _container(root: Any) -> Any:
    for path in _CONTAINERS:
        found = path(root)
        if len(found) == 1:
            return found[0]
    body = root.find("body")
    return body if body is not None else root


def _metadata(root: Any, url: str) -> Any:
    """trafilatura's metadata pass (`extract_metadata`) without what we never read.

    Same steps and order for title, author, canonical URL, date and site name; categories, tags
    and licence (a quarter of its cost) are skipped.  Reads `root`, never changes it.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    doc = tm.examine_meta(root)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = tm.extract_meta_json(root, doc)
    except Exception as err:  # bugs in trafilatura's JSON-LD code
        LOG.debug("JSON-LD metadata failed: %s", err)
    if not doc.title:
        doc.title = tm.extract_title(root)
    if not doc.author:
        doc.author = find_author(root)
    if not doc.url:
        doc.url = tm.extract_url(root, url or None)
    doc.date = find_date(root, extensive_search=False, original_date=True, url=doc.url)
    if not doc.sitename:
        doc.sitename = tm.extract_sitename(root)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url:
        m = tm.META_URL.match(doc.url)
        if m:
            doc.sitename = m[1]
    doc.clean_and_trim()
    return doc


def _trafilatura(root: Any) -> Any:
    """The article body as trafilatura's XML tree (None when it finds nothing).

    No URL is given: trafilatura would resolve every link of the page (kept or not) with
    courlan; `_resolve` does it for the kept ones, honouring `<base>`.  No metadata either:
    `_metadata` does the part we use.  trafilatura copies `root` before changing anything.
    """
    from trafilatura import bare_extraction

    doc = bare_extraction(
        root,
        include_comments=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        include_images=False,
        fast=True,
        with_metadata=False,
        output_format="xml",
    )
    return getattr(doc, "body", None)


_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·:»/]+\s+")


def _better_title(root: Any, title: str, site_name: str) -> str:
    """The headline without a " - Site name" suffix; the page's <h1> when it is that headline."""
    h1s = [clean_line(h.text_content()) for h in _H1S(root)[:3]]
    h1s = [h for h in h1s if h]
    if not title:
        return h1s[0] if h1s else ""
    key = fold(title)
    for h in h1s:
        hk = fold(h)
        if hk == key:
            return title
        if len(hk) >= 10 and key.startswith(hk) and _TITLE_SEPARATORS.match(title[len(h) :]):
            return h
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site_name and fold(parts[-1]) == fold(site_name):
        return title[: title.rfind(parts[-1])].rstrip(" |–—-·:»/")
    return title


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


def run(
    data: str | bytes,
    url: str,
    rules: Rules | None,
    site_stats: SiteStats | None,
    source: Literal["feed", "page"],
    trace: Trace | None = None,
    language: str = "",
) -> Article:
    """`language`: the feed's or item's declared language, taken when the page states none
    (no detection, and no detection model loaded in the worker)."""
    trace = trace if trace is not None else Trace()
    url = clean_href(url or "")
    text = decode(data)
    rules = rules if rules is not None else load_rules()
    if not text.strip():
        return Article(url=url, source=source)
    root = _parse_fragment(text) if source == "feed" else _parse_page(text)
    if root is None:
        trace.how = "unparsable input"
        return Article(url=url, source=source)
    host = urlsplit(url).hostname or "" if url else ""
    comp = compile_rules(rules, rules.site(host))
    removed: list[Removal] = []
    _shrink(root)
    pre = preclean(root, text, comp, removed, url=url)
    etree.strip_elements(root, etree.Comment, with_tail=False)
    declared = _declared_language(root) if source == "page" else ""

    title = author = site_name = canonical = ""
    day: str | None = None
    raw: list[RawBlock] = []
    how = "trafilatura (comments off, links and formatting kept) on the pre-cleaned page"
    if source == "page":
        try:
            meta = _metadata(root, url)
            title = clean_line(meta.title or "")
            author = clean_byline(meta.author or "")
            site_name = clean_line(meta.sitename or "")
            canonical = clean_href(meta.url or "")
            day = meta.date
        except Exception as err:  # trafilatura bugs must not break a whole fetch
            LOG.debug("metadata failed on %s: %s", url, err)
        try:
            body = _trafilatura(root)
        except Exception as err:
            LOG.debug("trafilatura failed on %s: %s", url, err)
            body = None
        if body is not None:
            raw = BlockWalker().walk(body)
    if not raw:
        how = (
            "feed content converted directly (no trafilatura)"
            if source == "feed"
            else "trafilatura found nothing: the page's main container converted directly"
        )
        raw = BlockWalker().walk(_container(root))
    raw = attach_attributions(raw)
    _mark_captions(raw, pre)
    if pre.sources:
        _protect_sources(raw, pre)
    if source == "page":
        title = _better_title(root, title, site_name)
    if title:
        # trafilatura sometimes keeps the headline as a first block
        key = fold(title)
        for i in range(min(3, len(raw))):
            if raw[i].kind in ("heading", "paragraph") and fold(raw[i].text) == key:
                removed.append(Removal("structure:title", raw.pop(i).text))
                break

    ctx = BlockContext(
        url=url or canonical,
        title=title,
        rules=rules,
        comp=comp,
        pre=pre,
        stats=site_stats,
        source=source,
    )
    base = _base_url(root, url, canonical)
    _absolutize(raw, base)
    kept = filter_blocks(raw, ctx, removed)
    blocks, links = _finish_blocks(kept, base, url or canonical)
    body_text = "\n".join(b.text for b in blocks)
    language = declared or _lang_code(language) or _detect_language(body_text)
    published = _published(root, day) if source == "page" else None
    trace.how = how
    trace.blocks_before_rules = len(raw)
    if site_stats is not None:
        trace.notes.append(f"site stats: {site_stats.articles} articles seen")
    return Article(
        url=url or canonical,
        title=title,
        author=author,
        published=published,
        site_name=site_name,
        language=language,
        blocks=blocks,
        links=links,
        source=source,
        removed=dedupe_removed(r for r in removed if r.text),
    )
