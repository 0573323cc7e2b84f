"""Article pages in a run: each fetched once, followed to the original article, extracted.

A redirect chain stops at an article already extracted (`known`); where a page led elsewhere,
its first id is kept as an alias of the article's, so later runs go straight there.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from tui_reader.config import FeedConfig
from tui_reader.feeds.fetch import PAGE_ACCEPT, FetchError, FetchResult, status_error
from tui_reader.feeds.links import article_url, kept_url, same_site, unwrap_url
from tui_reader.pagework import Fetched
from tui_reader.pipeline.extracting import Extractor
from tui_reader.pipeline.identity import Identities, StoryId
from tui_reader.pipeline.items import _Page
from tui_reader.pipeline.ledger import Ledger
from tui_reader.pipeline.pageworkers import PageJob
from tui_reader.ports import Retriever, RunStore

LOG = logging.getLogger("tui_reader.pipeline")


@dataclass
class Pages:
    """The run's page work by pre-fetch entry id; the host's admission is the fetcher's
    `politeness`, so the run and the fetcher keep one set of per-host limits."""

    store: RunStore
    fetcher: Retriever
    identities: Identities
    ledger: Ledger
    extractor: Extractor
    # Page work of this run by pre-fetch entry id, so two feeds carrying one story fetch it once.
    pages: dict[str, asyncio.Future[_Page]] = field(default_factory=dict)

    def known(self, url: str, feed_site: str = "") -> bool:
        """Whether a redirect target is an article already extracted: stop there.

        `feed_site`: the site of the feed that led here (whether it is the article's own).
        """
        own = bool(feed_site) and same_site(url, feed_site)
        return self.ledger.has_full_article(self.identities.of_url(url), "page", own)

    async def page(
        self, sid: StoryId, feed: FeedConfig, language: str = "", feed_site: str = ""
    ) -> _Page:
        """Fetch an item's page once per run, follow it to the original article, extract it."""
        pending = self.pages.get(sid.id)
        if pending is not None:
            shared = await pending
            return replace(shared, extracted=False)
        future: asyncio.Future[_Page] = asyncio.get_running_loop().create_future()
        self.pages[sid.id] = future
        result = _Page(sid.id, sid.kept)
        try:
            result = await self._page(sid, feed, language, feed_site)
        finally:
            future.set_result(result)
        return result

    async def _page(self, sid: StoryId, feed: FeedConfig, language: str, feed_site: str) -> _Page:
        target = unwrap_url(sid.link)
        # In turn: the host's admission (so pages queued for one busy host hold no extraction slot
        # while they wait for it), an extraction slot, the fetch; the gate is given back once
        # fetched, the slot once extracted.
        slots = self.extractor.slots
        host = (urlsplit(target).hostname or "").lower()
        gate = self.fetcher.politeness.pages(host)
        await gate.acquire()
        try:
            await slots.acquire()
        except BaseException:
            gate.release()
            raise
        stop = functools.partial(self.known, feed_site=feed_site)
        try:
            workers = self.extractor.pool.workers
            if workers is not None:  # fetched, kept and extracted in the host's page worker
                job = await workers.page(host, target, sid.link, stop)
                try:
                    fetched = await job.fetched()
                finally:
                    gate.release()
                return await self._in_worker(sid, feed, language, feed_site, fetched, job)
            try:
                res = await self.fetcher.fetch(target, accept=PAGE_ACCEPT, stop=stop)
            finally:
                gate.release()
            html = res.text() if res.ok else ""
            url = ""
            if res.ok:
                url = article_url(
                    sid.link, res.final_url, html, redirected_from_elsewhere=res.crossed_hosts
                )
            found = self._fetched_page(sid, _fetched(res, url), feed_site)
            del res  # the page's bytes: only its text is needed from here on
            if isinstance(found, _Page):
                return found
            final_id, url = found
            self.store.put_raw_later(final_id, html, "page")  # written a batch at a time
            article, made = await self.extractor.extract(
                final_id, html, url, "page", feed, language
            )
            return _Page(final_id, url, article, made)
        except FetchError as exc:
            LOG.info("page %s: %s", target, exc)
            return _Page(sid.id, sid.kept)
        finally:
            slots.release()

    async def _in_worker(
        self,
        sid: StoryId,
        feed: FeedConfig,
        language: str,
        feed_site: str,
        fetched: Fetched,
        job: PageJob,
    ) -> _Page:
        """A page a worker fetched: dropped, kept, or kept and extracted there."""
        found = self._fetched_page(sid, fetched, feed_site)
        if isinstance(found, _Page):
            job.drop()
            return found
        final_id, url = found
        article, made = await self.extractor.extract(
            final_id, "", url, "page", feed, language, job=job
        )
        return _Page(final_id, url, article, made)

    def _fetched_page(self, sid: StoryId, res: Fetched, feed_site: str) -> _Page | tuple[str, str]:
        """The page as fetched: a _Page if there is nothing to extract, else (id, URL)."""
        if res.stopped:
            final_id = self.identities.of_url(res.final_url)
            stored = self.store.entry(final_id)
            url = stored.url if stored is not None else kept_url(res.final_url)
            self.alias(sid.id, final_id)
            return _Page(final_id, url)
        if not res.ok:
            LOG.info("page %s: %s", res.url, status_error(res.status))
            return _Page(sid.id, sid.kept)
        url = res.article_url
        final_id = self.identities.of_url(url)
        self.alias(sid.id, final_id)
        own = bool(feed_site) and same_site(url, feed_site)
        if self.ledger.has_full_article(final_id, "page", own):
            return _Page(final_id, url)
        return final_id, url

    def alias(self, eid: str, final_id: str) -> None:
        if eid != final_id:
            self.store.put_alias(eid, final_id)

    def forget(self, key: str) -> None:
        """Drop this run's page work under `key` (its story is stored whole)."""
        self.pages.pop(key, None)


def _fetched(res: FetchResult, url: str) -> Fetched:
    return Fetched(res.url, res.final_url, res.status, res.stopped, url)
