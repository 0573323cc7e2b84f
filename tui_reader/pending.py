"""Feed items kept unconverted at fetch, made into their article the first time one is opened.

Converting a full-content feed item into an article cost a fetch as much CPU as parsing its
feed, and most items are never opened. So the fetch keeps the item's HTML in its article record
(`Article.pending`), with the item's plain text as paragraphs in its blocks: search, filters and
the site's statistics see its words from the first fetch. `settled_article` converts it once, for
whoever opens it first (`show`, the reader in a worker, `reextract`), and stores the result, so
all of them show the same article.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import replace
from html import unescape
from typing import TYPE_CHECKING, Any

from tui_reader.language import primary_code
from tui_reader.models import Article, Block, Entry
from tui_reader.sanitize import clean_text, error_line

if TYPE_CHECKING:
    from tui_reader.config import Config, FeedConfig
    from tui_reader.feeds.parsed import PlainContent
    from tui_reader.store import Store

LOG = logging.getLogger(__name__)

_UNSEEN = re.compile(r"<!--.*?-->|<(script|style|template|noscript)\b.*?</\1\s*>", re.I | re.S)
# Tags that end a paragraph of text; any other tag is inline and goes without a trace.
_BREAK = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|section|article"
    r"|header|footer|aside|figure|figcaption|hr|main|nav)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
# The text a language check reads: plain enough by then (the extraction's detection reads as
# much), and the check's cost grows with the length.
LANGUAGE_SAMPLE = 1500


def plain_paragraphs(html: str) -> list[str]:
    """An item's HTML as its paragraphs of plain text, cleaned to one line each.

    Tags are dropped by pattern, not parsed: this runs for every new item of a fetch, on
    content a feed carries (no page chrome), and only search and filters read it before the
    article is made from the HTML itself.
    """
    text = clean_text(unescape(_TAG.sub("", _BREAK.sub("\n", _UNSEEN.sub("", html)))))
    return [line for line in (" ".join(part.split()) for part in text.split("\n")) if line]


def _checked_language(declared: str, text: str) -> str:
    """The declared language (its primary code) checked against the text as the extraction
    checks a feed item's."""
    from tui_reader.extract.metadata import checked_language

    code = primary_code(declared)
    sample = text[:LANGUAGE_SAMPLE]
    return checked_language(code if code.isalpha() and 2 <= len(code) <= 3 else "", sample)


def plain_content(html: str, declared: str) -> tuple[list[str], str]:
    """An item's content as plain paragraphs and their language, checked against `declared`
    (the feed's or item's): what a pending article is made of."""
    paragraphs = plain_paragraphs(html)
    if not paragraphs:
        return paragraphs, ""
    return paragraphs, _checked_language(declared, "\n".join(paragraphs))


def pending_article(
    html: str, url: str, language: str = "", plain: PlainContent | None = None
) -> Article | None:
    """The article of a feed item's `html`, its conversion left for later; None if it has no
    text at all (then nothing is stored, as when the conversion finds nothing).

    `plain`: its `plain_content`, made where the feed was parsed; used if it was checked
    against this `language`, else made here.
    """
    from tui_reader.extract.clean import clean_href

    if plain is not None and plain.declared == language:
        paragraphs, checked = list(plain.paragraphs), plain.language
    else:
        paragraphs, checked = plain_content(html, language)
    if not paragraphs:
        return None
    return Article(
        url=clean_href(url or ""),
        language=checked,
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
        source="feed",
        pending=html,
    )


def converted(article: Article, url: str, rules: Any, stats: Any, language: str = "") -> Article:
    """The article made from a pending one's HTML (in any process: a pool's worker too).

    A teaser stays a summary; if the conversion finds nothing, the plain text is kept.
    """
    from tui_reader.extract import extract_article

    made = extract_article(
        article.pending,
        article.url or url,
        rules=rules,
        site_stats=stats,
        source="feed",
        language=language or article.language,
    )
    if not made.blocks:
        return replace(article, pending="")
    return replace(made, source=article.source)


def feed_of(config: Config, store: Store, entry: Entry | None) -> FeedConfig | None:
    """The configured feed an entry came from (its `[extract]` table applies), if any."""
    if entry is None:
        return None
    from tui_reader.services import effective_feeds

    by_url = {feed.url: feed for feed in effective_feeds(config, store)}
    return next((by_url[url] for url in entry.feeds if url in by_url), None)


def rules_for(config: Config, feed: FeedConfig | None) -> Any:
    from tui_reader.config import merge_tables
    from tui_reader.extract import load_rules

    table = config.extract
    if feed is not None and feed.extract:
        table = merge_tables(config.extract, feed.extract)
    return load_rules(table)


def settled_article(config: Config, store: Store, entry_id: str) -> Article | None:
    """The entry's article as stored, converted first (and stored) if it was left pending."""
    article = store.article(entry_id)
    if article is None or not article.pending:
        return article
    from tui_reader.extract.repetition import SiteStats
    from tui_reader.feeds.links import site_of
    from tui_reader.store import StoreError

    entry = store.entry(entry_id)
    url = entry.url if entry is not None else article.url
    rules = rules_for(config, feed_of(config, store, entry))
    stats = SiteStats.from_data(store.site_stats(site_of(url)))
    made = converted(article, url, rules, stats)
    if store.read_only:
        return made
    try:
        stored = store.settle_article(entry_id, article, made)
    except StoreError as exc:  # shown all the same; converted again next time
        LOG.warning("article %s not stored: %s", entry_id, error_line(exc))
        return made
    with contextlib.suppress(OSError):
        store.put_raw(entry_id, article.pending, "feed")  # for `reextract`, like a page's
    return stored
