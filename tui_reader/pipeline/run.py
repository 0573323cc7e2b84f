"""One run: every feed fetched (its HTTP state machine in `feed_http`), its items made into
stories, and the feed's results stored in one transaction, then indexed; retention after.

The run's rooms: `identity` (who an item is), `ledger` (which articles exist), `pages`,
`extracting` (and its `pool`), `stories` (what an item becomes), `index`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import Callable, Coroutine, Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.fetch import Fetcher, FetchError, HTTPInfo
from tui_reader.feeds.links import same_site
from tui_reader.feeds.parsed import FeedParseError, ParsedFeed
from tui_reader.feedwork import parse_job
from tui_reader.filters import Killfile
from tui_reader.indexing import forget_in_search
from tui_reader.models import Article, Entry, FeedResult, FeedState, FetchSummary, utcnow
from tui_reader.pipeline.extracting import Extractor
from tui_reader.pipeline.feed_http import answered, not_due
from tui_reader.pipeline.identity import Identities
from tui_reader.pipeline.index import RunIndex
from tui_reader.pipeline.items import Mode, _log_skipped, _Story, _uses_feed_content, kept_items
from tui_reader.pipeline.ledger import Ledger
from tui_reader.pipeline.pages import Pages
from tui_reader.pipeline.pageworkers import PageWorkers
from tui_reader.pipeline.pool import FEED_PRELOAD, PRELOAD, Pool
from tui_reader.pipeline.stories import Stories
from tui_reader.ports import Retriever, RunStore
from tui_reader.sanitize import error_line
from tui_reader.services import (
    PENDING_STATE,
    apply_pending_state,
    effective_feeds,
    keep_days,
    keep_days_by_feed,
)
from tui_reader.store import Store, StoreError

LOG = logging.getLogger("tui_reader.pipeline")
T = TypeVar("T")
P = ParamSpec("P")


@dataclass
class _Run:
    """One call of `update`: its feeds, and the rooms (built here) that their items share."""

    config: Config
    store: RunStore
    fetcher: Retriever
    fulltext: bool
    pool: Pool
    now: datetime = field(default_factory=utcnow)
    progress: Callable[[FeedResult], None] | None = None
    force: bool = False
    killfile: Killfile = field(default_factory=lambda: Killfile(()))
    # Entries stored in this run, kept only while imported newsboat state waits for its entries.
    stored: list[Entry] | None = None
    # Feeds whose items came from elsewhere (a sync server), by URL: stored as if fetched.
    supplied: Mapping[str, ParsedFeed] = field(default_factory=dict)
    # States of the feeds that answered 304, written at the end in one transaction.
    unchanged: list[FeedState] = field(default_factory=list)
    # Feeds are worked on a bounded number at a time, so parsed feeds and finished articles
    # waiting for their feed's last page do not pile up.
    feed_slots: asyncio.Semaphore = field(init=False)
    ledger: Ledger = field(init=False)
    identities: Identities = field(init=False)
    extractor: Extractor = field(init=False)
    pages: Pages = field(init=False)
    stories: Stories = field(init=False)
    index: RunIndex = field(init=False)

    def __post_init__(self) -> None:
        self.feed_slots = asyncio.Semaphore(max(2 * self.config.fetch.concurrency, 8))
        self.ledger = Ledger(self.store)
        self.identities = Identities(self.store, self.ledger)
        self.extractor = Extractor(self.config, self.store, self.pool)
        self.pages = Pages(self.store, self.fetcher, self.identities, self.ledger, self.extractor)
        self.stories = Stories(
            self.store, self.ledger, self.identities, self.pages, self.extractor, self.now
        )
        self.index = RunIndex(self.store)

    def mode(self, feed: FeedConfig) -> Mode:
        if not self.fulltext:
            return "feed"
        setting = feed.fulltext if feed.fulltext != "auto" else self.config.fetch.fulltext
        if setting is True:
            return "page"
        if setting is False:
            return "feed"
        return "auto"

    async def update_feed(self, feed: FeedConfig) -> FeedResult:
        try:
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
        if result is not None and result.outcome == "not_modified":
            self.unchanged.append(state)  # nothing else to write: one commit for all of them
            return result
        if result is not None:
            self.store.put_feed_state(state)
            return result
        try:
            job = functools.partial(
                parse_job, now=now, language=feed.language, mode=self.mode(feed)
            )
            parsed = await self.pool.run(job, res.content, res.final_url, res.headers)
        except FeedParseError as exc:
            self.store.put_feed_state(replace(state, status="error", error=error_line(exc)))
            return FeedResult(feed.url, "failed", error=error_line(exc), status_code=200)
        validators = res.info
        del res  # the feed's bytes, while its pages are fetched
        return await self._store_parsed(feed, state, parsed, now, validators)

    async def _stories(self, feed: FeedConfig, parsed: ParsedFeed, now: datetime) -> list[_Story]:
        """The feed's kept items made into stories, its content's extraction started at once."""
        _log_skipped(feed, parsed)
        mode = self.mode(feed)
        items = kept_items(
            parsed.items, now, keep_days(self.config, feed), self.config.storage.keep_entries
        )
        identities = [
            self.identities.identify(item.link, item.canonical, item.kept) for item in items
        ]
        feed_site = parsed.site_url or feed.url
        self.extractor.extract_feed_content(
            feed,
            [
                (sid.id, sid.url, item)
                for item, sid in zip(items, identities, strict=True)
                if item.content_html
                and _uses_feed_content(mode, item)
                and not self.ledger.has_full_article(sid.id, "feed", same_site(sid.url, feed_site))
            ],
        )
        stories = await asyncio.gather(
            *(
                self.stories.story(feed, parsed, item, mode, sid)
                for item, sid in zip(items, identities, strict=True)
            )
        )
        await self.extractor.relearn(feed, stories)
        return stories

    def _kept(
        self, feed: FeedConfig, stories: list[_Story]
    ) -> tuple[dict[str, Entry], dict[str, Article], int, list[str]]:
        """One entry per story (the first of a feed's items that are one story wins), the
        killfile applied: (entries, articles, extracted, ids to mark read)."""
        entries: dict[str, Entry] = {}
        articles: dict[str, Article] = {}
        extracted = 0
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
        return entries, articles, extracted, mark_read

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
        stories = await self._stories(feed, parsed, now)
        entries, articles, extracted, mark_read = self._kept(feed, stories)
        # Entries, their titles, the sites' stats and the feed state (with its new validators)
        # in one transaction: a crash never leaves the items behind a 304, and one commit a
        # feed instead of six.
        for eid in entries:
            self.ledger.stored_before(eid)  # known before this run writes it
        with self.store.writing():
            merged = self.store.merge_entries(feed.url, list(entries.values()), articles)
            self.store.claim_titles(self.identities.claims(entries))
            self.extractor.save_stats()
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
        self.index.add(
            merged.entries.values(),
            {eid: a for eid, a in articles.items() if eid not in merged.rejected},
        )
        return FeedResult(
            feed.url, "ok", new_entries=merged.new, extracted=extracted, status_code=200
        )

    def release(self, stories: Iterable[_Story]) -> None:
        """Forget this run's page and extraction results of stories now stored whole.

        `has_full_article` answers for them from here on, so nothing asks again; keeping the
        articles until the run ends cost ~300 KB per page of a large fetch.
        """
        for story in stories:
            eid = story.entry.id
            if not self.ledger.has_any_article(eid):
                continue
            if story.page_key:
                self.pages.forget(story.page_key)
            self.extractor.forget(eid)


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
    pool = Pool(config, executor, PRELOAD if fulltext else FEED_PRELOAD)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if retriever is None:
                retriever = await stack.enter_async_context(Fetcher(config.fetch))
                if executor is None and fulltext:  # pages fetched and extracted in workers
                    pool.workers = PageWorkers(config, store.page_cache, retriever)
                    stack.push_async_callback(pool.workers.aclose)
            run = _Run(
                config,
                store,
                retriever,
                fulltext,
                pool,
                progress=progress,
                killfile=Killfile(config.filters),
                force=force,
                stored=[] if store.user_value(PENDING_STATE) else None,
                supplied=supplied or {},
            )
            results = await asyncio.gather(*(run.update_feed(feed) for feed in feeds))
            store.put_feed_states(run.unchanged)
    finally:
        pool.close()
        store.flush_raws()
        if run is not None:
            run.index.flush()
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
