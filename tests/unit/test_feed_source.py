"""A feed item's `<source>` (the article a translation credits) reaches the entry, survives
merging and storing, and is the original the reader and `show` name; so is a canonical link to another site."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from feedserver import CountingExecutor, FeedServer, Route

from tui_reader.config import Config, FeedConfig
from tui_reader.credits import original_url
from tui_reader.feeds.links import canonical_url, entry_id
from tui_reader.feeds.parse import parse_feed
from tui_reader.models import Article, Entry
from tui_reader.pipeline import update
from tui_reader.store import Store
from tui_reader.store.merge import merged_entry

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Mi sitio</title><link>https://mio.example/</link>
<item><title>Nota traducida</title><link>https://mio.example/nota</link>
<source url="https://original.example/story">Original News</source>
<description>Resumen.</description></item>
<item><title>Sin fuente</title><link>https://mio.example/otra</link>
<source url="javascript:alert(1)">x</source></item>
</channel></rss>"""


def test_rss_source_is_the_items_original() -> None:
    parsed = parse_feed(RSS, "https://mio.example/feed", {})
    assert [i.source_url for i in parsed.items] == ["https://original.example/story", ""]


def test_the_declared_source_wins_unless_it_is_the_same_site() -> None:
    article = Article(url="https://mio.example/nota")
    assert original_url(article, declared="https://original.example/story") == (
        "https://original.example/story"
    )
    assert original_url(article, declared="https://mio.example/x") == ""


def test_merging_feeds_keeps_the_first_known_original() -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    old = Entry(id="a", url="u", title="t", feeds=("f1",), published=when)
    new = Entry(id="a", url="u", title="t", feeds=("f2",), published=when, original="https://o/")
    assert merged_entry(old, new).original == "https://o/"
    assert Entry.from_dict(merged_entry(old, new).to_dict()).original == "https://o/"


async def test_a_fetch_stores_the_items_source(
    feedserver: FeedServer,
    store: Store,
    make_config: Callable[..., Config],
    counting_executor: CountingExecutor,
) -> None:
    body = RSS.replace(b"https://mio.example/nota", feedserver.url("/nota").encode())
    feedserver.add("/feed", Route(body=body))
    feedserver.page("/nota", title="Nota traducida")
    feed = FeedConfig(url=feedserver.url("/feed"), title="Mi sitio")
    await update(make_config([feed], fulltext=False), store, executor=counting_executor)
    entry = store.entry(entry_id(canonical_url(feedserver.url("/nota"))))
    assert entry is not None and entry.original == "https://original.example/story"


PAGE = """<html><head><title>Nota</title>
<link rel="canonical" href="{canonical}"></head><body><article><h1>Nota</h1>
<p>Un texto traducido, lo bastante largo para que sea un artículo y no un resumen corto.</p>
<p>Otro párrafo con más texto para que el extractor lo tome como el cuerpo del artículo.</p>
</article></body></html>"""


def test_a_canonical_link_to_another_site_is_the_original() -> None:
    from tui_reader.extract import extract_article

    url = "https://mio.example/nota"
    elsewhere = extract_article(PAGE.format(canonical="https://source.example/x"), url)
    assert elsewhere.canonical == "https://source.example/x"
    assert original_url(elsewhere, url) == "https://source.example/x"
    assert Article.from_dict(elsewhere.to_dict()).canonical == "https://source.example/x"
    itself = extract_article(PAGE.format(canonical="https://mio.example/nota?amp=1"), url)
    assert itself.canonical == "" and "canonical" not in itself.to_dict()
    assert original_url(itself, url) == ""
