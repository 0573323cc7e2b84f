"""Feed items kept unconverted at fetch (`pending`): their plain text, and their conversion once
opened, stored so that every reader of the store sees one article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from tui_reader.config import Config
from tui_reader.models import Article, Block, Entry
from tui_reader.pending import pending_article, plain_paragraphs, settled_article
from tui_reader.store import Store

ITEM = (
    "<p>Primer <b>párrafo</b> con <a href='/x'>un enlace</a> &amp; más.</p>"
    "<script>alert('no')</script><!-- nada -->"
    "<ul><li>uno</li><li>dos</li></ul><p>Segundo\x1b[31m párrafo<br>y su línea.</p>"
)


def test_plain_paragraphs_keep_words_and_drop_markup_scripts_and_escapes() -> None:
    assert plain_paragraphs(ITEM) == [
        "Primer párrafo con un enlace & más.",
        "uno",
        "dos",
        "Segundo párrafo",
        "y su línea.",
    ]


def test_an_item_without_text_has_no_pending_article() -> None:
    assert pending_article("<p> </p><img src='a.png'>", "https://example.org/a") is None


def test_a_pending_article_keeps_the_html_and_checks_the_declared_language() -> None:
    article = pending_article(ITEM, "https://example.org/a", "es-ES")
    assert article is not None
    assert article.pending == ITEM and article.source == "feed"
    assert article.language == "es"
    assert "Primer párrafo" in article.text
    assert Article.from_dict(article.to_dict()) == article  # kept as data


def _stored(store: Store, article: Article) -> Entry:
    entry = Entry(
        id="e1",
        url="https://example.org/a",
        title="Un título",
        feeds=("https://example.org/feed/",),
        published=datetime(2026, 1, 2, tzinfo=UTC),
        has_article=True,
    )
    store.add_entries(entry.feeds[0], [entry], {entry.id: article})
    return entry


def test_opening_converts_once_and_stores_the_article(
    store: Store, make_config: Callable[..., Config]
) -> None:
    pending = pending_article(ITEM, "https://example.org/a", "es")
    assert pending is not None
    _stored(store, pending)
    first = settled_article(make_config(), store, "e1")
    assert first is not None and not first.pending and first.blocks
    assert "alert" not in first.text and "Primer párrafo" in first.text
    assert store.article("e1") == first  # what `show`, the reader and reextract all read
    assert settled_article(make_config(), store, "e1") == first
    assert store.raw("e1") == ("feed", ITEM)  # kept for reextract, as a fetched page is


def test_a_teaser_stays_a_summary_once_converted(
    store: Store, make_config: Callable[..., Config]
) -> None:
    pending = pending_article(ITEM, "https://example.org/a", "es")
    assert pending is not None
    _stored(store, replace(pending, source="summary"))
    settled = settled_article(make_config(), store, "e1")
    assert settled is not None and settled.source == "summary" and not settled.pending


def test_an_article_stored_meanwhile_is_not_overwritten(store: Store) -> None:
    pending = pending_article(ITEM, "https://example.org/a", "es")
    assert pending is not None
    entry = _stored(store, pending)
    page = Article(url="https://example.org/a", blocks=(Block("paragraph", "De la página."),))
    store.add_entries(entry.feeds[0], [replace(entry, own=True)], {"e1": page})  # a fetch's
    late = replace(pending, pending="", blocks=(Block("paragraph", "Tarde."),))
    assert store.settle_article("e1", pending, late) == page
    assert store.article("e1") == page
