"""The feed job (`tui_reader.feedwork`): what a worker makes of each item beside the parse is what
the run would have made of it, and a run that uses it stores exactly what one without it does;
and what a warm run no longer loads or waits for."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedserver import CountingExecutor, FeedServer, Route

from tui_reader.config import Config, FeedConfig
from tui_reader.feeds.fetch import Fetcher, HTTPInfo
from tui_reader.feeds.links import canonical_url, kept_url
from tui_reader.feeds.parse import parse_feed
from tui_reader.feedwork import parse_job
from tui_reader.language import summary_language
from tui_reader.models import Article, Entry
from tui_reader.pending import pending_article, plain_content
from tui_reader.pipeline import update
from tui_reader.store import Store

MakeConfig = Callable[..., Config]
NOW = datetime(2026, 12, 1, tzinfo=UTC)

SPANISH = (
    "<p>El gobierno ha presentado los planes para la red de fibra, y los operadores dicen que "
    "el calendario es corto. Sin embargo, las obras ya han empezado en varias ciudades del "
    "país.</p><p>La compañía también confirmó que los precios no van a subir este año.</p>"
) * 4
ENGLISH = (
    "<p>The company said that the new chips will ship in the spring, and that the price of "
    "the first models is not yet known. They have been tested by the team for a year.</p>"
) * 4


def _feed(server: FeedServer) -> bytes:
    items = [
        # declared German, written in Spanish: the check corrects it
        ("Uno", "/2026/12/uno/?utm_source=rss", SPANISH, "de"),
        ("Dos", "/2026/12/dos/#comentarios", ENGLISH, ""),
        ("Tres", "/2026/12/tres/", "", ""),  # no content: no plain text
    ]
    body = "".join(
        f"<item><title>{title}</title><link>{server.url(path)}</link>"
        f"<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>"
        + (f"<dc:language>{lang}</dc:language>" if lang else "")
        + (f"<content:encoded><![CDATA[{html}]]></content:encoded>" if html else "")
        + "<description>Resumen corto.</description></item>"
        for title, path, html, lang in items
    )
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Sitio</title>'
        f"<link>{server.url('/')}</link><language>es</language>{body}</channel></rss>"
    ).encode()


def test_the_job_gives_each_item_the_runs_own_canonical_link_and_plain_content(
    feedserver: FeedServer,
) -> None:
    content = _feed(feedserver)
    plain = parse_feed(content, feedserver.url("/feed"), {}, now=NOW)
    prepared = parse_job(content, feedserver.url("/feed"), {}, now=NOW, language="pt")
    assert [i.link for i in prepared.items] == [i.link for i in plain.items]
    for bare, item in zip(plain.items, prepared.items, strict=True):
        # the parse alone fills none of them
        assert (bare.canonical, bare.kept, bare.plain, bare.summary_language) == (
            "",
            "",
            None,
            None,
        )
        assert item.canonical == canonical_url(item.link)
        assert item.kept == kept_url(item.link)
        assert item.summary_language == ("pt", summary_language(item.title, item.summary, "pt"))
        if not item.content_html:
            assert item.plain is None
            continue
        assert item.plain is not None
        assert item.plain.declared == "pt"  # the feed's configured language comes first
        paragraphs, language = plain_content(item.content_html, "pt")
        assert (list(item.plain.paragraphs), item.plain.language) == (paragraphs, language)
        # the article made from it is the one made without it, for the language it was checked
        # against; for another language the plain text is made again
        url = item.link
        assert pending_article(item.content_html, url, "pt", item.plain) == pending_article(
            item.content_html, url, "pt"
        )
        other = pending_article(item.content_html, url, "en", item.plain)
        assert other == pending_article(item.content_html, url, "en")
    assert prepared.items[0].plain is not None and prepared.items[0].plain.language == "es"
    assert "utm_" in prepared.items[0].link and "utm_" not in prepared.items[0].kept


def test_a_page_mode_feed_gets_no_plain_text_it_would_not_use(feedserver: FeedServer) -> None:
    prepared = parse_job(_feed(feedserver), feedserver.url("/feed"), {}, now=NOW, mode="page")
    assert all(item.plain is None for item in prepared.items)
    assert all(item.canonical for item in prepared.items)


def _stored(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    entries: list[Entry] = sorted(store.iter_entries(), key=lambda e: e.id)
    articles: list[Article | None] = [store.article(e.id) for e in entries]
    rows = [{k: v for k, v in e.to_dict().items() if k != "fetched"} for e in entries]
    return rows, [a.to_dict() if a is not None else {} for a in articles]


async def test_a_run_through_the_job_stores_what_a_run_without_it_stores(
    feedserver: FeedServer,
    tmp_path: Path,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
) -> None:
    content = _feed(feedserver)
    feedserver.add("/feed", Route(body=content))
    feed = FeedConfig(url=feedserver.url("/feed"))
    config = make_config([feed])
    with Store(tmp_path / "a" / "data", tmp_path / "a" / "cache") as fetched:
        summary = await update(config, fetched, fulltext=False, executor=counting_executor)
        assert summary.results[0].new_entries == 3
        assert counting_executor.calls["parse_job"] == 1
        through_job = _stored(fetched)
    # The same feed parsed here and handed over as a sync server's copy: no job, so the run
    # canonicalises and makes the plain text itself.
    parsed = parse_feed(content, feed.url, {})
    with Store(tmp_path / "b" / "data", tmp_path / "b" / "cache") as supplied:
        await update(config, supplied, fulltext=False, supplied={feed.url: parsed})
        without = _stored(supplied)
    for a, b in zip(through_job[0] + through_job[1], without[0] + without[1], strict=True):
        assert {k: v for k, v in a.items() if b.get(k) != v} == {}, (a, b)
    assert through_job == without
    assert len(through_job[0]) == 3 and sum(1 for a in through_job[1] if a) == 2


async def test_conditional_requests_have_slots_of_their_own(
    feedserver: FeedServer, make_config: MakeConfig
) -> None:
    """One slot in all: a conditional request (which a 304 answers without a body) does not
    wait behind a plain one, but two plain requests wait for each other; conditional requests
    have twice the slots of plain ones, never more."""
    feedserver.add("/a", Route(body=b"a", etag='"a"', delay=0.2))
    feedserver.add("/b", Route(body=b"b", etag='"b"', delay=0.2))
    config = make_config([], concurrency=1, per_host=4)
    host = feedserver.host()
    async with Fetcher(config.fetch) as fetcher:
        await asyncio.gather(
            fetcher.fetch(feedserver.url("/a")), fetcher.fetch(feedserver.url("/b"))
        )
        assert feedserver.max_active[host] == 1
        feedserver.max_active.clear()
        plain, conditional = await asyncio.gather(
            fetcher.fetch(feedserver.url("/a")),
            fetcher.fetch(feedserver.url("/b"), info=HTTPInfo(etag='"b"')),
        )
        assert (plain.status, conditional.status) == (200, 304)
        assert feedserver.max_active[host] == 2
        feedserver.max_active.clear()
        # Conditional requests alone: the shared slot and one of their own, never more.
        answers = await asyncio.gather(
            *(
                fetcher.fetch(feedserver.url(p), info=HTTPInfo(etag=f'"{p[1]}"'))
                for p in ["/a", "/b"] * 2
            )
        )
    assert [r.status for r in answers] == [304] * 4
    assert feedserver.max_active[host] == 2


def test_the_run_imports_neither_the_feed_parser_nor_httpx_command_line() -> None:
    """feedparser is loaded only in the workers that parse; httpx's CLI (click, rich) nowhere."""
    code = (
        "import sys, tui_reader.cli.entry, tui_reader.cli.fetching, tui_reader.pipeline, httpx;"
        "print(sorted(m for m in ('feedparser', 'click', 'rich', 'httpx._main')"
        " if sys.modules.get(m) is not None))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_runs_index_writes_its_documents_in_batches_and_the_rest_at_the_end(
    store: Store,
) -> None:
    from tui_reader.pipeline.index import BATCH_DOCS, RunIndex

    def entry(i: int) -> Entry:
        return Entry(
            id=f"e{i:05d}",
            url=f"https://a.example/{i}",
            title=f"Palabra{i} titular",
            feeds=("https://a.example/feed",),
            published=NOW,
            summary="resumen",
        )

    index = RunIndex(store)
    index.add([entry(i) for i in range(BATCH_DOCS - 1)], {})
    assert len(store.search_index()) == 0  # waiting: one transaction for many feeds
    index.add([entry(BATCH_DOCS - 1), entry(BATCH_DOCS)], {})
    assert len(store.search_index()) == BATCH_DOCS + 1  # the batch is full: written at once
    index.add([entry(BATCH_DOCS + 1)], {})
    index.flush()
    assert len(store.search_index()) == BATCH_DOCS + 2
    assert [hit.entry_id for hit in store.search_index().search("palabra7 titular")] == ["e00007"]


_PRELOAD_PROBE = """
import asyncio, pickle, sys
from tui_reader.pipeline.pool import FEED_PRELOAD, Pool
from probe_modules import loaded


async def main() -> None:
    with open(sys.argv[1], "rb") as f:
        config = pickle.load(f)
    pool = Pool(config, preload=FEED_PRELOAD)
    try:
        print(await pool.run(loaded, ("trafilatura", "feedparser", "courlan")))
    finally:
        pool.close()


asyncio.run(main())
"""


def test_a_run_that_gets_no_pages_preloads_no_extraction(
    make_config: MakeConfig, tmp_path: Path
) -> None:
    """The fork server of a feeds-only run imports the feed job, not trafilatura (0.2 s before
    the first parse); a run with full text preloads the extraction too.

    In a fresh interpreter: a fork server is started once per process, with the preload of the
    first pool, so in the test process an earlier test's pool would decide it.
    """
    from tui_reader.pipeline.pool import FEED_PRELOAD, PRELOAD

    assert "trafilatura" in PRELOAD and "trafilatura" not in FEED_PRELOAD
    assert "tui_reader.feedwork" in FEED_PRELOAD
    (tmp_path / "probe_modules.py").write_text(
        "import sys\n\n\ndef loaded(names):\n    return [n in sys.modules for n in names]\n"
    )
    config_file = tmp_path / "config.pickle"
    config_file.write_bytes(pickle.dumps(make_config([])))
    done = subprocess.run(
        [sys.executable, "-c", _PRELOAD_PROBE, str(config_file)],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[False, True, True]"
