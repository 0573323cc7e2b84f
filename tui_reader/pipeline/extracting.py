"""Extraction in a run: each article extracted once, in the pool, and counted in its site's stats.

Feed content is extracted a whole feed at a time (one pool job); a story claims its pending
extraction. The first articles of a new site are extracted again once the run knows the site
(`relearn`). Extraction slots bound what waits in this process when fetching outruns the pool.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.links import site_of
from tui_reader.feeds.parse import ParsedItem
from tui_reader.models import Article
from tui_reader.pipeline.items import _Story
from tui_reader.pipeline.pool import (
    ExtractSource,
    Pool,
    _extract_job,
    _extract_many_job,
    _Extraction,
    stored_stats,
)
from tui_reader.ports import RunStore
from tui_reader.sanitize import error_line

LOG = logging.getLogger("tui_reader.pipeline")

# A feed's items whose content is extracted in one job: (id, URL, item, its result).
_Batch = list[tuple[str, str, ParsedItem, "asyncio.Future[Article | None]"]]


@dataclass
class Extractor:
    config: Config
    store: RunStore
    pool: Pool
    extraction: _Extraction = field(init=False)
    # Extraction by final entry id and source, so two redirect chains to one article extract
    # it once (and a failed page can still fall back to the feed's content).
    extractions: dict[tuple[str, str], asyncio.Future[Article | None]] = field(default_factory=dict)
    # Extractions started for a whole feed at once, not yet claimed by their item's story.
    unclaimed: set[tuple[str, str]] = field(default_factory=set)
    batches: set[asyncio.Task[None]] = field(default_factory=set)
    stats: dict[str, Any] = field(default_factory=dict)
    dirty_stats: set[str] = field(default_factory=set)
    # Backpressure. A page takes a slot before it is fetched and gives it back once extracted,
    # so pages (bytes, text, the pool's queue) never pile up in this process when fetching
    # outruns extraction; feed content takes one around its extraction.
    slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.extraction = _Extraction(self.config)  # imports the extraction package when used
        fetch = self.config.fetch
        workers = fetch.workers or os.cpu_count() or 1
        # Enough pages in flight to keep the pool busy over the network's latency, no more.
        self.slots = asyncio.Semaphore(max(fetch.concurrency, 3 * workers))

    def site_stats(self, site: str) -> Any:
        if site not in self.stats:
            self.stats[site] = stored_stats(self.store, site)
        return self.stats[site]

    def pending(self, eid: str, source: str) -> bool:
        """Whether an extraction of `eid` from `source` was started (with its feed's items)."""
        return (eid, source) in self.extractions

    async def extract(
        self,
        eid: str,
        html: str,
        url: str,
        source: ExtractSource,
        feed: FeedConfig,
        language: str = "",
    ) -> tuple[Article | None, bool]:
        """Extract once per run per entry; returns the article and whether this call made it."""
        pending = self.extractions.get((eid, source))
        if pending is not None:
            made = (eid, source) in self.unclaimed
            self.unclaimed.discard((eid, source))
            shared = await pending
            return shared, made and shared is not None
        future: asyncio.Future[Article | None] = asyncio.get_running_loop().create_future()
        self.extractions[eid, source] = future
        article: Article | None = None
        try:
            site = site_of(url)
            rules = self.extraction.rules(feed)
            article = await self.pool.run(
                _extract_job, html, url, rules, self.site_stats(site), source, language
            )
            article = self.learn(site, article, rules)
        except Exception as exc:  # a broken worker must not take the feed down with it
            LOG.warning("extraction of %s failed: %s", url, error_line(exc))
            article = None
        finally:
            future.set_result(article)
        return article, article is not None

    async def relearn(self, feed: FeedConfig, stories: list[_Story]) -> None:
        """Extract again the articles of this run that the site's stats, now counting the run's
        other articles, would clean further (a box label or footer the site repeats): the
        first articles of a new site were extracted before anything about it was known."""
        from tui_reader.extract import learnt_since

        rules = self.extraction.rules(feed)
        for story in stories:
            article = story.article
            if article is None or not story.extracted or article.source == "summary":
                continue
            site = site_of(story.entry.url)
            stats = self.stats.get(site)
            if not learnt_since(article, stats, rules):
                continue
            raw = self.store.raw(story.entry.id)
            if raw is None:
                continue
            source: ExtractSource = "feed" if raw[0] == "feed" else "page"
            again = await self.pool.run(
                _extract_job,
                raw[1],
                article.url or story.entry.url,
                rules,
                stats,
                source,
                article.language,
            )
            if again.blocks:
                story.article = again

    def learn(self, site: str, article: Article, rules: Any) -> Article | None:
        """Count an extracted article in its site's stats; None if nothing was extracted."""
        if not article.blocks:
            return None  # nothing extracted: keep the entry's summary, try again later
        self.stats[site] = self.extraction.update_stats(self.stats.get(site), article, rules)
        self.dirty_stats.add(site)
        return article

    def extract_feed_content(
        self, feed: FeedConfig, work: list[tuple[str, str, ParsedItem]]
    ) -> None:
        """Start extracting the content of a feed's items (id, URL, item) in one pool job.

        Their stories find the extractions pending (`extract` claims them); the raw content is
        kept for re-extraction in one write.
        """
        loop = asyncio.get_running_loop()
        batch: _Batch = []
        for eid, url, item in work:
            if (eid, "feed") in self.extractions:
                continue  # one story, two items: the first one's extraction serves both
            future: asyncio.Future[Article | None] = loop.create_future()
            self.extractions[eid, "feed"] = future
            self.unclaimed.add((eid, "feed"))
            batch.append((eid, url, item, future))
        if not batch:
            return
        self.store.put_raws([(eid, item.content_html, "feed") for eid, _, item, _ in batch])
        task = loop.create_task(self._extract_batch(feed, batch))
        self.batches.add(task)
        task.add_done_callback(self.batches.discard)

    async def _extract_batch(self, feed: FeedConfig, batch: _Batch) -> None:
        articles: list[Article] = []
        rules: Any = None
        try:  # every future gets its result, whatever fails: a story waits on each
            rules = self.extraction.rules(feed)
            jobs = [
                (item.content_html, url, feed.language or item.language)
                for _, url, item, _ in batch
            ]
            stats = {
                site: self.site_stats(site) for site in {site_of(url) for _, url, _, _ in batch}
            }
            async with self.slots:
                articles = await self.pool.run(_extract_many_job, jobs, rules, stats)
        except Exception as exc:  # a broken worker must not take the feed down with it
            LOG.warning("extraction of %s's content failed: %s", feed.url, error_line(exc))
        finally:
            for index, (_, url, _, future) in enumerate(batch):
                article: Article | None = articles[index] if index < len(articles) else None
                try:
                    article = None if article is None else self.learn(site_of(url), article, rules)
                except Exception as exc:
                    LOG.warning("extraction of %s failed: %s", url, error_line(exc))
                    article = None
                if not future.done():
                    future.set_result(article)

    def forget(self, eid: str) -> None:
        """Drop this run's extraction results of an entry now stored whole."""
        self.extractions.pop((eid, "page"), None)
        self.extractions.pop((eid, "feed"), None)
        self.unclaimed.discard((eid, "feed"))

    def save_stats(self) -> None:
        for site in sorted(self.dirty_stats):
            self.store.put_site_stats(site, self.stats[site].to_data())
        self.dirty_stats.clear()
