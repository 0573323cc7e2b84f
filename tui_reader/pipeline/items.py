"""What a feed's items become in a run: stories (entry and article) and pages, their
language, and the items a feed left out, logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from tui_reader.config import FeedConfig
from tui_reader.feeds.parsed import ParsedFeed, ParsedItem
from tui_reader.language import summary_language
from tui_reader.models import Article, Entry
from tui_reader.sanitize import clean_line

LOG = logging.getLogger("tui_reader.pipeline")
Mode = Literal["page", "feed", "auto"]


# Skipped items named one by one in the log, per feed and run; the rest are counted.
MAX_SKIPPED_LOGGED = 20


def _log_skipped(feed: FeedConfig, parsed: ParsedFeed) -> None:
    """The items of a feed that were left out (no link, a repeated guid, a non-http link)."""
    if not parsed.skipped:
        return
    name = clean_line(feed.url)
    for reason in parsed.skipped[:MAX_SKIPPED_LOGGED]:
        LOG.info("feed %s: item skipped: %s", name, clean_line(reason))
    more = len(parsed.skipped) - MAX_SKIPPED_LOGGED
    if more > 0:
        LOG.info("feed %s: %d more items skipped", name, more)


def _language(declared: str, item: ParsedItem, article: Article | None) -> str:
    """The entry's language (a primary code): its article's (declared, checked against the
    text in the worker), else the declaration, unless the title and summary contradict it."""
    if article is not None and article.language:
        return article.language
    if item.summary_language is not None and item.summary_language[0] == declared:
        return item.summary_language[1]  # made in the worker that parsed the feed
    return summary_language(item.title, item.summary, declared)


def kept_items(
    items: Sequence[ParsedItem], now: datetime, keep_days: int, keep_entries: int
) -> list[ParsedItem]:
    """The items worth storing, in feed order: the newest `keep_entries` whatever their age
    (a quiet blog's last posts are never dropped on first sight), and any within `keep_days`.
    Nothing else is fetched."""
    cutoff = now - timedelta(days=keep_days)
    newest = sorted(items, key=lambda item: item.published, reverse=True)
    keep = {id(item) for item in newest[:keep_entries]}
    return [item for item in items if id(item) in keep or item.published >= cutoff]


def _uses_feed_content(mode: Mode, item: ParsedItem) -> bool:
    """Whether an item's article is made from the feed's content rather than its page."""
    return mode == "feed" or (mode == "auto" and item.content_complete)


@dataclass(slots=True)
class _Story:
    """What one feed item became: its entry, and its article if this run made one."""

    entry: Entry
    article: Article | None = None
    extracted: bool = False
    # The key of its page work in `_Run.pages`, if its page was fetched in this run.
    page_key: str = ""


@dataclass(slots=True)
class _Page:
    """A fetched (or known) article page: its final id and URL, and the article if extracted."""

    id: str
    url: str
    article: Article | None = None
    extracted: bool = False
