"""update() end to end against a real local server and a real store on tmp_path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from typing import Any

import pytest
from feedserver import CountingExecutor, FeedServer, Route, render

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.links import canonical_url, entry_id
from tui_reader.models import Entry, FeedResult
from tui_reader.pending import settled_article
from tui_reader.pipeline import reextract, run_update, update
from tui_reader.search import Document
from tui_reader.store import Store

MakeConfig = Callable[..., Config]
WP_PAGES = ("trucos-terminal", "solo-guid", "futuro", "fecha-rara")


@cache
def extraction_works() -> bool:
    """Whether tui_reader.extract (written alongside) extracts the fixture page yet."""
    try:
        from tui_reader.extract import extract_article
    except ImportError:
        return False
    page = render(
        "article_page.html", "http://x.example", title="t", canonical="http://x.example/a"
    )
    return bool(extract_article(page.decode(), "http://x.example/a").blocks)


needs_extraction = pytest.mark.skipif(
    "not extraction_works()", reason="tui_reader.extract does not extract yet"
)


def serve_wordpress(server: FeedServer, path: str = "/feed/") -> FeedConfig:
    server.feed(path, "wordpress_es.rss", etag='"wp-1"')
    for slug in WP_PAGES:
        server.page(f"/2024/05/{slug}/", title=slug.replace("-", " ").capitalize())
    return FeedConfig(url=server.url(path), title="Bitácora")


def serve_aggregators(server: FeedServer) -> tuple[FeedConfig, FeedConfig]:
    server.feed("/a.rss", "aggregator_a.rss")
    server.feed("/b.rss", "aggregator_b.rss")
    story = server.url("/articulos/historia-compartida")
    server.redirect("/r/123", story + "?utm_source=b&utm_medium=rss", 302)
    server.page("/articulos/historia-compartida", title="Batería", canonical=story)
    server.page(
        "/articulos/historia-compartida?utm_source=b&utm_medium=rss", "Batería", canonical=story
    )
    return (
        FeedConfig(url=server.url("/a.rss", "localhost"), title="Agregador A"),
        FeedConfig(url=server.url("/b.rss", "localhost"), title="Agregador B"),
    )


def page_requests(server: FeedServer) -> int:
    return sum(
        n for path, n in server.requests.items() if "/2024/" in path or "/articulos/" in path
    )


def entry_for(store: Store, url: str) -> Entry | None:
    return store.entry(entry_id(canonical_url(url)))


async def test_first_fetch_stores_the_feed_and_its_pages(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    summary = await update(make_config([feed]), store, executor=counting_executor)
    assert [r.outcome for r in summary.results] == ["ok"]
    result = summary.results[0]
    assert result.new_entries == len(store.rows(feed.url)) == 6
    state = store.feed_state(feed.url)
    assert state is not None
    assert (state.title, state.site_url, state.etag) == (
        "Bitácora Técnica",
        feedserver.url("/"),
        '"wp-1"',
    )
    assert state.status == "ok" and state.last_ok is not None
    titles = {row.title for row in store.rows(feed.url)}
    assert "Una noticia muy antigua" in titles, "older than keep_days, but never dropped on sight"
    first = entry_for(store, feedserver.url("/2024/05/procesador-nube/"))
    assert first is not None and first.author == "Lucía Fernández"
    assert first.feeds == (feed.url,) and first.site == "Bitácora Técnica"
    assert first.url == feedserver.url("/2024/05/procesador-nube/"), "utm_* stripped"


async def test_auto_fulltext_uses_whole_feed_content_and_fetches_teasers(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    await update(make_config([feed]), store, executor=counting_executor)
    whole = entry_for(store, feedserver.url("/2024/05/procesador-nube/"))
    teaser = entry_for(store, feedserver.url("/2024/05/trucos-terminal/"))
    assert whole is not None and teaser is not None
    assert feedserver.requests["/2024/05/procesador-nube/"] == 0
    kept = store.article(whole.id)  # the item's content, kept for its conversion when opened
    assert kept is not None and kept.pending and kept.source == "feed"
    assert feedserver.requests["/2024/05/trucos-terminal/"] == 1
    assert store.raw(teaser.id) is not None and store.raw(teaser.id)[0] == "page"  # type: ignore[index]
    if extraction_works():
        whole_article = settled_article(make_config([feed]), store, whole.id)
        teaser_article = store.article(teaser.id)
        assert whole_article is not None and whole_article.source == "feed"
        assert teaser_article is not None and teaser_article.source == "page"
        assert whole.has_article and teaser.has_article


async def test_fulltext_true_fetches_every_page_and_false_fetches_none(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feedserver.page("/2024/05/procesador-nube/", "Procesador")
    feed = serve_wordpress(feedserver)
    await update(make_config([FeedConfig(url=feed.url, fulltext=True)]), store,
                 executor=counting_executor)  # fmt: skip
    assert page_requests(feedserver) == 5, "even the item whose feed content is whole"
    other = Store(store.data_dir / "other", store.cache_dir / "other")
    with other:
        await update(make_config([FeedConfig(url=feed.url, fulltext=False)]), other,
                     executor=counting_executor)  # fmt: skip
        assert page_requests(feedserver) == 5
        whole = entry_for(other, feedserver.url("/2024/05/procesador-nube/"))
        kept = other.article(whole.id) if whole is not None else None
        assert kept is not None and kept.pending


async def test_no_fulltext_run_fetches_no_page(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    summary = await update(make_config([feed]), store, fulltext=False, executor=counting_executor)
    assert summary.results[0].outcome == "ok" and summary.new_entries == 6
    assert page_requests(feedserver) == 0


async def test_second_fetch_of_unchanged_feed_fetches_no_page_and_parses_nothing(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    atom = FeedConfig(url=feedserver.url("/atom.xml"))
    feedserver.feed("/atom.xml", "atom_es.xml", last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                    content_type="application/atom+xml")  # fmt: skip
    feedserver.page("/posts/rust-python", "Rust y Python")
    config = make_config([feed, atom])
    await update(config, store, executor=counting_executor)
    parses, jobs, pages = (
        counting_executor.calls["parse_job"],
        sum(counting_executor.calls.values()),
        page_requests(feedserver),
    )
    assert parses == 2
    summary = await update(config, store, executor=counting_executor)
    assert [r.outcome for r in summary.results] == ["not_modified", "not_modified"]
    assert summary.new_entries == 0
    assert counting_executor.calls["parse_job"] == parses
    assert sum(counting_executor.calls.values()) == jobs
    assert page_requests(feedserver) == pages
    assert feedserver.requests["/posts/rust-python"] == 1
    assert (
        feedserver.request_headers["/atom.xml"][1]["If-Modified-Since"]
        == "Mon, 01 Jan 2024 00:00:00 GMT"
    )


async def test_permanent_redirect_updates_the_stored_url_but_not_the_key(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    serve_wordpress(feedserver, "/nuevo/feed/")
    feedserver.redirect("/feed-viejo", "/nuevo/feed/", 301)
    old = FeedConfig(url=feedserver.url("/feed-viejo"))
    config = make_config([old])
    summary = await update(config, store, executor=counting_executor)
    assert summary.results[0].outcome == "ok"
    state = store.feed_state(old.url)
    assert state is not None and state.key == old.url
    assert state.url == feedserver.url("/nuevo/feed/")
    assert store.rows(old.url), "entries stay under the configured feed"
    await update(config, store, executor=counting_executor)
    assert feedserver.requests["/feed-viejo"] == 1


async def test_temporary_redirect_keeps_the_stored_url(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    serve_wordpress(feedserver, "/hoy/feed/")
    feedserver.redirect("/feed", "/hoy/feed/", 302)
    feed = FeedConfig(url=feedserver.url("/feed"))
    await update(make_config([feed]), store, executor=counting_executor)
    state = store.feed_state(feed.url)
    assert state is not None and state.url == feed.url


async def test_410_marks_the_feed_gone_and_it_is_not_requested_again(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feedserver.add("/gone", Route(status=410))
    feed = FeedConfig(url=feedserver.url("/gone"))
    summary = await update(make_config([feed]), store, executor=counting_executor)
    assert summary.results[0].outcome == "gone" and summary.results[0].status_code == 410
    assert summary.failed
    state = store.feed_state(feed.url)
    assert state is not None and state.status == "gone" and "410" in state.error
    again = await update(make_config([feed]), store, executor=counting_executor)
    assert again.results[0].outcome == "skipped" and not again.failed
    assert feedserver.requests["/gone"] == 1


async def test_429_retry_after_skips_the_feed_until_then(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feedserver.add("/busy", Route(status=429, headers={"Retry-After": "7200"}))
    feed = FeedConfig(url=feedserver.url("/busy"))
    config = make_config([feed])
    first = await update(config, store, executor=counting_executor)
    assert first.results[0].outcome == "skipped" and first.results[0].status_code == 429
    state = store.feed_state(feed.url)
    assert state is not None and state.retry_after is not None
    assert state.retry_after > datetime.now(UTC) + timedelta(minutes=119)
    second = await update(config, store, executor=counting_executor)
    assert second.results[0].outcome == "skipped"
    assert "wait until" in second.results[0].error
    assert feedserver.requests["/busy"] == 1, "no request before Retry-After has passed"


async def test_503_and_reset_are_retried_within_the_run(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    body = render("atom_es.xml", feedserver.url(""))
    feedserver.add("/a.xml", [Route(status=503), Route(body=body)])
    feedserver.add("/b.xml", [Route(reset=True), Route(body=body)])
    feeds = [FeedConfig(url=feedserver.url("/a.xml"), fulltext=False),
             FeedConfig(url=feedserver.url("/b.xml"), fulltext=False)]  # fmt: skip
    summary = await update(make_config(feeds), store, executor=counting_executor)
    assert [r.outcome for r in summary.results] == ["ok", "ok"]
    assert feedserver.requests["/a.xml"] == 2 and feedserver.requests["/b.xml"] == 2


async def test_one_feed_failing_does_not_stop_the_others(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    feedserver.add("/home", Route(body=render("web_page.html", feedserver.url("")),
                                  content_type="text/html; charset=utf-8"))  # fmt: skip
    feedserver.add("/drip", Route(body=b"<rss>" * 50, drip=0.1))
    feeds = [
        FeedConfig(url=feedserver.url("/missing")),
        FeedConfig(url=feedserver.url("/home")),
        FeedConfig(url=feedserver.url("/drip")),
        feed,
    ]
    seen: list[FeedResult] = []
    summary = await update(make_config(feeds, total_timeout=1.0), store,
                           executor=counting_executor, progress=seen.append)  # fmt: skip
    by_feed = {r.feed: r for r in summary.results}
    assert by_feed[feeds[0].url].error == "HTTP 404 not found"
    assert by_feed[feeds[1].url].error.startswith("this is a web page, not a feed; it advertises: ")
    assert feedserver.url("/feed/") in by_feed[feeds[1].url].error
    assert "longer than 1 s" in by_feed[feeds[2].url].error
    assert by_feed[feed.url].outcome == "ok"
    assert all("\n" not in r.error and "Traceback" not in r.error for r in summary.results)
    assert sorted(r.feed for r in seen) == sorted(f.url for f in feeds)
    assert summary.line().startswith("1 feeds ok, 3 failed")


async def test_one_story_from_two_aggregators_is_one_entry_under_both(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed_a, feed_b = serve_aggregators(feedserver)
    summary = await update(make_config([feed_a, feed_b]), store, executor=counting_executor)
    assert [r.outcome for r in summary.results] == ["ok", "ok"]
    story = feedserver.url("/articulos/historia-compartida")
    [row_a] = store.rows(feed_a.url)
    [row_b] = store.rows(feed_b.url)
    assert row_a.id == row_b.id == entry_id(canonical_url(story))
    entry = store.entry(row_a.id)
    assert entry is not None
    assert entry.url == story, "wrapper unwrapped, redirect followed, canonical link preferred"
    assert set(entry.feeds) == {feed_a.url, feed_b.url}
    assert set(entry.via) == {
        feedserver.url("/out?url=", "localhost") + story + "&src=portada",
        feedserver.url("/r/123", "localhost"),
    }
    assert counting_executor.calls["_extract_job"] <= 1, "one article, extracted once"


@needs_extraction
async def test_an_extracted_story_is_never_fetched_again(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed_a, feed_b = serve_aggregators(feedserver)
    await update(make_config([feed_a]), store, executor=counting_executor)
    assert counting_executor.calls["_extract_job"] == 1
    pages = page_requests(feedserver)
    await update(make_config([feed_a, feed_b]), store, executor=counting_executor)
    assert counting_executor.calls["_extract_job"] == 1
    assert page_requests(feedserver) == pages, "B's redirect stops before the known article"
    entry = store.entry(store.rows(feed_b.url)[0].id)
    assert entry is not None and entry.has_article and len(entry.feeds) == 2
    await update(make_config([feed_a, feed_b]), store, executor=counting_executor)
    assert feedserver.requests["/r/123"] == 1, "the aggregator link is remembered as an alias"


async def test_per_host_limit_holds_for_pages(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    items = "".join(
        f"<item><title>Nota {i}</title><link>{feedserver.url(f'/notas/{i}')}</link></item>"
        for i in range(8)
    )
    feedserver.add(
        "/feed",
        Route(body=f'<rss version="2.0"><channel><title>N</title>{items}</channel></rss>'.encode()),
    )
    for i in range(8):
        feedserver.page(f"/notas/{i}", f"Nota {i}", delay=0.1)
    config = make_config([FeedConfig(url=feedserver.url("/feed"))], concurrency=8, per_host=2)
    summary = await update(config, store, executor=counting_executor)
    assert summary.results[0].new_entries == 8
    assert all(feedserver.requests[f"/notas/{i}"] == 1 for i in range(8))
    assert feedserver.max_active[feedserver.host()] <= 2


async def fetch_past_an_old_entry(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    executor: CountingExecutor,
    title: str,
) -> FeedConfig:
    """Fetch the WordPress feed, kept 7 days, over an entry "viejo" stored 30 days ago.

    The entry is indexed for search too, as a fetch would have done.
    """
    from tui_reader.search import SearchIndex

    feed = serve_wordpress(feedserver)
    old = Entry(id="viejo", url="https://x.example/viejo", title=title, feeds=(feed.url,),
                published=datetime.now(UTC) - timedelta(days=30))  # fmt: skip
    store.add_entries(feed.url, [old], {})
    store.set_read(["viejo"])
    with SearchIndex.for_data_dir(store.data_dir) as index:
        index.add_many([Document("viejo", old.title, "", (feed.url,), 0.0)])
    config = make_config([FeedConfig(url=feed.url, keep_days=7)])
    config = replace(config, storage=replace(config.storage, keep_entries=3))
    await update(config, store, executor=executor)
    return feed


async def test_retention_prunes_old_entries_at_the_end(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = await fetch_past_an_old_entry(feedserver, store, make_config, counting_executor, "Viejo")
    assert not store.has_entry("viejo"), "read, past the window and past the newest 3"
    assert len(store.rows(feed.url)) == 5, "the newest 3 and the rest of the week"


async def test_a_feed_whose_newest_item_is_months_old_keeps_its_newest_entries(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    months_ago = format_datetime(datetime.now(UTC) - timedelta(days=120), usegmt=True)
    feedserver.feed("/feed/", "wordpress_es.rss", subs={"recent": months_ago, "future": months_ago})
    feed = FeedConfig(url=feedserver.url("/feed/"), title="Bitácora")
    config = make_config([feed])  # keep_days 60: every dated item is older
    summary = await update(config, store, executor=counting_executor)
    ids = [row.id for row in store.rows(feed.url)]
    assert summary.results[0].new_entries == len(ids) == 6, "nothing dropped on first sight"
    # Later, with a window of 2: read, unstarred entries past it go; unread and starred stay.
    store.set_read(ids[:-1])
    store.set_starred(ids[-2], True)
    await update(
        replace(config, storage=replace(config.storage, keep_entries=2)),
        store,
        executor=counting_executor,
        force=True,
    )
    assert [row.id for row in store.rows(feed.url)] == [*ids[:2], ids[-2], ids[-1]]


async def test_pruned_entries_leave_the_search_index(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from tui_reader.search import SearchIndex

    await fetch_past_an_old_entry(feedserver, store, make_config, counting_executor, "Arqueología")
    with SearchIndex.for_data_dir(store.data_dir) as index:
        assert index.search("arqueologia") == []


async def test_a_story_of_two_feeds_is_found_under_each(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from tui_reader.search import SearchIndex

    feed_a, feed_b = serve_aggregators(feedserver)
    await update(make_config([feed_a, feed_b]), store, executor=counting_executor)
    shared = set(r.id for r in store.rows(feed_a.url)) & set(r.id for r in store.rows(feed_b.url))
    assert shared
    entry = store.entry(shared.pop())
    assert entry is not None
    word = max(entry.title.split(), key=len)
    with SearchIndex.for_data_dir(store.data_dir) as index:
        for feed in (feed_a, feed_b):
            assert entry.id in [hit.entry_id for hit in index.search(word, feed=feed.url)]


async def test_newsboat_state_waiting_for_its_entry_is_applied_when_it_is_fetched(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from tui_reader.newsboat import normalise_url
    from tui_reader.services import PENDING_STATE

    feed = serve_wordpress(feedserver)
    url = feedserver.url("/2024/05/procesador-nube/")
    waiting = {normalise_url("https://never.example/fetched"): (True, False)}
    store.set_user_value(PENDING_STATE, {normalise_url(url): (True, True), **waiting})
    await update(make_config([feed]), store, fulltext=False, executor=counting_executor)
    eid = entry_id(canonical_url(url))
    assert eid in store.read_ids() and eid in store.starred_ids()
    assert store.user_value(PENDING_STATE) == waiting


def test_run_update_with_the_real_process_pool(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    feedserver.feed("/atom.xml", "atom_es.xml", content_type="application/atom+xml")
    feedserver.page("/posts/rust-python", "Rust y Python")
    config = make_config([FeedConfig(url=feedserver.url("/atom.xml"))], workers=1)
    summary = run_update(config, store)
    assert summary.results[0].outcome == "ok" and summary.new_entries == 2
    if extraction_works():
        assert summary.extracted == 2


@needs_extraction
async def test_reextract_uses_cached_pages_without_the_network(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    config = make_config([feed])
    summary = await update(config, store, executor=counting_executor)
    requests = sum(feedserver.requests.values())
    count = reextract(config, store, executor=counting_executor)
    assert count == summary.extracted > 0
    assert sum(feedserver.requests.values()) == requests
    with pytest.raises(LookupError):
        reextract(config, store, "no such feed", executor=counting_executor)


@needs_extraction
async def test_reextract_of_chosen_feeds_only(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    feedserver.feed("/atom.xml", "atom_es.xml", content_type="application/atom+xml")
    feedserver.page("/posts/rust-python", "Rust y Python")
    atom = FeedConfig(url=feedserver.url("/atom.xml"))
    config = make_config([feed, atom])
    await update(config, store, executor=counting_executor)
    assert reextract(config, store, feeds=[atom], executor=counting_executor) == 2
    assert reextract(config, store, feed=atom.url, executor=counting_executor) == 2


@needs_extraction
async def test_a_failed_page_falls_back_to_the_teaser_and_is_fetched_again_later(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_wordpress(feedserver)
    feedserver.add("/2024/05/trucos-terminal/", [Route(status=404), Route(status=404)])
    config = make_config([feed])
    await update(config, store, executor=counting_executor)
    teaser = entry_for(store, feedserver.url("/2024/05/trucos-terminal/"))
    assert teaser is not None
    first = store.article(teaser.id)
    assert first is not None and first.source == "summary"
    feedserver.page("/2024/05/trucos-terminal/", "Trucos")
    feedserver.feed("/feed/", "wordpress_es.rss", etag='"wp-2"')  # the feed changed
    await update(config, store, executor=counting_executor)
    second = store.article(teaser.id)
    assert second is not None and second.source == "page"
    assert feedserver.requests["/2024/05/procesador-nube/"] == 0


async def test_killfile_hides_or_marks_read_as_entries_arrive(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from dataclasses import replace as dc_replace

    from tui_reader.config import FilterRule

    feed = serve_wordpress(feedserver)
    first = await update(make_config([feed]), store, fulltext=False, executor=counting_executor)
    titles = sorted(r.title for r in store.rows(feed.url))
    assert first.new_entries == len(titles) >= 2
    hidden_title, read_title = titles[0], titles[1]

    other_store = Store(store.data_dir.parent / "d2", store.cache_dir.parent / "c2")
    rules = (
        FilterRule(pattern=f"^{hidden_title[:12]}", field="title", action="hide"),
        FilterRule(pattern=f"^{read_title[:12]}", field="title", action="read", feed=feed.url),
    )
    config = dc_replace(make_config([feed]), filters=rules)
    await update(config, other_store, fulltext=False, executor=counting_executor)
    rows = {r.title: r.id for r in other_store.rows(feed.url)}
    assert hidden_title not in rows
    assert rows[read_title] in other_store.read_ids()
    assert len(rows) == len(titles) - 1
    other_store.close()


async def test_a_feeds_own_filters_apply_without_any_global_filter(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from dataclasses import replace as dc_replace

    from tui_reader.config import FilterRule

    plain = serve_wordpress(feedserver)
    await update(make_config([plain]), store, fulltext=False, executor=counting_executor)
    titles = sorted(r.title for r in store.rows(plain.url))
    feed = dc_replace(plain, filters=(FilterRule(pattern=f"^{titles[0][:12]}", field="title"),))
    with Store(store.data_dir.parent / "d2", store.cache_dir.parent / "c2") as filtered:
        await update(make_config([feed]), filtered, fulltext=False, executor=counting_executor)
        assert sorted(r.title for r in filtered.rows(feed.url)) == titles[1:]


async def test_fetched_entries_are_searchable(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from tui_reader.search import SearchIndex

    feed = serve_wordpress(feedserver)
    await update(make_config([feed]), store, fulltext=False, executor=counting_executor)
    row = store.rows(feed.url)[0]
    word = max(row.title.split(), key=len)
    with SearchIndex.for_data_dir(store.data_dir) as index:
        assert row.id in [hit.entry_id for hit in index.search(word)]


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    """A minimal RSS 2.0 feed of (title, link, RFC 822 date) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{d}</pubDate>"
        f"<description>Resumen de la noticia.</description></item>"
        for t, link, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Agregador</title>'
        f"<link>http://agg.example/</link>{body}</channel></rss>"
    ).encode()


async def test_near_identical_titles_from_two_sites_are_one_story(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from email.utils import format_datetime

    day = datetime.now(UTC) - timedelta(days=1)
    recent, later = (
        format_datetime(day, usegmt=True),
        format_datetime(day + timedelta(hours=5), usegmt=True),
    )
    long_ago = format_datetime(day - timedelta(days=20), usegmt=True)
    feedserver.add(
        "/a.rss",
        Route(body=_rss([
            ("Una startup de Valencia presenta una batería de sodio - Agregador A", feedserver.url("/a/1"), recent),
            ("El nuevo móvil plegable llega a España este otoño", feedserver.url("/a/2"), long_ago),
        ])),
    )  # fmt: skip
    feedserver.add(
        "/b.rss",
        Route(body=_rss([
            ("Una startup de Valencia presenta una bateria de sodio | Noticias B", feedserver.url("/b/9"), later),
            ("El nuevo móvil plegable llega a España este otoño", feedserver.url("/b/8"), recent),
        ])),
    )  # fmt: skip
    feeds = [FeedConfig(url=feedserver.url("/a.rss")), FeedConfig(url=feedserver.url("/b.rss"))]
    config = make_config(feeds)
    await update(config, store, feeds=feeds[:1], fulltext=False, executor=counting_executor)
    await update(config, store, feeds=feeds[1:], fulltext=False, executor=counting_executor)
    rows = store.all_rows([f.url for f in feeds])
    titles = sorted(r.title for r in rows)
    assert len(rows) == 3, titles
    battery = next(r for r in rows if "Valencia" in r.title)
    entry = store.entry(battery.id)
    assert entry is not None
    assert entry.feeds == (feeds[0].url, feeds[1].url), "shown under both feeds, read state shared"
    assert feedserver.url("/b/9") in entry.via, "the second source is listed"


async def test_a_feed_is_not_fetched_before_its_interval_unless_forced(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from dataclasses import replace as dc_replace

    feed = dc_replace(serve_wordpress(feedserver), interval_minutes=60)
    config = make_config([feed])
    await update(config, store, fulltext=False, executor=counting_executor)
    again = await update(config, store, fulltext=False, executor=counting_executor)
    assert again.results[0].outcome == "skipped" and not again.failed
    assert feedserver.requests["/feed/"] == 1
    forced = await update(config, store, fulltext=False, executor=counting_executor, force=True)
    assert forced.results[0].outcome == "not_modified"
    assert feedserver.requests["/feed/"] == 2


async def test_pages_waiting_for_extraction_are_bounded(
    feedserver: FeedServer, store: Store, make_config: MakeConfig
) -> None:
    """Backpressure: a page takes an extraction slot before it is fetched, so when extraction is
    slower than the network the pages do not pile up in memory (the pool's queue)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from feedserver import Route

    n = 30
    items = "".join(
        f"<item><title>Nota {i}</title><link>{feedserver.url(f'/2024/05/nota-{i}/')}</link>"
        f"<description>Resumen {i}</description></item>"
        for i in range(n)
    )
    feedserver.add(
        "/many.rss",
        Route(body=f'<rss version="2.0"><channel><title>M</title>{items}</channel></rss>'.encode()),
    )
    for i in range(n):
        feedserver.page(f"/2024/05/nota-{i}/", title=f"Nota {i}")

    class Tracking(ThreadPoolExecutor):
        def __init__(self) -> None:
            super().__init__(max_workers=1)
            self.lock = threading.Lock()
            self.outstanding = self.most = 0

        def submit(self, fn: Callable[..., object], /, *args: object, **kw: object) -> Any:
            if getattr(fn, "__name__", "") != "_extract_job":
                return super().submit(fn, *args, **kw)
            with self.lock:
                self.outstanding += 1
                self.most = max(self.most, self.outstanding)

            def slow() -> object:
                time.sleep(0.02)  # extraction slower than the network
                try:
                    return fn(*args, **kw)
                finally:
                    with self.lock:
                        self.outstanding -= 1

            return super().submit(slow)

    config = make_config([FeedConfig(url=feedserver.url("/many.rss"), title="M")], workers=1)
    executor = Tracking()
    try:
        summary = await update(config, store, executor=executor)
    finally:
        executor.shutdown(wait=True)
    assert summary.results[0].new_entries == n
    slots = max(config.fetch.concurrency, 3 * config.fetch.workers)
    assert 0 < executor.most <= slots


def serve_full_content(feedserver: FeedServer, footer: str, count: int = 6) -> FeedConfig:
    """A feed of `count` items carrying their whole article, each ending with `footer`."""
    from email.utils import format_datetime

    day = datetime.now(UTC) - timedelta(days=1)
    items = []
    for n in range(count):
        body = "".join(
            f"<p>Párrafo {k} de la noticia número {n}: la batería de sodio llega a más "
            f"fabricantes de móviles y portátiles este año, según el informe {n}{k}.</p>"
            for k in range(12)
        )
        link = feedserver.url(f"/n/{n}")
        items.append(
            f"<item><title>Noticia {n}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{format_datetime(day - timedelta(hours=n), usegmt=True)}</pubDate>"
            f"<content:encoded><![CDATA[{body}<p>{footer}</p>]]></content:encoded></item>"
        )
    feedserver.add(
        "/full.rss",
        Route(
            body=(
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>Blog</title><link>{feedserver.url('/')}</link>{''.join(items)}"
                "</channel></rss>"
            ).encode()
        ),
    )
    return FeedConfig(url=feedserver.url("/full.rss"))


@needs_extraction
async def test_a_feeds_content_is_kept_pending_and_converted_once_opened(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    from tui_reader.search import SearchIndex

    footer = "Este texto se repite al pie de cada artículo del blog de pruebas."
    feed = serve_full_content(feedserver, footer)
    config = make_config([feed])
    summary = await update(config, store, fulltext=False, executor=counting_executor)

    assert summary.results[0].extracted == 6
    # The feed is parsed in the pool; its items' content is converted by nobody at fetch.
    assert counting_executor.calls == {"parse_job": 1}
    ids = [entry_id(canonical_url(feedserver.url(f"/n/{n}"))) for n in range(6)]
    for eid in ids:
        kept = store.article(eid)
        assert kept is not None and kept.pending and kept.source == "feed"
        assert store.raw(eid) is None  # the content lives in the pending article alone
    with SearchIndex.for_data_dir(store.data_dir) as index:  # searchable from the first fetch
        assert ids[4] in [hit.entry_id for hit in index.search("informe 49")]
    texts = []
    for eid in ids:
        article = settled_article(config, store, eid)
        assert article is not None and not article.pending and article.source == "feed"
        assert store.article(eid) == article  # stored: show, the reader and reextract agree
        texts.append(article.text)
    # Converted with the site's stats, which counted every item's text at fetch: the footer
    # the site repeats is gone from each, the item's own text stays.
    assert [footer in text for text in texts] == [False] * 6
    assert all(f"noticia número {n}" in texts[n] for n in range(6))


@needs_extraction
async def test_reextract_converts_pending_content_and_keeps_it_for_the_next(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    feed = serve_full_content(feedserver, "Pie de página del blog de pruebas.", count=3)
    config = make_config([feed])
    await update(config, store, fulltext=False, executor=counting_executor)
    assert reextract(config, store, executor=counting_executor) == 3
    for n in range(3):
        eid = entry_id(canonical_url(feedserver.url(f"/n/{n}")))
        article = store.article(eid)
        assert article is not None and not article.pending and article.blocks
        assert store.raw(eid) is not None
        assert settled_article(config, store, eid) == article
    assert reextract(config, store, executor=counting_executor) == 3


class DyingPageWorker(CountingExecutor):
    """A real pool whose worker dies on every page's extraction."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if getattr(fn, "__name__", "") == "_extract_job":
            return super().submit(_die)
        return super().submit(fn, *args, **kwargs)


def _die() -> None:
    raise RuntimeError("worker died")


async def test_a_dying_worker_still_stores_the_entries(
    feedserver: FeedServer,
    store: Store,
    make_config: MakeConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed = serve_wordpress(feedserver)
    # The CLI's tests leave the package's logger unpropagated (as the CLI sets it up).
    logger = logging.getLogger("tui_reader")
    logger.addHandler(caplog.handler)
    try:
        with DyingPageWorker() as executor:
            summary = await update(
                make_config([FeedConfig(url=feed.url, fulltext=True)]), store, executor=executor
            )
    finally:
        logger.removeHandler(caplog.handler)

    result = summary.results[0]
    assert result.outcome == "ok" and result.new_entries == 6
    assert "worker died" in caplog.text
    for row in store.rows(feed.url):
        entry = store.entry(row.id)
        article = store.article(row.id)
        assert entry is not None and entry.has_article == (article is not None)
        # What a failed page leaves: the feed's own content (a teaser's as a summary for now).
        assert article is None or (bool(article.pending) and article.source != "page")
