"""A run's own pool (no executor, its own fetcher): pages fetched, kept and extracted in the page
workers (`tui_reader.pagework`), against a real local server, a real proxy and real stores."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from feedserver import CountingExecutor, FeedServer, Route
from forwardproxy import ForwardProxy
from test_pipeline import (
    WP_PAGES,
    entry_for,
    extraction_works,
    page_requests,
    serve_aggregators,
    serve_wordpress,
)

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.fetch import Fetcher, FetchError
from tui_reader.pipeline import reextract, update
from tui_reader.pipeline.pageworkers import PageWorkers, WorkerError
from tui_reader.store import Store

MakeConfig = Callable[..., Config]
needs_extraction = pytest.mark.skipif(
    not extraction_works(), reason="tui_reader.extract does not extract yet"
)


def articles(store: Store) -> dict[str, dict[str, object]]:
    found = {}
    for eid in store.entry_ids():
        article = store.article(eid)
        if article is not None:
            found[eid] = article.to_dict()
    return found


@needs_extraction
async def test_the_workers_store_what_the_pool_stores_and_keep_the_pages(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
    tmp_path: Path,
) -> None:
    feed = serve_wordpress(feedserver)
    config = make_config([feed], workers=2)
    first = await update(config, store, executor=counting_executor)
    pooled = articles(store)
    assert counting_executor.calls["_extract_job"] == len(WP_PAGES)
    before = page_requests(feedserver)
    with Store(tmp_path / "b" / "data", tmp_path / "b" / "cache") as other:
        summary = await update(config, other)
        assert summary == first
        assert articles(other) == pooled, "the same articles, made in the workers"
        assert page_requests(feedserver) == 2 * before, "each page fetched once"
        for slug in WP_PAGES:
            entry = entry_for(other, feedserver.url(f"/2024/05/{slug}/"))
            assert entry is not None
            raw = other.raw(entry.id)
            assert raw is not None and raw[0] == "page" and "<html" in raw[1].lower()
        calls = counting_executor.calls["_extract_job"]
        again = reextract(config, other, executor=counting_executor)
        assert again == reextract(config, store, executor=counting_executor) > 0, "offline"
        assert counting_executor.calls["_extract_job"] - calls == 2 * again
        assert articles(other) == articles(store)


async def test_the_per_host_limit_holds_for_the_programs_and_the_workers_requests(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    items = "".join(
        f"<item><title>Nota {i}</title><link>{feedserver.url(f'/notas/{i}')}</link></item>"
        for i in range(6)
    )
    body = f'<rss version="2.0"><channel><title>N</title>{items}</channel></rss>'.encode()
    feedserver.add("/feed", Route(body=body))
    # A second feed of the same host, slow, in flight (in the program) while the first feed's
    # pages are fetched (in a worker).
    feedserver.add("/slow", Route(body=body.replace(b"Nota", b"Otra"), delay=0.5))
    for i in range(6):
        feedserver.page(f"/notas/{i}", f"Nota {i}", delay=0.1)
    feeds = [FeedConfig(url=feedserver.url("/feed")), FeedConfig(url=feedserver.url("/slow"))]
    config = make_config(feeds, concurrency=8, per_host=1, workers=2)
    summary = await update(config, store)
    assert [r.outcome for r in summary.results] == ["ok", "ok"]
    assert all(feedserver.requests[f"/notas/{i}"] == 1 for i in range(6))
    assert feedserver.max_active[feedserver.host()] == 1


async def test_the_workers_pages_go_through_the_environments_proxy(
    feedserver: FeedServer,
    proxy: ForwardProxy,
    store: Store,
    make_config: MakeConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost")
    feedserver.feed("/feed/", "wordpress_es.rss")
    for slug in WP_PAGES:
        feedserver.page(f"/2024/05/{slug}/", title=slug)
    proxied = FeedConfig(url=feedserver.url("/feed/"))
    direct = FeedConfig(url=feedserver.url("/feed/", "localhost"))
    summary = await update(make_config([proxied, direct], fulltext=True), store)
    assert [r.outcome for r in summary.results] == ["ok", "ok"]
    pages = {feedserver.url(f"/2024/05/{slug}/") for slug in WP_PAGES}
    assert pages <= set(proxy.seen), "the pages went through the proxy"
    assert all("localhost" not in url for url in proxy.seen), "NO_PROXY's host went direct"


@needs_extraction
async def test_a_workers_redirect_stops_at_the_known_article(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    feed_a, feed_b = serve_aggregators(feedserver)
    await update(make_config([feed_a], workers=2), store)
    pages = page_requests(feedserver)
    summary = await update(make_config([feed_a, feed_b], workers=2), store)
    assert summary.extracted == 0
    assert page_requests(feedserver) == pages, "B's redirect stops before the known article"
    entry = store.entry(store.rows(feed_b.url)[0].id)
    assert entry is not None and entry.has_article and len(entry.feeds) == 2


@needs_extraction
async def test_pages_failing_in_a_worker_end_as_in_the_pool(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
    tmp_path: Path,
) -> None:
    feed = serve_wordpress(feedserver)
    feedserver.add("/2024/05/trucos-terminal/", Route(status=404))
    feedserver.add("/2024/05/futuro/", Route(reset=True))
    config = make_config([feed], retries=0)
    first = await update(config, store, executor=counting_executor)
    teaser = entry_for(store, feedserver.url("/2024/05/trucos-terminal/"))
    assert teaser is not None
    article = store.article(teaser.id)
    assert article is not None and article.source == "summary"
    with Store(tmp_path / "b" / "data", tmp_path / "b" / "cache") as other:
        assert await update(config, other) == first
        assert articles(other) == articles(store)


async def test_a_worker_that_dies_fails_its_pages_and_jobs_and_the_rest_go_on(
    feedserver: FeedServer, make_config: MakeConfig, tmp_path: Path
) -> None:
    feedserver.page("/lenta", "Lenta", delay=2.0)
    feedserver.page("/rapida", "Rápida")
    config = make_config(workers=1, per_host=1)
    async with Fetcher(config.fetch) as fetcher:
        workers = PageWorkers(config, (tmp_path / "pages", 2**20), fetcher)
        try:
            assert await workers.call(max, 3, 7) == 7, "a pool job, in the worker"
            slow = await workers.page("127.0.0.1", feedserver.url("/lenta"), "", lambda _: False)
            while not feedserver.requests["/lenta"]:
                await asyncio.sleep(0.01)
            [conn] = workers.conns
            conn.process.kill()
            with pytest.raises(FetchError, match="page worker ended"):
                await slow.fetched()
            with pytest.raises(WorkerError):
                await workers.call(max, 1, 2)
            after = await workers.page("127.0.0.1", feedserver.url("/rapida"), "", lambda _: False)
            with pytest.raises(FetchError):
                await after.fetched()
            assert feedserver.requests["/rapida"] == 0
            # The request slot the dead worker held is the host's only one: given back.
            async with asyncio.timeout(10):
                assert (await fetcher.fetch(feedserver.url("/rapida"))).ok
        finally:
            await workers.aclose()


def serve_notes(feedserver: FeedServer, feeds: int, pages: int, host: str = "127.0.0.1") -> None:
    """`feeds` feeds on `host` (/feed/F), each linking `pages` pages (/notas/F-P) there."""
    for f in range(feeds):
        items = "".join(
            f"<item><title>Nota {f}-{p}</title>"
            f"<link>{feedserver.url(f'/notas/{f}-{p}', host)}</link></item>"
            for p in range(pages)
        )
        body = f'<rss version="2.0"><channel><title>N{f}</title>{items}</channel></rss>'
        feedserver.add(f"/feed/{f}", Route(body=body.encode(), delay=0.05 * f))
        for p in range(pages):
            feedserver.page(f"/notas/{f}-{p}", f"Nota {f}-{p}", delay=0.05)


async def test_a_hosts_connections_stay_within_its_limit_across_the_program_and_its_workers(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    # Four feeds of one host, fetched by the program (the later ones while the earlier ones'
    # pages are fetched in the host's worker), their pages by the worker: the program's
    # keep-alive connection from a feed must not stay open beside the worker's two.
    serve_notes(feedserver, feeds=4, pages=4)
    feeds = [FeedConfig(url=feedserver.url(f"/feed/{f}")) for f in range(4)]
    config = make_config(feeds, concurrency=8, per_host=2, workers=2)
    summary = await update(config, store)
    assert [r.outcome for r in summary.results] == ["ok"] * 4
    assert all(feedserver.requests[f"/notas/{f}-{p}"] == 1 for f in range(4) for p in range(4))
    host = feedserver.host()
    assert feedserver.max_active[host] == 2, "two requests in flight at once, no more"
    assert feedserver.max_connections[host] == 2, "and two connections open at once, no more"


async def test_redirects_to_a_host_of_another_worker_keep_its_connections_within_its_limit(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    # localhost's pages (its worker) redirect to 127.0.0.1's (the other worker's), whose own
    # feed and pages are fetched meanwhile: three processes take turns at 127.0.0.1.
    serve_notes(feedserver, feeds=2, pages=4)
    items = "".join(
        f"<item><title>Vía {i}</title><link>{feedserver.url(f'/r/{i}', 'localhost')}</link></item>"
        for i in range(6)
    )
    body = f'<rss version="2.0"><channel><title>V</title>{items}</channel></rss>'
    feedserver.add("/via", Route(body=body.encode()))
    for i in range(6):
        feedserver.page(f"/otras/{i}", f"Otra {i}", delay=0.05)
        feedserver.redirect(f"/r/{i}", feedserver.url(f"/otras/{i}"), status=302)
    feeds = [FeedConfig(url=feedserver.url(f"/feed/{f}")) for f in range(2)]
    feeds.append(FeedConfig(url=feedserver.url("/via", "localhost")))
    config = make_config(feeds, concurrency=8, per_host=2, workers=2)
    summary = await update(config, store)
    assert [r.outcome for r in summary.results] == ["ok"] * 3
    assert all(feedserver.requests[f"/otras/{i}"] == 1 for i in range(6))
    for host in (feedserver.host(), feedserver.host("localhost")):
        assert feedserver.max_active[host] <= 2
        assert feedserver.max_connections[host] <= 2, host
    assert feedserver.max_connections[feedserver.host()] == 2
