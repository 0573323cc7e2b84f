"""Which of a feed's items are stored, and the language an entry is labelled with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from tui_reader.feeds.parse import ParsedItem
from tui_reader.language import contradicts, primary_code
from tui_reader.models import Article


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


def entry_language(declared: str, item: ParsedItem, article: Article | None) -> str:
    """The entry's language (a primary code): its article's (declared, checked against the
    text in the worker), else the declaration, unless the title and summary contradict it."""
    if article is not None and article.language:
        return article.language
    primary = primary_code(declared)
    return contradicts(f"{item.title}\n{item.summary}", primary) or primary
