"""`tui-reader reextract`: stored raw pages and feed content extracted again, offline.

For rules that changed since the fetch; nothing is fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import replace
from typing import Any

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.links import site_of
from tui_reader.models import Article, Entry
from tui_reader.pipeline.pool import (
    ExtractSource,
    _extract_job,
    _Extraction,
    make_executor,
    stored_stats,
)
from tui_reader.sanitize import error_line
from tui_reader.services import effective_feeds, feed_titles, find_feeds
from tui_reader.store import Store

LOG = logging.getLogger("tui_reader.pipeline")


def reextract(
    config: Config,
    store: Store,
    feed: str | None = None,
    *,
    feeds: list[FeedConfig] | None = None,
    executor: Executor | None = None,
) -> int:
    """Extract again, without the network, every entry whose raw page or feed content is cached.

    For rules that changed since the fetch. Limited to `feeds`, or to the feeds `feed` names
    (a URL, title or tag as for `fetch --feed`; LookupError if none matches), else every feed.
    Returns how many articles were re-extracted.
    """
    all_feeds = effective_feeds(config, store)
    if feeds is not None:
        chosen = list(feeds)
    elif feed is not None:
        chosen = find_feeds(all_feeds, feed, feed_titles(store, all_feeds))
        if not chosen:
            raise LookupError(f"no feed matches {feed!r}")
    else:
        chosen = all_feeds
    extraction = _Extraction(config)
    by_url = {f.url: f for f in [*all_feeds, *chosen]}
    ids: dict[str, None] = {}
    for f in chosen:
        for row in store.rows(f.url):
            ids[row.id] = None
    if not ids:
        return 0
    pool = executor or make_executor(config)
    try:
        return _reextract(store, list(ids), by_url, extraction, pool)
    finally:
        if executor is None:
            pool.shutdown(wait=True, cancel_futures=True)


def _reextract(
    store: Store,
    ids: Iterable[str],
    by_url: dict[str, FeedConfig],
    extraction: _Extraction,
    pool: Executor,
) -> int:
    jobs = []
    stats_by_site: dict[str, Any] = {}
    for eid in ids:
        raw = store.raw(eid)
        entry = store.entry(eid)
        if raw is None and entry is not None and entry.has_article:
            kept = store.article(eid)  # a feed item's content still pending: converted now
            raw = ("feed", kept.pending) if kept is not None and kept.pending else None
            if raw is not None:
                store.put_raw(eid, raw[1], "feed")  # kept for the next reextract, as fetched
        if raw is None or entry is None:
            continue
        source: ExtractSource = "feed" if raw[0] == "feed" else "page"
        feed = next((by_url[f] for f in entry.feeds if f in by_url), None)
        rules = extraction.rules(feed)
        site = site_of(entry.url)
        if site not in stats_by_site:
            stats_by_site[site] = stored_stats(store, site)
        stats = stats_by_site[site]
        jobs.append(
            (entry, source, pool.submit(_extract_job, raw[1], entry.url, rules, stats, source))
        )
    count = 0
    by_feed: dict[str, tuple[list[Entry], dict[str, Article]]] = {}
    for entry, source, job in jobs:
        try:
            article = job.result()
        except Exception as exc:
            LOG.warning("re-extraction of %s failed: %s", entry.url, error_line(exc))
            continue
        if not article.blocks:
            continue
        if source == "feed":
            old = store.article(entry.id)
            if old is not None and old.source == "summary":
                article = replace(article, source="summary")
        entries, articles = by_feed.setdefault(entry.feeds[0], ([], {}))
        entries.append(replace(entry, has_article=True))
        articles[entry.id] = article
        count += 1
    for feed_url, (entries, articles) in by_feed.items():
        store.add_entries(feed_url, entries, articles)
    return count
