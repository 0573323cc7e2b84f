"""What a feed's parse makes (`ParsedFeed`, `ParsedItem`) and how it fails, without feedparser.

The parse runs in a pool worker (`feeds.parse`, `tui_reader.feedwork`); the run's main process
only reads its results, so it never imports the parser (a run where every feed answers 304
loads none of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tui_reader.models import pickled_by_fields

__all__ = ["FeedParseError", "NotAFeed", "ParsedFeed", "ParsedItem", "PlainContent"]


class FeedParseError(Exception):
    """The content is not a usable feed; the message says why in one line."""


class NotAFeed(FeedParseError):
    """An HTML page where a feed was expected; `feeds` are the feeds it advertises."""

    def __init__(self, message: str, feeds: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.feeds = feeds


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class PlainContent:
    """An item's content as plain paragraphs (`pending.plain_paragraphs`), with its language
    checked against `declared` (`pending.checked_content_language`): made in the worker that
    parsed the feed, so the run's main process need not."""

    paragraphs: tuple[str, ...]
    declared: str
    language: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ParsedItem:
    title: str
    link: str
    guid: str
    author: str
    published: datetime
    summary: str
    content_html: str
    language: str
    # Whether `content_html` looks like the whole article rather than a teaser.
    content_complete: bool
    # The article this item credits as its source (RSS/Atom `<source>`), if another site's.
    source_url: str = ""
    # Filled in the parse's worker (`tui_reader.feedwork`), else "" / None and made by the run:
    # the link canonicalised (`links.canonical_url`) and as an entry keeps it (`links.kept_url`),
    # the content as plain text, and (declared, the language the title and summary give under
    # that declaration: `pipeline.items._language`).
    canonical: str = ""
    kept: str = ""
    plain: PlainContent | None = None
    summary_language: tuple[str, str] | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ParsedFeed:
    url: str
    title: str
    site_url: str
    language: str
    items: tuple[ParsedItem, ...]
    # One line per item left out, saying why (no link, duplicate guid...).
    skipped: tuple[str, ...] = ()
