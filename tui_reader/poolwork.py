"""What a pool worker runs, in a module that imports nothing but the extraction it calls.

A job is pickled by its function's name, so a worker imports that function's module first:
kept out of `tui_reader.pipeline` (whose package imports the whole run: httpx, feedparser,
0.16 s a worker), it costs the worker only the extraction. `PRELOAD` is what the fork server
imports once before it forks the workers, so each starts with the feed parser (feedparser,
0.06 s) and the extraction (trafilatura, 0.2 s on its first page) already loaded instead of
importing them itself.
"""

from __future__ import annotations

from typing import Any, Literal

from tui_reader.models import Article

ExtractSource = Literal["page", "feed"]

# What the feed job needs (a run that gets no pages needs nothing more): the parser, the
# canonical links (courlan) and the language check of the items' plain text.
FEED_PRELOAD = (
    "tui_reader.poolwork",
    "tui_reader.feedwork",
    "tui_reader.feeds.parse",
    "tui_reader.pending",
    "tui_reader.extract.metadata",
    "courlan",
)
PRELOAD = (
    *FEED_PRELOAD,
    "tui_reader.extract",
    "tui_reader.extract.pipeline",
    "trafilatura",
)


def _extract_job(
    html: str, url: str, rules: Any, stats: Any, source: ExtractSource, language: str = ""
) -> Article:
    """Extraction, in a worker: the only caller of `tui_reader.extract.extract_article`.

    `language`, when the feed or item declares one, spares the worker the language detection
    (and loading its model) for a text that states no language of its own.
    """
    from tui_reader.extract import extract_article

    return extract_article(
        html, url, rules=rules, site_stats=stats, source=source, language=language
    )
