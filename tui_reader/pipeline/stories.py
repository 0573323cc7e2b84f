"""What one feed item becomes in a run: its entry, and its article from its page or the feed.

The page is followed to the original article unless the feed's content serves (the feed's
mode); a failed page falls back to the feed's content; a new item under a title already stored
joins that story. The article's own site wins over an aggregator's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tui_reader.config import FeedConfig
from tui_reader.feeds.links import same_site, site_of
from tui_reader.feeds.parsed import ParsedFeed, ParsedItem
from tui_reader.models import Article, Entry
from tui_reader.pipeline.extracting import Extractor
from tui_reader.pipeline.identity import Identities, StoryId
from tui_reader.pipeline.items import Mode, _language, _Story, _uses_feed_content
from tui_reader.pipeline.ledger import Ledger
from tui_reader.pipeline.pages import Pages
from tui_reader.ports import RunStore
from tui_reader.sanitize import clean_line


@dataclass
class Stories:
    """An item's story, from the run's identities, ledger, pages and extractions."""

    store: RunStore
    ledger: Ledger
    identities: Identities
    pages: Pages
    extractor: Extractor
    now: datetime

    async def story(
        self, feed: FeedConfig, parsed: ParsedFeed, item: ParsedItem, mode: Mode, sid: StoryId
    ) -> _Story:
        eid, url = sid.id, sid.url
        ledger = self.ledger
        article: Article | None = None
        made = False
        page_key = ""
        declared = feed.language or item.language
        # The article is on the feed's own site: it and its metadata win over an aggregator's.
        feed_site = parsed.site_url or feed.url
        own = same_site(url, feed_site)
        use_feed = _uses_feed_content(mode, item)
        if not ledger.has_full_article(eid, "feed" if use_feed else "page", own):
            if not use_feed:
                page_key = eid
                page = await self.pages.page(sid, feed, declared, feed_site)
                eid, url, article, made = page.id, page.url, page.article, page.extracted
                own = same_site(url, feed_site)
                if article is None and ledger.has_full_article(eid, "page", own):
                    pass  # the article is stored already (another feed, an earlier run)
                elif article is None and item.content_html:
                    use_feed = True  # the page failed: the feed's own content is better than none
            if use_feed and item.content_html and not ledger.has_full_article(eid, "feed", own):
                article, made = await self._from_feed(eid, url, item, feed, declared)
                whole = item.content_complete or feed.fulltext is False
                if article is not None and not whole:
                    # A teaser: shown for now, and the page is still fetched by a later run.
                    article = replace(article, source="summary")
        own = same_site(url, feed_site)
        grouped = False
        if not (sid.stored if eid == sid.id else self.store.has_entry(eid)):
            # A new story: is it one already stored (or met in this run) under another URL?
            twin = self.identities.same_story(item, eid)
            if twin is not None:
                grouped = True
                twin_entry = self.store.entry(twin)
                if twin_entry is not None and not own:
                    url = twin_entry.url
                source = article.source if article is not None else "page"
                if ledger.has_full_article(twin, source, own):
                    article = None
                eid = twin
        if article is not None and article.source != "summary":
            ledger.made_now(eid, article.source)
        # An aggregator's item: its link lives elsewhere than the article, which is not the
        # feed's own site either. The link is kept, to show where the story came from.
        aggregated = not same_site(item.link, url) and not same_site(url, feed_site)
        via = (item.link,) if aggregated or grouped else ()
        has_article = article is not None or ledger.has_any_article(eid)
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

    async def _from_feed(
        self, eid: str, url: str, item: ParsedItem, feed: FeedConfig, declared: str
    ) -> tuple[Article | None, bool]:
        """The article made of the item's content in the feed (and whether this call made it),
        pending its conversion (`extracting`): no pool, so no extraction slot."""
        return await self.extractor.extract(eid, item.content_html, url, "feed", feed, declared)
