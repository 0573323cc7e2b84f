"""Extraction in a run: each article extracted once, in the pool, and counted in its site's stats.

A feed item's content is not converted here but kept pending (`tui_reader.pending`): its plain
text, made in this process, a whole feed at a time; a story claims its item's. The first articles of a new site are extracted again once the run knows the site
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
from tui_reader.feeds.parsed import ParsedItem, PlainContent
from tui_reader.models import Article
from tui_reader.pending import pending_article
from tui_reader.pipeline.items import _Story
from tui_reader.pipeline.pageworkers import PageJob
from tui_reader.pipeline.pool import (
    ExtractSource,
    Pool,
    _extract_job,
    _Extraction,
    stored_stats,
)
from tui_reader.ports import RunStore
from tui_reader.sanitize import error_line

LOG = logging.getLogger("tui_reader.pipeline")


@dataclass
class Extractor:
    """The run's extractions by (entry id, source), shared by every feed that carries a story."""

    config: Config
    store: RunStore
    pool: Pool
    extraction: _Extraction = field(init=False)
    # Extraction by final entry id and source, so two redirect chains to one article extract
    # it once (and a failed page can still fall back to the feed's content).
    extractions: dict[tuple[str, str], asyncio.Future[Article | None]] = field(default_factory=dict)
    # Articles made for a whole feed at once, not yet claimed by their item's story.
    unclaimed: set[tuple[str, str]] = field(default_factory=set)
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
        # A page worker's page holds its slot in the worker, where the page is: twice as many
        # keep both workers busy while the other pages wait for the network.
        share = 2 if self.pool.workers is not None else 1
        self.slots = asyncio.Semaphore(max(share * fetch.concurrency, 3 * workers))

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
        job: PageJob | None = None,
    ) -> tuple[Article | None, bool]:
        """Extract once per run per entry; returns the article and whether this call made it.

        A feed item's content is kept for conversion when first opened (`pending`): here only
        its plain text, at once, in this process. `job`: a page in its page worker, which has
        the page (`html` is not needed), kept there and extracted there unless another page
        of this run is this article's extraction.
        """
        pending = self.extractions.get((eid, source))
        if pending is not None and job is not None:
            job.keep(eid)
        if pending is not None:
            made = (eid, source) in self.unclaimed
            self.unclaimed.discard((eid, source))
            shared = await pending
            return shared, made and shared is not None
        future: asyncio.Future[Article | None] = asyncio.get_running_loop().create_future()
        self.extractions[eid, source] = future
        article: Article | None = None
        try:
            if source == "feed":
                article = self.pending_article(feed, html, url, language)
            else:
                site = site_of(url)
                rules = self.extraction.rules(feed)
                stats = self.site_stats(site)
                if job is not None:
                    extracted = await job.extract(eid, rules, stats, language)
                else:
                    extracted = await self.pool.run(
                        _extract_job, html, url, rules, stats, source, language
                    )
                article = self.learn(site, extracted, rules)
        except Exception as exc:  # a broken worker must not take the feed down with it
            LOG.warning("extraction of %s failed: %s", url, error_line(exc))
            article = None
        finally:
            future.set_result(article)
        return article, article is not None

    def pending_article(
        self,
        feed: FeedConfig,
        html: str,
        url: str,
        language: str,
        plain: PlainContent | None = None,
    ) -> Article | None:
        """A feed item's article left pending, counted in its site's stats by its plain text
        (`plain`, if the parse's worker made it)."""
        article = pending_article(html, url, language, plain)
        if article is None:
            return None
        return self.learn(site_of(url), article, self.extraction.rules(feed))

    async def relearn(self, feed: FeedConfig, stories: list[_Story]) -> None:
        """Extract again the articles of this run that the site's stats, now counting the run's
        other articles, would clean further (a box label or footer the site repeats): the
        first articles of a new site were extracted before anything about it was known.

        A pending article needs none: it is converted with the stats of its opening. The
        re-extractions run at once, not one after another.
        """
        from tui_reader.extract import learnt_since

        rules = self.extraction.rules(feed)
        again: list[tuple[_Story, asyncio.Future[Article]]] = []
        flushed = False
        for story in stories:
            article = story.article
            if article is None or not story.extracted or article.source == "summary":
                continue
            if article.pending:
                continue
            site = site_of(story.entry.url)
            stats = self.stats.get(site)
            if not learnt_since(article, stats, rules):
                continue
            if not flushed:  # a page worker's pages, written before one is read back
                await self.pool.flush_pages()
                flushed = True
            raw = self.store.raw(story.entry.id)
            if raw is None:
                continue
            source: ExtractSource = "feed" if raw[0] == "feed" else "page"
            coro = self.pool.run(
                _extract_job,
                raw[1],
                article.url or story.entry.url,
                rules,
                stats,
                source,
                article.language,
            )
            again.append((story, asyncio.ensure_future(coro)))
        for story, job in again:
            try:
                made = await job
            except Exception as exc:  # the first extraction stands
                LOG.warning("re-extraction of %s failed: %s", story.entry.url, error_line(exc))
                continue
            if made.blocks:
                story.article = made

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
        """The articles of a feed's items (id, URL, item) made from their content, pending.

        Their stories find them made (`extract` claims them). The content is kept in the
        pending article itself, so nothing else is written for it.
        """
        loop = asyncio.get_running_loop()
        for eid, url, item in work:
            if (eid, "feed") in self.extractions:
                continue  # one story, two items: the first one's article serves both
            future: asyncio.Future[Article | None] = loop.create_future()
            self.extractions[eid, "feed"] = future
            self.unclaimed.add((eid, "feed"))
            article: Article | None = None
            try:
                declared = feed.language or item.language
                article = self.pending_article(feed, item.content_html, url, declared, item.plain)
            except Exception as exc:  # one item's content never takes the feed down
                LOG.warning("content of %s not kept: %s", url, error_line(exc))
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
