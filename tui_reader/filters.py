"""The killfile: config rules that hide entries or mark them read as they are fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui_reader.config import FeedConfig, FilterAction, FilterRule
from tui_reader.models import Article, Entry


@dataclass(frozen=True, slots=True)
class _Compiled:
    field: str
    action: FilterAction
    feed: str
    pattern: re.Pattern[str]


class Killfile:
    """Global `[[filters]]` plus a feed's own; "hide" wins over "read"."""

    def __init__(self, rules: Iterable[FilterRule]) -> None:
        self._rules = [_Compiled(r.field, r.action, r.feed, r.compiled()) for r in rules]
        self._by_feed: dict[str, list[_Compiled]] = {}

    def rules_for(self, feed: FeedConfig) -> list[_Compiled]:
        """The global rules that name no feed or this one, and the feed's own (compiled once)."""
        rules = self._by_feed.get(feed.url)
        if rules is None:
            rules = [r for r in self._rules if not r.feed or r.feed in (feed.url, feed.title)]
            rules += [_Compiled(r.field, r.action, "", r.compiled()) for r in feed.filters]
            self._by_feed[feed.url] = rules
        return rules

    def verdict(
        self, feed: FeedConfig, entry: Entry, article: Article | None
    ) -> FilterAction | None:
        fields = {
            "title": entry.title,
            "author": entry.author or (article.author if article else ""),
            "text": article.text if article is not None else entry.summary,
        }
        fields["any"] = "\n".join(fields.values())
        found: FilterAction | None = None
        for rule in self.rules_for(feed):
            if rule.pattern.search(fields[rule.field]):
                if rule.action == "hide":
                    return "hide"
                found = "read"
        return found
