"""Per-host politeness has one owner (`feeds.politeness.Politeness`): the fetcher's requests,
the transport's connections and the run's page admission all take their limits from it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from feedserver import CountingExecutor, FeedServer, Route

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.fetch import Fetcher
from tui_reader.feeds.politeness import Politeness
from tui_reader.pipeline import update
from tui_reader.store import Store

MakeConfig = Callable[..., Config]


class Recording(Politeness):
    """The real limits, and the hosts each was asked for."""

    def __init__(self, per_host: int) -> None:
        super().__init__(per_host)
        self.requested: list[str] = []
        self.admitted: list[str] = []

    @contextlib.asynccontextmanager
    async def request(self, host: str) -> AsyncIterator[None]:
        self.requested.append(host)
        async with super().request(host):
            yield

    def pages(self, host: str) -> asyncio.Semaphore:
        self.admitted.append(host)
        return super().pages(host)


def serve_notes(server: FeedServer, count: int, link: Callable[[int], str]) -> FeedConfig:
    items = "".join(
        f"<item><title>Nota número {i}</title><link>{link(i)}</link></item>" for i in range(count)
    )
    body = f'<rss version="2.0"><channel><title>N</title>{items}</channel></rss>'.encode()
    server.add("/feed", Route(body=body))
    return FeedConfig(url=server.url("/feed"))


async def test_the_fetcher_and_the_runs_pages_keep_one_owners_limits(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_notes(feedserver, 6, lambda i: feedserver.url(f"/notas/{i}"))
    for i in range(6):
        feedserver.page(f"/notas/{i}", f"Nota {i}", delay=0.05)
    # The config allows four at a time; the owner the fetcher is given, one.
    config = make_config([feed], concurrency=8, per_host=4)
    politeness = Recording(1)
    async with Fetcher(config.fetch, politeness=politeness) as fetcher:
        summary = await update(config, store, executor=counting_executor, retriever=fetcher)

    assert summary.results[0].new_entries == 6
    assert feedserver.max_active[feedserver.host()] == 1
    assert feedserver.connections == 1  # the transport's pool for the host: one connection
    assert politeness.requested == ["127.0.0.1"] * 7  # the feed and its six pages
    assert politeness.admitted == ["127.0.0.1"] * 6


async def test_redirects_between_two_busy_hosts_never_wait_on_each_other(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    """A page of A redirected to B while a page of B is redirected to A, one slot a host:
    a page's admission is held through its chain, a request slot for one hop only."""
    hosts = ("127.0.0.1", "localhost")
    feed = serve_notes(feedserver, 8, lambda i: feedserver.url(f"/r/{i}", hosts[i % 2]))
    for i in range(8):
        article = f"/notas/{i}"
        feedserver.redirect(f"/r/{i}", feedserver.url(article, hosts[(i + 1) % 2]))
        feedserver.page(article, f"Nota {i}", delay=0.02)
    config = make_config([feed], concurrency=8, per_host=1)
    async with asyncio.timeout(60):  # a deadlock fails here rather than hanging the suite
        summary = await update(config, store, executor=counting_executor)

    assert summary.results[0].new_entries == 8
    assert all(feedserver.requests[f"/notas/{i}"] == 1 for i in range(8))
    assert feedserver.max_active[feedserver.host()] == 1
    assert feedserver.max_active[feedserver.host("localhost")] == 1


def test_a_host_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="per_host"):
        Politeness(0)
