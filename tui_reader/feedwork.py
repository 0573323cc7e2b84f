"""The feed job a pool worker runs: the parse, and each item's work that needs only the item.

The run's main process is the serial part of a fetch (HTTP, the store, the search index); what
an item becomes before the store is asked anything is done here, in the worker that parsed its
feed: the link canonicalised (the entry's id), and a full-content item's plain text with its
language checked (the pending article's blocks). The run uses them as given and makes them
itself for items that did not come this way (a sync server's).

Kept out of `tui_reader.pipeline` like `poolwork` (a job is pickled by its module's name, and
that package imports the whole run); it imports the parser only in the worker, so the main
process never loads feedparser.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tui_reader.feeds.parsed import ParsedFeed, ParsedItem, PlainContent


def parse_job(
    content: bytes,
    url: str,
    headers: dict[str, str],
    *,
    now: datetime,
    language: str = "",
    mode: str = "feed",
) -> ParsedFeed:
    """`parse_feed`, its items given their canonical link and plain content; `language`: the
    feed's configured language, which the content is checked against before the item's own;
    `mode` the run's for this feed (`pipeline.items.Mode`): the content's plain text is made
    only for items whose article the feed's content makes."""
    from tui_reader.feeds.parse import parse_feed

    parsed = parse_feed(content, url, headers, now=now)
    return replace(parsed, items=tuple(prepared(item, language, mode) for item in parsed.items))


def prepared(item: ParsedItem, language: str = "", mode: str = "feed") -> ParsedItem:
    """The item with what the run would make of it alone (`canonical`, `kept`, `plain`,
    `summary_language`)."""
    from tui_reader.feeds.links import canonical_url, kept_url
    from tui_reader.language import summary_language
    from tui_reader.pending import plain_content

    declared = language or item.language
    plain = None
    uses_content = mode == "feed" or (mode == "auto" and item.content_complete)
    if item.content_html and uses_content:
        paragraphs, checked = plain_content(item.content_html, declared)
        plain = PlainContent(tuple(paragraphs), declared, checked)
    return replace(
        item,
        canonical=canonical_url(item.link),
        kept=kept_url(item.link),
        plain=plain,
        summary_language=(declared, summary_language(item.title, item.summary, declared)),
    )
