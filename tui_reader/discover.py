"""Feed discovery: from a site's page to the feeds it offers (`feeds add`, the reader's palette)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from tui_reader.config import FetchConfig
from tui_reader.feeds.fetch import Fetcher, FetchError, Unreachable, status_error
from tui_reader.feeds.parse import FeedParseError, NotAFeed, parse_feed
from tui_reader.sanitize import clean_line, is_safe_url

LOG = logging.getLogger(__name__)

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


async def _probe(fetcher: Fetcher, url: str) -> FeedCandidate | NotAFeed | str:
    """What `url` is: a feed, a page (with the feeds it advertises), or why neither (a line)."""
    try:
        res = await fetcher.fetch(url)
    except Unreachable:
        raise
    except FetchError as exc:
        return str(exc)
    if res.status != 200:
        return status_error(res.status)
    try:
        parsed = parse_feed(res.content, res.final_url, res.headers)
    except NotAFeed as page:
        return page
    except FeedParseError as exc:
        return clean_line(str(exc))
    return FeedCandidate(res.final_url, clean_line(parsed.title), len(parsed.items))


async def discover(url: str, config: FetchConfig) -> list[FeedCandidate]:
    """The feed at `url`, or the feeds the page at `url` advertises, or the usual paths."""
    if not is_safe_url(url):
        raise DiscoveryError(f"{url!r} is not an http(s) URL")
    async with Fetcher(config) as fetcher:
        try:
            first = await _probe(fetcher, url)
        except Unreachable as exc:
            # The usual paths are on the same host: say so now rather than "no feed found".
            LOG.warning("feed discovery at %s: %s", clean_line(url), exc)
            raise DiscoveryError(f"{clean_line(str(exc))}; nothing added") from None
        if isinstance(first, FeedCandidate):
            return [first]
        advertised = list(first.feeds) if isinstance(first, NotAFeed) else []
        urls = advertised or [urljoin(url, path) for path in FALLBACK_PATHS]
        probes = await asyncio.gather(
            *(_probe(fetcher, u) for u in dict.fromkeys(urls)), return_exceptions=True
        )
    found: dict[str, FeedCandidate] = {}
    for probe in probes:
        if isinstance(probe, FeedCandidate) and probe.url not in found:
            found[probe.url] = probe
    if not found:
        where = "the feeds it advertises" if advertised else "the usual feed paths"
        why = f" ({first})" if isinstance(first, str) else ""
        LOG.warning("feed discovery at %s: no feed found%s", clean_line(url), why)
        raise DiscoveryError(f"no feed found at {clean_line(url)}{why} nor at {where}")
    return list(found.values())


def discover_feeds(url: str, config: FetchConfig) -> list[FeedCandidate]:
    """`discover` for synchronous callers (the CLI, a reader's thread worker)."""
    return asyncio.run(discover(url, config))
