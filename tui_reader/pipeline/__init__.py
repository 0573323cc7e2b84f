"""update(): the one fetch orchestration (feeds, pages, extraction, store) for the CLI and reader."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sqlite3
from collections.abc import Callable, Coroutine, Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.fetch import (
    PAGE_ACCEPT,
    Fetcher,
    FetchError,
    FetchResult,
    HTTPInfo,
    status_error,
)
from tui_reader.feeds.links import (
    article_url,
    canonical_url,
    entry_id,
    kept_url,
    same_site,
    site_of,
    title_key,
    unwrap_url,
)
from tui_reader.feeds.parse import FeedParseError, ParsedFeed, ParsedItem, parse_feed
from tui_reader.filters import Killfile
from tui_reader.indexing import forget_in_search
from tui_reader.models import Article, Entry, FeedResult, FeedState, FetchSummary, utcnow
from tui_reader.pipeline.feed_http import answered, not_due
from tui_reader.pipeline.items import (
    Mode,
    _language,
    _log_skipped,
    _Page,
    _Story,
    _uses_feed_content,
    kept_items,
)
from tui_reader.pipeline.pool import (
    ExtractSource,
    _extract_job,
    _extract_many_job,
    _Extraction,
    make_executor,
    stored_stats,
)
from tui_reader.pipeline.reextract import reextract as reextract
from tui_reader.ports import Retriever, RunStore
from tui_reader.sanitize import clean_line, error_line
from tui_reader.search import Document, SearchIndexError
from tui_reader.services import (
    PENDING_STATE,
    apply_pending_state,
    effective_feeds,
    keep_days,
    keep_days_by_feed,
)
from tui_reader.store import Store, StoreError

LOG = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

# Two items with near-identical titles published this close together are one story.
STORY_WINDOW = timedelta(days=3)


# -- one run -------------------------------------------------------------------------------------


@dataclass
class _Run:
    config: Config
    store: RunStore
    fetcher: Retriever
    fulltext: bool
    executor: Executor | None
    now: datetime = field(default_factory=utcnow)
    progress: Callable[[FeedResult], None] | None = None
    own_executor: bool = False
    force: bool = False
    # Page work of this run by pre-fetch entry id, so two feeds carrying one story fetch it once.
    pages: dict[str, asyncio.Future[_Page]] = field(default_factory=dict)
    # Extraction by final entry id and source, so two redirect chains to one article extract
    # it once (and a failed page can still fall back to the feed's content).
    extractions: dict[tuple[str, str], asyncio.Future[Article | None]] = field(default_factory=dict)
    # Extractions started for a whole feed at once, not yet claimed by their item's story.
    unclaimed: set[tuple[str, str]] = field(default_factory=set)
    batches: set[asyncio.Task[None]] = field(default_factory=set)
    # By entry id: (a whole article was stored before this run, by the story's own site). Read
    # before this run writes the id, so what another feed of the run wrote never shows here.
    full: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    # By entry id: the sources ("page", "feed") of whole articles made in this run.
    made: dict[str, set[str]] = field(default_factory=dict)
    # By entry id: whether the stored entry `identify` read came from its own site.
    own_seen: dict[str, bool] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    dirty_stats: set[str] = field(default_factory=set)
    extraction: _Extraction = field(init=False)
    killfile: Killfile = field(default_factory=lambda: Killfile(()))
    indexed: set[str] = field(default_factory=set)
    # Entries stored in this run, kept only while imported newsboat state waits for its entries.
    stored: list[Entry] | None = None
    titles: dict[str, tuple[str, float]] = field(default_factory=dict)
    host_gates: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    # Feeds whose items came from elsewhere (a sync server), by URL: stored as if fetched.
    supplied: Mapping[str, ParsedFeed] = field(default_factory=dict)
    # Backpressure. A page takes an extraction slot before it is fetched and gives it back once
    # extracted, so pages (bytes, text, the pool's queue) never pile up in this process when
    # fetching outruns extraction; feed content takes one around its extraction. Feeds are
    # worked on a bounded number at a time, so parsed feeds and finished articles waiting for
    # their feed's last page do not pile up either.
    extract_slots: asyncio.Semaphore | None = None
    feed_slots: asyncio.Semaphore | None = None

    def __post_init__(self) -> None:
        self.extraction = _Extraction(self.config)  # imports the extraction package when used
        fetch = self.config.fetch
        workers = fetch.workers or os.cpu_count() or 1
        # Enough pages in flight to keep the pool busy over the network's latency, no more.
        self.extract_slots = asyncio.Semaphore(max(fetch.concurrency, 3 * workers))
        self.feed_slots = asyncio.Semaphore(max(2 * fetch.concurrency, 8))

    # -- helpers -------------------------------------------------------------------------------

    def pool(self) -> Executor:
        if self.executor is None:
            self.executor = make_executor(self.config)
            self.own_executor = True
        return self.executor

    async def in_pool(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool(), fn, *args)

    def resolve(self, eid: str) -> str:
        """An id whose page redirected elsewhere maps to the article's id (kept in the store)."""
        return self.store.alias(eid) or eid

    def stored_before(self, eid: str) -> tuple[bool, bool]:
        """(A whole article of `eid` was stored before this run, by the story's own site)."""
        known = self.full.get(eid)
        if known is None:
            article = self.store.article(eid)
            whole = article is not None and article.source != "summary"
            own = self.own_seen.pop(eid, None)
            if whole and own is None:
                own = getattr(self.store.entry(eid), "own", False)
            known = self.full[eid] = (whole, bool(whole and own))
        return known

    def has_full_article(self, eid: str, source: str = "page", own: bool = False) -> bool:
        """Whether the article `eid` needs no fetch or extraction from `source` (again).

        Before this run: any whole article, but for the story's own site only its own (its
        text replaces an aggregator's). In this run: only one from the same source, so that
        which feed arrives first never changes what is fetched, extracted or counted.
        """
        whole, by_own = self.stored_before(eid)
        return (by_own if own else whole) or source in self.made.get(eid, ())

    def has_any_article(self, eid: str) -> bool:
        return self.stored_before(eid)[0] or bool(self.made.get(eid))

    def site_stats(self, site: str) -> Any:
        if site not in self.stats:
            self.stats[site] = stored_stats(self.store, site)
        return self.stats[site]

    def mode(self, feed: FeedConfig) -> Mode:
        if not self.fulltext:
            return "feed"
        setting = feed.fulltext if feed.fulltext != "auto" else self.config.fetch.fulltext
        if setting is True:
            return "page"
        if setting is False:
            return "feed"
        return "auto"

    # -- extraction ----------------------------------------------------------------------------

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
            article = await self.in_pool(
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
            again = await self.in_pool(
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
        batch: list[tuple[str, str, ParsedItem, asyncio.Future[Article | None]]] = []
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

    async def _extract_batch(
        self,
        feed: FeedConfig,
        batch: list[tuple[str, str, ParsedItem, asyncio.Future[Article | None]]],
    ) -> None:
        assert self.extract_slots is not None
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
            async with self.extract_slots:
                articles = await self.in_pool(_extract_many_job, jobs, rules, stats)
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

    # -- pages ---------------------------------------------------------------------------------

    def known(self, url: str, feed_site: str = "") -> bool:
        """Whether a redirect target is an article already extracted: stop there.

        `feed_site`: the site of the feed that led here (whether it is the article's own).
        """
        own = bool(feed_site) and same_site(url, feed_site)
        return self.has_full_article(self.resolve(entry_id(canonical_url(url))), "page", own)

    async def page(
        self, eid: str, link: str, feed: FeedConfig, language: str = "", feed_site: str = ""
    ) -> _Page:
        """Fetch an item's page once per run, follow it to the original article, extract it."""
        pending = self.pages.get(eid)
        if pending is not None:
            shared = await pending
            return replace(shared, extracted=False)
        future: asyncio.Future[_Page] = asyncio.get_running_loop().create_future()
        self.pages[eid] = future
        result = _Page(eid, kept_url(link))
        try:
            result = await self._page(eid, link, feed, language, feed_site)
        finally:
            future.set_result(result)
        return result

    async def _page(
        self, eid: str, link: str, feed: FeedConfig, language: str, feed_site: str
    ) -> _Page:
        target = unwrap_url(link)
        # In turn: the host's gate (so pages queued for one busy host hold no extraction slot
        # while they wait for it), an extraction slot, the fetch; the gate is given back once
        # fetched, the slot once extracted.
        assert self.extract_slots is not None
        host = (urlsplit(target).hostname or "").lower()
        gate = self.host_gates.setdefault(host, asyncio.Semaphore(self.config.fetch.per_host))
        await gate.acquire()
        try:
            await self.extract_slots.acquire()
        except BaseException:
            gate.release()
            raise
        try:
            try:
                res = await self.fetcher.fetch(
                    target,
                    accept=PAGE_ACCEPT,
                    stop=functools.partial(self.known, feed_site=feed_site),
                )
            finally:
                gate.release()
            fetched = self._fetched_page(eid, link, res, feed_site)
            del res  # the page's bytes: only its text is needed from here on
            if isinstance(fetched, _Page):
                return fetched
            final_id, url, html = fetched
            self.store.put_raw(final_id, html, "page")
            article, made = await self.extract(final_id, html, url, "page", feed, language)
            return _Page(final_id, url, article, made)
        except FetchError as exc:
            LOG.info("page %s: %s", target, exc)
            return _Page(eid, kept_url(link))
        finally:
            self.extract_slots.release()

    def _fetched_page(
        self, eid: str, link: str, res: FetchResult, feed_site: str
    ) -> _Page | tuple[str, str, str]:
        """The page as fetched: a _Page if there is nothing to extract, else (id, URL, text)."""
        if res.stopped:
            final_id = self.resolve(entry_id(canonical_url(res.final_url)))
            stored = self.store.entry(final_id)
            url = stored.url if stored is not None else kept_url(res.final_url)
            self.alias(eid, final_id)
            return _Page(final_id, url)
        if not res.ok:
            LOG.info("page %s: %s", res.url, status_error(res.status))
            return _Page(eid, kept_url(link))
        html = res.text()
        url = article_url(link, res.final_url, html, redirected_from_elsewhere=res.crossed_hosts)
        final_id = self.resolve(entry_id(canonical_url(url)))
        self.alias(eid, final_id)
        own = bool(feed_site) and same_site(url, feed_site)
        if self.has_full_article(final_id, "page", own):
            return _Page(final_id, url)
        return final_id, url, html

    def alias(self, eid: str, final_id: str) -> None:
        if eid != final_id:
            self.store.put_alias(eid, final_id)

    # -- items and feeds -----------------------------------------------------------------------

    def identify(self, link: str) -> tuple[str, str, bool]:
        """An item's entry id (its page's, if that redirected before), its article's URL, and
        whether that entry is stored already."""
        eid = self.resolve(entry_id(canonical_url(link)))
        stored = self.store.entry(eid)
        if stored is None:
            # An article is only ever stored with its entry: none to look up.
            self.full.setdefault(eid, (False, False))
            return eid, kept_url(link), False
        self.own_seen.setdefault(eid, stored.own)  # spares `stored_before` reading it again
        return eid, stored.url, True

    async def story(
        self,
        feed: FeedConfig,
        parsed: ParsedFeed,
        item: ParsedItem,
        mode: Mode,
        identity: tuple[str, str, bool],
    ) -> _Story:
        eid, url, was_stored = identity
        first_id = eid
        article: Article | None = None
        made = False
        page_key = ""
        declared = feed.language or item.language
        # The article is on the feed's own site: it and its metadata win over an aggregator's.
        feed_site = parsed.site_url or feed.url
        own = same_site(url, feed_site)
        use_feed = _uses_feed_content(mode, item)
        if not self.has_full_article(eid, "feed" if use_feed else "page", own):
            if not use_feed:
                page_key = eid
                page = await self.page(eid, item.link, feed, declared, feed_site)
                eid, url, article, made = page.id, page.url, page.article, page.extracted
                own = same_site(url, feed_site)
                if article is None and self.has_full_article(eid, "page", own):
                    pass  # the article is stored already (another feed, an earlier run)
                elif article is None and item.content_html:
                    use_feed = True  # the page failed: the feed's own content is better than none
            if use_feed and item.content_html and not self.has_full_article(eid, "feed", own):
                if (eid, "feed") in self.extractions:  # started with its feed's other items
                    article, made = await self.extract(
                        eid, item.content_html, url, "feed", feed, declared
                    )
                else:
                    self.store.put_raw(eid, item.content_html, "feed")
                    assert self.extract_slots is not None
                    async with self.extract_slots:
                        article, made = await self.extract(
                            eid, item.content_html, url, "feed", feed, declared
                        )
                whole = item.content_complete or feed.fulltext is False
                if article is not None and not whole:
                    # A teaser: shown for now, and the page is still fetched by a later run.
                    article = replace(article, source="summary")
        own = same_site(url, feed_site)
        grouped = False
        if not (was_stored if eid == first_id else self.store.has_entry(eid)):
            # A new story: is it one already stored (or met in this run) under another URL?
            twin = self.same_story(item, eid)
            if twin is not None:
                grouped = True
                twin_entry = self.store.entry(twin)
                if twin_entry is not None and not own:
                    url = twin_entry.url
                source = article.source if article is not None else "page"
                if self.has_full_article(twin, source, own):
                    article = None
                eid = twin
        if article is not None and article.source != "summary":
            self.made.setdefault(eid, set()).add(article.source)
        # An aggregator's item: its link lives elsewhere than the article, which is not the
        # feed's own site either. The link is kept, to show where the story came from.
        aggregated = not same_site(item.link, url) and not same_site(url, feed_site)
        via = (item.link,) if aggregated or grouped else ()
        has_article = article is not None or self.has_any_article(eid)
        own_site = own and parsed.title
        site = (article.site_name if article else "") or (parsed.title if own_site else "")
        entry = Entry(
            id=eid,
            url=url,
            title=item.title or (article.title if article else "") or url,
            feeds=(feed.url,),
            published=item.published,
            author=item.author or (article.author if article else ""),
            site=clean_line(site) or site_of(url),
            summary=item.summary,
            language=_language(declared, item, article),
            via=via,
            guid=item.guid,
            has_article=has_article,
            fetched=self.now,
            own=own,
            original=item.source_url,
        )
        return _Story(entry, article, made, page_key)

    def same_story(self, item: ParsedItem, eid: str) -> str | None:
        """An entry already stored (or claimed in this run) under a near-identical title.

        Only within STORY_WINDOW of each other: the same headline a year apart is a new story.
        """
        key = title_key(item.title)
        if not key:
            return None
        published = item.published.timestamp()
        owner = self.titles.get(key) or self.store.title_owner(key)
        if owner is not None and owner[0] != eid:
            if abs(owner[1] - published) <= STORY_WINDOW.total_seconds():
                return owner[0]
            return None
        self.titles.setdefault(key, (eid, published))
        return None

    async def update_feed(self, feed: FeedConfig) -> FeedResult:
        try:
            assert self.feed_slots is not None
            async with self.feed_slots:
                result = await self._update_feed(feed)
        except (StoreError, sqlite3.DatabaseError):
            raise  # a full disk or a damaged store fails every feed alike: one error for the run
        except Exception as exc:  # one feed's failure never stops the others
            LOG.warning("feed %s failed", feed.url, exc_info=True)
            result = FeedResult(feed.url, "failed", error=error_line(exc))
        if self.progress is not None:
            self.progress(result)
        return result

    async def _update_feed(self, feed: FeedConfig) -> FeedResult:
        now = utcnow()
        state = self.store.feed_state(feed.url) or FeedState(key=feed.url, url=feed.url)
        supplied = self.supplied.get(feed.url)
        if supplied is not None:  # a sync server's copy of the feed: nothing to fetch
            return await self._store_parsed(feed, replace(state, last_fetch=now), supplied, now)
        skipped = not_due(feed, state, now, self.force)
        if skipped is not None:
            return skipped
        url = state.url or feed.url
        info = HTTPInfo(state.etag, state.last_modified)
        state = replace(state, last_fetch=now)
        try:
            res = await self.fetcher.fetch(url, info=info)
        except FetchError as exc:
            self.store.put_feed_state(replace(state, status="error", error=error_line(exc)))
            return FeedResult(feed.url, "failed", error=error_line(exc))
        state, result = answered(feed, state, url, res, now)
        if result is not None:
            self.store.put_feed_state(state)
            return result
        try:
            parsed = await self.in_pool(
                functools.partial(parse_feed, now=now), res.content, res.final_url, res.headers
            )
        except FeedParseError as exc:
            self.store.put_feed_state(replace(state, status="error", error=error_line(exc)))
            return FeedResult(feed.url, "failed", error=error_line(exc), status_code=200)
        validators = res.info
        del res  # the feed's bytes, while its pages are fetched
        return await self._store_parsed(feed, state, parsed, now, validators)

    async def _store_parsed(
        self,
        feed: FeedConfig,
        state: FeedState,
        parsed: ParsedFeed,
        now: datetime,
        validators: HTTPInfo | None = None,
    ) -> FeedResult:
        """A parsed feed's items made into entries and articles, stored with its new state."""
        validators = validators or HTTPInfo()
        _log_skipped(feed, parsed)
        mode = self.mode(feed)
        items = kept_items(
            parsed.items, now, keep_days(self.config, feed), self.config.storage.keep_entries
        )
        identities = [self.identify(item.link) for item in items]
        feed_site = parsed.site_url or feed.url
        self.extract_feed_content(
            feed,
            [
                (eid, url, item)
                for item, (eid, url, _) in zip(items, identities, strict=True)
                if item.content_html
                and _uses_feed_content(mode, item)
                and not self.has_full_article(eid, "feed", same_site(url, feed_site))
            ],
        )
        stories = await asyncio.gather(
            *(
                self.story(feed, parsed, item, mode, identity)
                for item, identity in zip(items, identities, strict=True)
            )
        )
        entries: dict[str, Entry] = {}
        articles: dict[str, Article] = {}
        extracted = 0
        await self.relearn(feed, stories)
        for story in stories:
            if story.entry.id in entries:
                continue  # two items of one feed that are one story: the first wins
            entries[story.entry.id] = story.entry
            if story.article is not None:
                articles[story.entry.id] = story.article
            extracted += story.extracted
        mark_read: list[str] = []
        if self.killfile.rules_for(feed):
            for eid in list(entries):
                verdict = self.killfile.verdict(feed, entries[eid], articles.get(eid))
                if verdict == "hide":
                    del entries[eid]
                    articles.pop(eid, None)
                elif verdict == "read":
                    mark_read.append(eid)
        # Entries, their titles, the sites' stats and the feed state (with its new validators)
        # in one transaction: a crash never leaves the items behind a 304, and one commit a
        # feed instead of six.
        for eid in entries:
            self.stored_before(eid)  # known before this run writes it
        with self.store.writing():
            merged = self.store.merge_entries(feed.url, list(entries.values()), articles)
            new = merged.new
            # Titles this run found unowned (`same_story`) and gave to these entries.
            self.store.claim_titles(
                {
                    key: claim
                    for e in entries.values()
                    if (key := title_key(e.title))
                    and (claim := self.titles.get(key)) is not None
                    and claim[0] == e.id
                }
            )
            self.save_stats()
            self.store.put_feed_state(
                replace(
                    state,
                    title=parsed.title or state.title,
                    site_url=parsed.site_url or state.site_url,
                    etag=validators.etag,
                    last_modified=validators.last_modified,
                    status="ok",
                    error="",
                    last_ok=now,
                    retry_after=None,
                )
            )
        if mark_read:  # another file: not waited for while the store's write lock is held
            self.store.set_read(mark_read)
        if self.stored is not None:
            self.stored.extend(entries.values())
        self.release(stories)
        # As stored: one story, one title everywhere (the own site's, whichever came first).
        self.index(
            merged.entries.values(),
            {eid: a for eid, a in articles.items() if eid not in merged.rejected},
        )
        return FeedResult(feed.url, "ok", new_entries=new, extracted=extracted, status_code=200)

    def index(self, entries: Iterable[Entry], articles: Mapping[str, Article]) -> None:
        """Make new and updated entries searchable; a broken index never fails a fetch."""
        docs = []
        for entry in entries:
            article = articles.get(entry.id)
            if (
                article is None
                and (entry.has_article or entry.id not in self.indexed)
                and self.store.has_entry(entry.id)
            ):
                # Stored before (an earlier run, or another feed of this one): its article
                article = self.store.article(entry.id)
            text = article.text if article is not None else entry.summary
            docs.append(
                Document(entry.id, entry.title, text, entry.feeds, entry.published.timestamp())
            )
            self.indexed.add(entry.id)
        try:
            self.store.search_index().add_many(docs)
        except (SearchIndexError, sqlite3.Error, OSError) as exc:
            LOG.warning("search index not updated: %s", error_line(exc))
            self.store.close_search_index()  # opened again for the next feed

    def release(self, stories: Iterable[_Story]) -> None:
        """Forget this run's page and extraction results of stories now stored whole.

        `has_full_article` answers for them from here on, so nothing asks again; keeping the
        articles until the run ends cost ~300 KB per page of a large fetch.
        """
        for story in stories:
            eid = story.entry.id
            if not self.has_any_article(eid):
                continue
            if story.page_key:
                self.pages.pop(story.page_key, None)
            self.extractions.pop((eid, "page"), None)
            self.extractions.pop((eid, "feed"), None)
            self.unclaimed.discard((eid, "feed"))

    def save_stats(self) -> None:
        for site in sorted(self.dirty_stats):
            self.store.put_site_stats(site, self.stats[site].to_data())
        self.dirty_stats.clear()


async def update(
    config: Config,
    store: Store,
    *,
    feeds: list[FeedConfig] | None = None,
    fulltext: bool = True,
    progress: Callable[[FeedResult], None] | None = None,
    executor: Executor | None = None,
    force: bool = False,
    supplied: Mapping[str, ParsedFeed] | None = None,
    retriever: Retriever | None = None,
) -> FetchSummary:
    """Fetch every feed (or `feeds`) once, store new entries and articles, apply retention.

    A feed with an `interval_minutes` is skipped until that long after its last fetch, unless
    `force` (a person asked for this feed now).

    The process pool is started only when something needs parsing, so a run where every feed
    answers 304 costs no processes. `executor` lets the caller share one pool (or a thread pool
    in tests); it is not shut down here. `supplied`: feeds already parsed by URL (a sync
    server's copy), stored without being fetched. `retriever`: what fetches feeds and pages
    (the caller's to close), else a `Fetcher` on `config.fetch` made for this run.
    """
    if feeds is None:
        feeds = effective_feeds(config, store)
    run: _Run | None = None
    try:
        async with contextlib.AsyncExitStack() as stack:
            if retriever is None:
                retriever = await stack.enter_async_context(Fetcher(config.fetch))
            run = _Run(
                config,
                store,
                retriever,
                fulltext,
                executor,
                progress=progress,
                killfile=Killfile(config.filters),
                force=force,
                stored=[] if store.user_value(PENDING_STATE) else None,
                supplied=supplied or {},
            )
            results = await asyncio.gather(*(run.update_feed(feed) for feed in feeds))
    finally:
        if run is not None and run.own_executor and run.executor is not None:
            run.executor.shutdown(wait=True, cancel_futures=True)
    removed = store.prune(
        keep_days_by_feed(config, feeds), keep_entries=config.storage.keep_entries
    )
    forget_in_search(store, removed)
    if run is not None and run.stored:
        apply_pending_state(store, run.stored)
    return FetchSummary(tuple(results))


def _synchronous(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """The coroutine function `fn` as a plain function that runs it in its own event loop."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return asyncio.run(fn(*args, **kwargs))

    return run


# `update` for synchronous callers (the CLI, a reader's worker thread), with its parameters.
run_update = _synchronous(update)
