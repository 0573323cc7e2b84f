"""Feed discovery: from a site's page to the feeds it offers (`feeds add`, the reader's palette)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin

from tui_reader.config import FetchConfig
from tui_reader.feeds.fetch import Fetcher, FetchError
from tui_reader.feeds.parse import FeedParseError, NotAFeed, parse_feed
from tui_reader.sanitize import clean_line, is_safe_url

# Tried, in this order, when a page advertises no feed: WordPress, Blogger, Ghost, Hugo, Jekyll...
FALLBACK_PATHS = (
    "/feed/",
    "/rss/",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
)


@dataclass(frozen=True, slots=True)
class FeedCandidate:
    url: str
    title: str
    entries: int


class DiscoveryError(Exception):
    """No feed could be found: one line saying what was tried."""


async def _probe(fetcher: Fetcher, url: str) -> FeedCandidate | NotAFeed | None:
    try:
        res = await fetcher.fetch(url)
    except FetchError:
        return None
    if res.status != 200:
        return None
    try:
        parsed = parse_feed(res.content, res.final_url, res.headers)
    except NotAFeed as page:
        return page
    except FeedParseError:
        return None
    return FeedCandidate(res.final_url, clean_line(parsed.title), len(parsed.items))


async def discover(url: str, config: FetchConfig) -> list[FeedCandidate]:
    """The feed at `url`, or the feeds the page at `url` advertises, or the usual paths."""
    if not is_safe_url(url):
        raise DiscoveryError(f"{url!r} is not an http(s) URL")
    async with Fetcher(config) as fetcher:
        first = await _probe(fetcher, url)
        if isinstance(first, FeedCandidate):
            return [first]
        advertised = list(first.feeds) if isinstance(first, NotAFeed) else []
        urls = advertised or [urljoin(url, path) for path in FALLBACK_PATHS]
        probes = await asyncio.gather(*(_probe(fetcher, u) for u in dict.fromkeys(urls)))
    found: dict[str, FeedCandidate] = {}
    for probe in probes:
        if isinstance(probe, FeedCandidate) and probe.url not in found:
            found[probe.url] = probe
    if not found:
        where = "the feeds it advertises" if advertised else "the usual feed paths"
        raise DiscoveryError(f"no feed found at {clean_line(url)} nor at {where}")
    return list(found.values())


def discover_feeds(url: str, config: FetchConfig) -> list[FeedCandidate]:
    """`discover` for synchronous callers (the CLI, a reader's thread worker)."""
    return asyncio.run(discover(url, config))
