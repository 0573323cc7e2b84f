"""Feed parsing with feedparser: a pure function of (bytes, url, headers), run in the process pool.

What it makes (`ParsedFeed`, `ParsedItem`) and its errors live in `feeds.parsed`, which imports no
feedparser: the main process reads them without loading the parser.
"""

from __future__ import annotations

import calendar
import html
import inspect
import re
import textwrap
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import feedparser
import feedparser.mixin

from tui_reader.feeds import tuning
from tui_reader.feeds.decode import decode_html
from tui_reader.feeds.links import find_feed_links
from tui_reader.feeds.parsed import FeedParseError as FeedParseError
from tui_reader.feeds.parsed import NotAFeed as NotAFeed
from tui_reader.feeds.parsed import ParsedFeed as ParsedFeed
from tui_reader.feeds.parsed import ParsedItem as ParsedItem
from tui_reader.sanitize import clean_line, clean_text, error_line, is_safe_url

# A feed item whose content holds at least this much text may be the whole article.
MIN_FULL_TEXT = 1200
# Dates this far ahead of the fetch are clock skew we tolerate; further is a wrong date.
FUTURE_SKEW = timedelta(minutes=10)
MAX_SUMMARY = 2000
# Longer titles, authors and ids are cut: a feed cannot fill every list row with megabytes.
MAX_TITLE = 500
MAX_AUTHOR = 200
MAX_GUID = 1000
# Items read from one feed: a feed listing more is hostile or a full archive; the rest are
# counted as skipped (logged), so a run and its store stay bounded.
MAX_ITEMS = 5000
# A longer link is not a link to an article (and would be every list and page's problem).
MAX_URL = 4096

_TRUNCATION = re.compile(
    r"(?:\[\s*(?:…|\.\.\.|&hellip;)\s*\]|…|\.\.\.|\b(?:read|continue|keep)\s+reading\b|"
    r"\bread\s+more\b|\bcontinuar\s+leyendo\b|\bseguir\s+leyendo\b|\bsigue\s+leyendo\b|"
    r"\bleer\s+m[aá]s\b|\bver\s+m[aá]s\b|\bm[aá]s\s+informaci[oó]n\b|\bcontin[uú]a\b)"
    r"[\s\W]*$",
    re.IGNORECASE,
)
# Footers WordPress and others append to every item, full or not; they say nothing of length.
_FOOTER = re.compile(
    r"(?:\bthe\s+post\b.{0,300}?\bappeared\s+first\s+on\b.{0,200}"
    r"|\bla\s+entrada\b.{0,300}?\bse\s+public[oó]\s+primero\s+en\b.{0,200}"
    r"|\bla\s+entrada\b.{0,300}?\baparece\s+primero\s+en\b.{0,200})$",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.IGNORECASE)
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
# Only what changes: a lone space stays as it is (matching each one cost more than the rest).
# Runs of two or more blanks, or a tab or no-break space alone; written so that a lone space
# fails at its second character (`{2,}` cost a third more on article-length text).
_BLANKS = re.compile(r" [ \t\u00a0]+|[\t\u00a0][ \t\u00a0]*")
# A footer is matched in this much of a text's end: the longest one is about 550 characters.
FOOTER_SCAN = 1000


# feedparser looks for an e-mail address in every RSS author with a regex that is quadratic in
# the author's length: a 100 KB <dc:creator> costs a minute, a megabyte hangs the fetch. Nobody's
# name is that long, so the value is cut before the search.
_MAX_AUTHOR_SCAN = 4 * MAX_AUTHOR
_sync_author_detail = feedparser.mixin._FeedParserMixin._sync_author_detail


def _bounded_sync_author_detail(self: Any, key: str = "author") -> None:
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > _MAX_AUTHOR_SCAN:
        context[key] = value[:_MAX_AUTHOR_SCAN]
    _sync_author_detail(self, key)


feedparser.mixin._FeedParserMixin._sync_author_detail = _bounded_sync_author_detail

# feedparser maps the C1 range (U+0080-U+009F) to cp1252's characters in every string it pops,
# with `str.translate` and a dict: for any non-ASCII text that is a failed lookup per character,
# 0.3 ms for a 10 KB article and a quarter of its whole parse. Its own line, made conditional on a
# C1 character being there at all (the same output), in a copy of `pop` compiled from its source.
# Should a feedparser release change that line, its stock `pop` is left in place.
_CP1252_LINE = "output = output.translate(_cp1252)"
_C1 = re.compile("[\x80-\x9f]")


def _pop_without_needless_translate() -> Any:
    original = feedparser.mixin._FeedParserMixin.pop
    try:
        source = textwrap.dedent(inspect.getsource(original))
    except (OSError, TypeError):
        return None
    if source.count(_CP1252_LINE) != 1:
        return None
    source = source.replace(
        _CP1252_LINE, "output = output.translate(_cp1252) if _C1.search(output) else output"
    )
    namespace = dict(vars(feedparser.mixin), _C1=_C1)
    code = compile(source, inspect.getsourcefile(original) or "<feedparser>", "exec")
    exec(code, namespace)
    return namespace["pop"]


_fast_pop = _pop_without_needless_translate()
if _fast_pop is not None:
    feedparser.mixin._FeedParserMixin.pop = _fast_pop
tuning.install()  # expat joins character data; two per-element helpers in their exact fast form


def _has_blanks(text: str) -> bool:
    """Whether `_BLANKS` can match: two spaces, or a tab or no-break space anywhere."""
    return "  " in text or "\t" in text or "\u00a0" in text


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, one line per block."""
    if not fragment:
        return ""
    text = _DROP.sub(" ", fragment)
    text = _BLOCK_END.sub("\n", text)
    text = clean_text(html.unescape(_TAG.sub("", text)))
    if _has_blanks(text):  # most texts have none: the search alone was 70% of this function
        text = _BLANKS.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strip_footer(text: str) -> str:
    """The text without a "The post ... appeared first on ..." line at its end.

    Only the end is searched (from a word boundary): the regex tried at every position of a
    whole article cost more than feedparser's parse of the item.
    """
    cut = 0
    if len(text) > FOOTER_SCAN:
        cut = text.find(" ", len(text) - FOOTER_SCAN)
        cut = cut if cut >= 0 else len(text)
    return (text[:cut] + _FOOTER.sub("", text[cut:])).rstrip()


def _source_url(entry: Any, base: str) -> str:
    """`<source url="...">` (RSS) or `<source><link href>` (Atom): where the item came from."""
    source = entry.get("source") or {}
    href = urljoin(base, source.get("href") or source.get("link") or "")
    return href if is_safe_url(href) and len(href) <= MAX_URL else ""


def _ends_as_teaser(text: str) -> bool:
    return bool(_TRUNCATION.search(text[-200:]))


def looks_truncated(text: str) -> bool:
    """Whether a text ends like a teaser: "[…]", "Leer más", "Continuar leyendo", "Read more"."""
    return _ends_as_teaser(strip_footer(text))


def content_is_complete(text: str) -> bool:
    """The "auto" full-text heuristic: long enough and not ending in a teaser's marker."""
    text = strip_footer(text)
    return len(text) >= MIN_FULL_TEXT and not _ends_as_teaser(text)


def _when(entry: Any, now: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, TypeError):
                continue
            return now if when > now + FUTURE_SKEW else when
    return now


def _link(entry: Any, base: str) -> str:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or ():
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    return urljoin(base, link.strip()) if link else ""


def _content(entry: Any) -> tuple[str, str]:
    """The item's full-content HTML (content:encoded, Atom content) and its language."""
    for part in entry.get("content") or ():
        if part.get("type", "text/html") in ("text/html", "application/xhtml+xml", "html"):
            return part.get("value") or "", part.get("language") or ""
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        if value:
            return html.escape(value), part.get("language") or ""
    return "", ""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What may come before a document's first element: blanks, processing instructions, comments,
# a doctype (an XHTML doctype before <rss> is a template's mistake; the element decides).
_PROLOGUE = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*", re.IGNORECASE | re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<([a-z_][-\w.]*:)?([a-z_][-\w.]*)", re.IGNORECASE)
FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf", b"channel"})


def _root_element(content: bytes) -> bytes:
    """The name of the document's first element (lowercase, no prefix), or b"" when the bytes
    are not ASCII-compatible markup; b"html" for a lone HTML doctype."""
    head = content[:65536].removeprefix(b"\xef\xbb\xbf")
    prologue = _PROLOGUE.match(head)
    end = prologue.end() if prologue else 0
    element = _FIRST_ELEMENT.match(head, end)
    if element:
        return element.group(2).lower()
    return b"html" if re.search(rb"<!doctype\s+html", head[:end], re.IGNORECASE) else b""


def _is_html_page(content: bytes, headers: dict[str, str]) -> bool:
    """Whether these bytes are a web page: the body's own first element wins over the header."""
    root = _root_element(content)
    if root in FEED_ROOTS:
        return False
    if root == b"html":
        return True
    ctype = headers.get("content-type", "").lower()
    head = content[:1024].lower()
    return "html" in ctype or (b"<html" in head and b"<rss" not in head and b"<feed" not in head)


def _not_a_feed(content: bytes, url: str, headers: dict[str, str]) -> NotAFeed:
    page = decode_html(content, headers.get("content-type", ""))
    feeds = tuple(find_feed_links(page, url))
    if feeds:
        return NotAFeed("this is a web page, not a feed; it advertises: " + ", ".join(feeds), feeds)
    return NotAFeed("this is a web page, not a feed, and it advertises no feed")


def parse_feed(
    content: bytes, url: str, headers: dict[str, str], *, now: datetime | None = None
) -> ParsedFeed:
    """Parse a feed's bytes into plain, sanitised items.

    Pure and picklable, so it runs in a worker process. Dates are UTC; a missing, invalid or
    future date becomes `now` (the fetch time). Raises FeedParseError / NotAFeed.
    """
    now = now or datetime.now(UTC)
    headers = {k.lower(): v for k, v in headers.items()}
    if not content.strip():
        raise FeedParseError("the server sent an empty response, not a feed")
    if _is_html_page(content, headers):
        raise _not_a_feed(content, url, headers)
    # feedparser never fetches a DTD or external entity, and keeps only entities that expand to
    # plain text (no billion laughs). It is given no base URL (Content-Location): with one it
    # joins the base to itself at every element, a fifth of its time; the links we read are
    # joined to the feed's URL here (`_link`, `site_url`), after any xml:base it applied.
    # Its HTML sanitizer and the resolving of relative URIs inside HTML are off (they were half of
    # its time): no HTML of a feed reaches a terminal. Summaries become plain text here
    # (`html_to_text`: scripts, styles and every tag dropped, controls removed), content goes only
    # to the extractor (which keeps no markup and makes links absolute against the article's
    # URL), and every other string goes through `clean_line`.
    data = feedparser.parse(
        content,
        response_headers={k: v for k, v in headers.items() if k != "content-location"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = data.get("bozo_exception")
    if (
        data.get("bozo")
        and not data.get("entries")
        and not isinstance(problem, feedparser.CharacterEncodingOverride)
    ):
        raise FeedParseError(f"not a readable feed: {_describe(problem)}")
    if not data.get("version") and not data.get("entries"):
        raise FeedParseError("not a readable feed: no RSS, Atom or RDF content found")

    feed = data.feed
    feed_language = clean_line(feed.get("language") or "")
    site_url = urljoin(url, feed.get("link") or "")
    items: list[ParsedItem] = []
    skipped: list[str] = []
    guids: set[str] = set()
    for index, entry in enumerate(data.entries):
        if index >= MAX_ITEMS:
            more = len(data.entries) - MAX_ITEMS
            skipped.append(f"{more:,} items after the first {MAX_ITEMS:,}: not read")
            break
        title = _cut(clean_line(html.unescape(entry.get("title") or "")), MAX_TITLE)
        label = title[:60] or f"item {index + 1}"
        guid = _cut(clean_line(entry.get("id") or entry.get("guid") or ""), MAX_GUID)
        if guid and guid in guids:
            skipped.append(f"{label}: duplicate guid {guid[:80]}")
            continue
        link = _link(entry, url)
        if not link and guid:
            permalink = urljoin(url, guid) if entry.get("guidislink") else guid
            link = permalink if is_safe_url(permalink) else ""
        if not link:
            skipped.append(f"{label}: no link")
            continue
        if not is_safe_url(link):
            skipped.append(f"{label}: link is not an http(s) URL")
            continue
        if len(link) > MAX_URL:
            skipped.append(f"{label}: link is longer than {MAX_URL} characters")
            continue
        if guid:
            guids.add(guid)
        content_html, content_language = _content(entry)
        summary_text = strip_footer(html_to_text(entry.get("summary") or ""))
        content_text = html_to_text(content_html)
        author = entry.get("author") or ""
        if not author and entry.get("authors"):
            author = entry["authors"][0].get("name") or ""
        items.append(
            ParsedItem(
                title=title,
                link=link,
                guid=guid,
                author=_cut(clean_line(author), MAX_AUTHOR),
                published=_when(entry, now),
                summary=summary_text[:MAX_SUMMARY],
                content_html=content_html,
                language=clean_line(
                    content_language
                    or entry.get("language")
                    or (entry.get("title_detail") or {}).get("language")
                    or feed_language
                ),
                content_complete=bool(content_html) and content_is_complete(content_text),
                source_url=_source_url(entry, url),
            )
        )
    if (
        data.get("bozo")
        and not items
        and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe)
    ):
        # Broken XML from which the lenient parser salvaged nothing usable: say so, rather than
        # report an empty feed as a success.
        raise FeedParseError(f"not a readable feed: {_describe(problem)}")
    return ParsedFeed(
        url=url,
        title=_cut(clean_line(html.unescape(feed.get("title") or "")), MAX_TITLE),
        site_url=site_url if is_safe_url(site_url) else "",
        language=feed_language,
        items=tuple(items),
        skipped=tuple(skipped),
    )


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown error"
    return error_line(exc)
