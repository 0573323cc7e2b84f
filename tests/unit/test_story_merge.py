"""One story from several feeds: its own site's date, title and text, whatever the order.

Run on the demo's sites (an own-site feed with whole content, an aggregator redirecting to it)
and on a local server whose aggregator titles a story its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import CountingExecutor, FeedServer, Route

from tui_reader.config import Config, FeedConfig
from tui_reader.demo import demo_config
from tui_reader.demo.server import DemoServer
from tui_reader.feeds.links import canonical_url, entry_id
from tui_reader.pipeline import update
from tui_reader.search import SearchIndex
from tui_reader.store import Store

MakeConfig = Callable[..., Config]


def linux_entry_id(server: DemoServer) -> str:
    return entry_id(canonical_url(f"{server.base}/elbyte/2024/05/linux-69.html"))


@pytest.mark.parametrize("order", ["aggregator first", "own site first", "one run"])
async def test_a_merged_story_takes_date_and_text_from_its_own_site(
    tmp_path: Path, counting_executor: CountingExecutor, order: str
) -> None:
    with DemoServer() as server:
        config = demo_config(tmp_path, server.base)
        feeds = list(config.feeds)
        with Store(tmp_path, tmp_path / "cache") as store:
            if order == "one run":
                summary = await update(config, store, executor=counting_executor)
                assert summary.extracted == 7, "El Byte's 2, 2 pages each of the others, 1 page"
            else:
                for feed in feeds[::-1] if order == "aggregator first" else feeds:
                    await update(config, store, feeds=[feed], executor=counting_executor)
            entry = store.entry(linux_entry_id(server))
            article = store.article(linux_entry_id(server))
    assert entry is not None and article is not None
    assert entry.published == datetime(2024, 5, 6, 9, 30, tzinfo=UTC), "El Byte's, not 10:05"
    assert article.source == "feed", "El Byte's whole feed content, not the aggregator's page"
    assert len(entry.feeds) == 2 and entry.own


def serve_story(server: FeedServer, own_date: str) -> tuple[FeedConfig, FeedConfig]:
    """An aggregator on localhost titling a story its way, and the story's own site's feed."""
    story = server.url("/blog/historia-bateria")
    server.page("/blog/historia-bateria", title="Historia de la batería")
    server.redirect("/go/1", story)
    agg = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Portada</title>
<link>{server.url("/", "localhost")}</link>
<item><title>Portada 0: historia de la batería de sodio</title>
<link>{server.url("/go/1", "localhost")}</link>
<pubDate>Mon, 06 May 2024 10:05:00 +0000</pubDate></item></channel></rss>"""
    own = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>El blog</title>
<link>{server.url("/blog/")}</link>
<item><title>La historia de la batería de sodio</title><link>{story}</link>
{own_date}<description>Un resumen.</description></item></channel></rss>"""
    server.add("/agg.rss", Route(body=agg.encode()))
    server.add("/blog.rss", Route(body=own.encode()))
    return (
        FeedConfig(url=server.url("/agg.rss", "localhost"), title="Portada"),
        FeedConfig(url=server.url("/blog.rss"), title="El blog"),
    )


async def test_search_shows_the_title_the_list_shows(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    agg, own = serve_story(feedserver, "<pubDate>Mon, 06 May 2024 09:30:00 +0000</pubDate>")
    config = make_config([agg, own])
    await update(config, store, feeds=[agg], executor=counting_executor)
    await update(config, store, feeds=[own], executor=counting_executor)
    titles = {row.title for feed in (agg, own) for row in store.rows(feed.url)}
    assert titles == {"La historia de la batería de sodio"}, "one title in every feed's list"
    with SearchIndex.for_data_dir(store.data_dir) as index:
        hits = index.search("bateria sodio")
    assert [hit.title for hit in hits] == ["La historia de la batería de sodio"]
    row = store.rows(agg.url)[0]
    assert row.published == datetime(2024, 5, 6, 9, 30, tzinfo=UTC).timestamp()


async def test_an_undated_own_item_keeps_the_date_first_stored(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    agg, own = serve_story(feedserver, "")  # no date: the fetch dates it "now"
    config = make_config([agg, own])
    await update(config, store, feeds=[agg], executor=counting_executor)
    await update(config, store, feeds=[own], executor=counting_executor)
    entry = store.entry(entry_id(canonical_url(feedserver.url("/blog/historia-bateria"))))
    assert entry is not None and entry.title == "La historia de la batería de sodio"
    assert entry.published == datetime(2024, 5, 6, 10, 5, tzinfo=UTC), "not moved to today"
